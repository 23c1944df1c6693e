"""CSV and XLSX exports: every dataset, readable list columns, Cyrillic intact."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.store import DatasetStore
from pipeline.tabular import export_tables
from schemas import DATASETS
from tests.datasets import CAL_ID, build_output

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_output(tmp_path_factory.mktemp("tab")))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_files_bom_and_counts(out: str, tmp_path: Path) -> None:
    paths = export_tables(out, "csv", str(tmp_path / "csv"))
    assert sorted(Path(p).name for p in paths) == ["documents.csv", "failures.csv", "items.csv"]
    store = DatasetStore(out)
    for name in DATASETS:
        path = tmp_path / "csv" / f"{name}.csv"
        assert path.read_bytes().startswith(BOM)
        assert not path.read_bytes()[3:].startswith(BOM)
        assert len(_rows(path)) == store.read(name).num_rows
        assert list(_rows(path)[0]) == store.read(name).column_names


def test_csv_round_trips_cyrillic_and_joins_lists(out: str, tmp_path: Path) -> None:
    export_tables(out, "csv", str(tmp_path))
    items = {(r["doc_id"], r["ordinal"]): r for r in _rows(tmp_path / "items.csv")}
    intake = items[(CAL_ID, "3")]
    assert intake["action"] == "Приём документов для регистрации кандидатов"
    assert intake["executors"] == "ИКСО; ТИК"
    assert intake["executors_canonical"].startswith("Избирательная комиссия Энской области; ")
    assert intake["legal_refs"] == "ст. 34 ч. 1; ст. 35"
    assert intake["deadline_start"] == "2026-07-15" and intake["deadline_end_time"] == "18:00"
    assert items[(CAL_ID, "2")]["offset_days"] == "-40"  # integers stay integers
    assert items[(CAL_ID, "8")]["deadline_start"] == ""
    docs = {r["doc_id"]: r for r in _rows(tmp_path / "documents.csv")}
    assert docs[CAL_ID]["definitions"] == (
        "ИКСО — Избирательная комиссия Энской области; "
        "ТИК — Территориальная избирательная комиссия Энского района"
    )
    assert docs[CAL_ID]["ingested_at"] == "2026-05-04 10:30:00"
    # pandas reads it back as-is
    frame = pd.read_csv(tmp_path / "items.csv", encoding="utf-8-sig")
    assert "Опубликование результатов выборов" in set(frame["action"])


def test_xlsx_sheets_match_parquet(out: str, tmp_path: Path) -> None:
    target = tmp_path / "sub" / "plans.xlsx"
    assert export_tables(out, "xlsx", str(target)) == [str(target)]
    store = DatasetStore(out)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == list(DATASETS)
    sheets = pd.read_excel(target, sheet_name=None)
    for name in DATASETS:
        table = store.read(name)
        assert book[name].max_row - 1 == table.num_rows
        assert len(sheets[name]) == table.num_rows
        assert list(sheets[name].columns) == table.column_names
    items = sheets["items"].set_index(["doc_id", "ordinal"])
    assert items.loc[(CAL_ID, 3), "legal_refs"] == "ст. 34 ч. 1; ст. 35"
    header = book["items"]["A1"]
    assert header.font.bold and book["items"].freeze_panes == "A2"


def test_xlsx_of_empty_output_has_headers(tmp_path: Path) -> None:
    target = tmp_path / "empty.xlsx"
    export_tables(str(tmp_path / "none"), "xlsx", str(target))
    sheets = pd.read_excel(target, sheet_name=None)
    assert {n: len(df) for n, df in sheets.items()} == {n: 0 for n in DATASETS}
    assert "deadline_kind" in sheets["items"].columns


def test_xlsx_strips_characters_excel_rejects(tmp_path: Path) -> None:
    from pipeline.store import Batch
    from schemas import DocumentRecord

    out = tmp_path / "out"
    doc = DocumentRecord(
        doc_id="a" * 64,
        source="x.txt",
        format="txt",
        method="text",
        title="План\x0bс переводом",
        pipeline_version="0",
        ingested_at=pd.Timestamp("2026-01-01", tz="UTC").to_pydatetime(),
    )
    DatasetStore(str(out)).write(Batch(documents=[doc]))
    export_tables(str(out), "xlsx", str(tmp_path / "x.xlsx"))
    assert pd.read_excel(tmp_path / "x.xlsx", sheet_name="documents")["title"][0] == (
        "План с переводом"
    )


def test_unknown_format(out: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="csv or xlsx"):
        export_tables(out, "ods", str(tmp_path / "x"))
