"""The Parquet writer: contract schema, replace-by-doc_id, crash leftovers."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import duckdb
import pyarrow.dataset as ds
import pytest

from pipeline.store import Batch, DatasetStore
from schemas import DocumentRecord, FailureRecord, ItemRecord, LegalRef

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _doc(n: int, items: int = 2) -> tuple[DocumentRecord, list[ItemRecord]]:
    doc_id = hashlib.sha256(str(n).encode()).hexdigest()
    doc = DocumentRecord(
        doc_id=doc_id,
        source=f"in/{n}.docx",
        format="docx",
        method="docx",
        kind="election_calendar",
        voting_day=date(2026, 9, 20),
        items=items,
        pipeline_version="t",
        ingested_at=NOW,
    )
    rows = [
        ItemRecord(
            doc_id=doc_id,
            ordinal=i,
            item_no=str(i),
            action=f"действие {n}.{i}",
            deadline_text="не позднее 01.09.2026",
            deadline_kind="by",
            deadline_end=date(2026, 9, 1),
            executors=["ТИК"],
            legal_refs=[LegalRef(act="Закон", article="5", text="ст. 5 Закона")],
        )
        for i in range(1, items + 1)
    ]
    return doc, rows


def test_write_then_read_with_contract_schema(tmp_path):
    store = DatasetStore(str(tmp_path))
    doc, rows = _doc(1)
    store.write(Batch(documents=[doc], items=rows))
    items = ds.dataset(tmp_path / "items").to_table()
    assert items.num_rows == 2
    assert str(items.schema.field("ordinal").type) == "int32"
    assert str(items.schema.field("deadline_end").type) == "date32[day]"
    assert "struct<act" in str(items.schema.field("legal_refs").type)
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path}/documents/**/*.parquet')")
    assert n.fetchone() == (1,)


def test_rewriting_a_document_replaces_its_rows(tmp_path):
    store = DatasetStore(str(tmp_path))
    d1, r1 = _doc(1)
    d2, r2 = _doc(2)
    store.write(Batch(documents=[d1, d2], items=r1 + r2))
    d1b, r1b = _doc(1, items=3)
    store.write(Batch(documents=[d1b], items=r1b))
    assert store.read("documents").num_rows == 2
    items = store.read("items").to_pylist()
    assert sorted(r["ordinal"] for r in items if r["doc_id"] == d1.doc_id) == [1, 2, 3]
    assert len([r for r in items if r["doc_id"] == d2.doc_id]) == 2


def test_success_replaces_an_earlier_failure(tmp_path):
    store = DatasetStore(str(tmp_path))
    d1, r1 = _doc(1)
    fail = FailureRecord(
        source=d1.source, doc_id=d1.doc_id, stage="parse", error="x", ingested_at=NOW
    )
    store.write(Batch(failures=[fail]))
    assert store.ingested()[d1.doc_id][1] == "failures"
    store.write(Batch(documents=[d1], items=r1))
    assert store.read("failures").num_rows == 0
    assert store.ingested()[d1.doc_id] == ("t", "documents")


def test_temporaries_of_an_interrupted_write_are_removed_and_ignored(tmp_path):
    store = DatasetStore(str(tmp_path))
    d1, r1 = _doc(1)
    store.write(Batch(documents=[d1], items=r1))
    (tmp_path / "items" / "part-x.parquet.abc.tmp").write_bytes(b"half a file")
    assert store.read("items").num_rows == 2  # never read
    assert store.clean_temporaries() == 1
    assert not list((tmp_path / "items").glob("*.tmp"))


def test_invalid_record_is_rejected():
    with pytest.raises(ValueError):
        ItemRecord(
            doc_id="x", ordinal=1, action="a", deadline_kind="by", deadline_start=date(2026, 1, 1)
        )
    with pytest.raises(ValueError):
        ItemRecord(doc_id="x", ordinal=1, action="a", deadline_end_time="25:99")


def test_a_new_store_instance_replaces_rows_of_earlier_runs(tmp_path):
    d1, r1 = _doc(1)
    d2, r2 = _doc(2)
    DatasetStore(str(tmp_path)).write(Batch(documents=[d1, d2], items=r1 + r2))
    unreadable = FailureRecord(
        source="in/gone.docx", stage="read", error="the file is gone", ingested_at=NOW
    )
    DatasetStore(str(tmp_path)).write(Batch(failures=[unreadable]))
    store = DatasetStore(str(tmp_path))  # a fresh index, built from the parts on disk
    d1b, r1b = _doc(1, items=1)
    again = unreadable.model_copy(update={"error": "still gone"})
    store.write(Batch(documents=[d1b], items=r1b, failures=[again]))
    fresh = DatasetStore(str(tmp_path))
    assert fresh.read("documents").num_rows == 2
    assert len([r for r in fresh.read("items").to_pylist() if r["doc_id"] == d1.doc_id]) == 1
    assert [f["error"] for f in fresh.read("failures").to_pylist()] == ["still gone"]
    # parts that lost every row are removed, not left empty
    for part in tmp_path.rglob("*.parquet"):
        assert ds.dataset(part).count_rows() > 0


def test_writing_new_documents_does_not_rewrite_existing_parts(tmp_path):
    store = DatasetStore(str(tmp_path))
    d1, r1 = _doc(1)
    store.write(Batch(documents=[d1], items=r1))
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")}
    d2, r2 = _doc(2)
    DatasetStore(str(tmp_path)).write(Batch(documents=[d2], items=r2))
    assert all(p.stat().st_mtime_ns == t for p, t in stamps.items())
