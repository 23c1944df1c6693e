"""DuckDB views and ready queries over a small realistic output directory."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.query import READY_QUERIES, connect, run_query
from schemas import DATASETS, schema_of
from tests.datasets import CAL_ID, WORK_ID, Expected, build_output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_output(tmp_path_factory.mktemp("query")))


def test_views_have_every_row(out: str) -> None:
    exp = Expected()
    con = connect(out)
    counts = {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in DATASETS}  # type: ignore[index]
    assert counts == {"documents": exp.documents, "items": exp.items, "failures": exp.failures}


def test_empty_output_still_has_contract_columns(tmp_path: Path) -> None:
    con = connect(str(tmp_path))
    for name, model in DATASETS.items():
        cols = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
        assert cols == schema_of(model).names
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == (0,)
    for sql in READY_QUERIES.values():
        assert run_query(str(tmp_path), sql).empty


def test_union_by_name_reads_parts_with_extra_columns(out: str, tmp_path: Path) -> None:
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    extra = pa.table(
        {
            "doc_id": ["x" * 64],
            "source": ["late.pdf"],
            "format": ["pdf"],
            "method": ["text_layer"],
            "kind": ["other"],
            "items": pa.array([0], pa.int32()),
            "pipeline_version": ["9"],
            "new_column": ["hello"],
        }
    )
    (copy / "documents" / "more").mkdir()
    pq.write_table(extra, copy / "documents" / "more" / "part-x.parquet")
    df = run_query(str(copy), "SELECT source, new_column FROM documents ORDER BY source")
    assert len(df) == Expected().documents + 1
    assert df.set_index("source").loc["late.pdf", "new_column"] == "hello"


def test_ready_query_names() -> None:
    assert set(READY_QUERIES) >= {
        "due_this_week",
        "by_executor",
        "by_article",
        "warnings",
        "per_document",
    }


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # week 2026-08-04..10: by 08-10 (cal 2), range 07-15..08-05 (cal 3), August (work 2),
        # the monthly series (cal 6)
        (date(2026, 8, 4), {(CAL_ID, 2), (CAL_ID, 3), (CAL_ID, 6), (WORK_ID, 2)}),
        # week 2026-09-17..23: voting day (cal 7), the series; the `from` started earlier
        (date(2026, 9, 17), {(CAL_ID, 6), (CAL_ID, 7)}),
        (date(2027, 1, 1), set()),
    ],
)
def test_due_this_week(out: str, today: date, expected: set[tuple[str, int]]) -> None:
    df = run_query(out, "due_this_week", {"today": today})
    assert set(zip(df["doc_id"], df["ordinal"], strict=True)) == expected
    macro = run_query(out, f"SELECT * FROM due_this_week(DATE '{today.isoformat()}')")
    assert len(macro) == len(df)


def test_due_this_week_defaults_to_today(out: str) -> None:
    con = connect(out)
    assert con.execute(READY_QUERIES["due_this_week"]).fetchall() is not None


def test_by_executor_filters_case_insensitively(out: str) -> None:
    everyone = run_query(out, "by_executor")
    assert {"Кандидаты", "Участковые избирательные комиссии"} <= set(everyone["executor"])
    # written short name "УИК" and its canonical expansion both match
    for needle in ("уик", "УЧАСТКОВЫЕ избирательные"):
        df = run_query(out, "by_executor", {"executor": needle})
        assert sorted(df["ordinal"]) == [7, 8]
        assert set(df["executor"]) == {"Участковые избирательные комиссии"}
    df = run_query(out, "SELECT * FROM by_executor('кандидаты')")
    assert list(df["ordinal"]) == [5]


def test_by_article(out: str) -> None:
    df = run_query(out, "by_article")
    row = df[(df["article"] == "34")].iloc[0]
    assert row["items"] == 1 and row["item_nos"] == "3"
    assert df["items"].sum() == 10  # every cited provision counted once
    law = df[df["act"].str.startswith("Закон")]["article"].tolist()
    assert law == sorted(law, key=int)  # articles in numeric order


def test_warnings(out: str) -> None:
    df = run_query(out, "warnings")
    assert sorted(df["code"]) == ["ROW_MERGED", "STATED_DATE_MISMATCH", "UNRESOLVED_RULE"]
    doc_level = df[df["level"] == "document"]
    assert len(doc_level) == 1 and pd.isna(doc_level.iloc[0]["item_no"])


def test_per_document(out: str) -> None:
    df = run_query(out, "per_document").set_index("doc_id")
    assert df.loc[CAL_ID, "items"] == 11 and df.loc[CAL_ID, "dated"] == 8
    assert df.loc[CAL_ID, "undated"] == 3 and df.loc[CAL_ID, "warnings"] == 3
    assert df.loc[WORK_ID, "first_day"] == date(2026, 3, 1)
    assert df.loc[WORK_ID, "last_day"] == date(2026, 10, 15)


def test_bad_sql_is_a_value_error(out: str) -> None:
    with pytest.raises(ValueError, match="query failed"):
        run_query(out, "SELECT nope FROM items")
    with pytest.raises(ValueError, match="needs values"):
        run_query(out, "SELECT * FROM items WHERE action = $what")


def test_dollar_parameters_are_bound(out: str) -> None:
    df = run_query(
        out,
        "SELECT ordinal FROM items WHERE doc_id = $doc ORDER BY ordinal",
        {"doc": WORK_ID, "unused": 1},
    )
    assert list(df["ordinal"]) == [1, 2, 3, 4, 5]


def test_fsspec_memory_location() -> None:
    from pipeline.store import Batch, DatasetStore
    from tests.datasets import documents, models, work_items

    url = "memory://kalplan-query-test/out"
    DatasetStore(url).write(Batch(documents=models(documents()[1:]), items=models(work_items())))
    df = run_query(url, "SELECT count(*) AS n FROM items")
    assert df["n"].iloc[0] == 5
