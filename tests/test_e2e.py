"""End to end: `kalplan ingest samples/` through Prefect, then eval and query."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.evaluate import evaluate
from pipeline.query import run_query
from pipeline.store import DatasetStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EXTS = {".txt", ".docx", ".pdf", ".html", ".rtf"}


def _samples() -> list[Path]:
    return sorted(p for p in (ROOT / "samples").iterdir() if p.suffix in SAMPLE_EXTS)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    inp = tmp_path_factory.mktemp("in")
    for p in _samples():
        shutil.copy(p, inp / p.name)
    (inp / "empty.pdf").write_bytes(b"")
    (inp / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ngarbage\n")
    (inp / "letter.txt").write_text(
        "Уважаемые коллеги!\nПриглашаем вас на семинар по вопросам наблюдения.\n"
        "С уважением, аппарат палаты.\n",
        encoding="utf-8",
    )
    (inp / "garbage.docx").write_bytes(bytes(range(256)) * 40)
    out = tmp_path_factory.mktemp("out")
    code = main(["ingest", str(inp), "--out", str(out), "--quiet"])
    return inp, out, code


def test_batch_runs_and_accounts_for_every_file(batch):
    inp, out, code = batch
    assert code == 0
    store = DatasetStore(str(out))
    docs = store.read("documents").to_pylist()
    fails = store.read("failures").to_pylist()
    sources = {Path(d["source"]).name for d in docs} | {Path(f["source"]).name for f in fails}
    assert sources == {p.name for p in inp.iterdir()}
    assert {Path(d["source"]).name for d in docs} == {p.name for p in _samples()}
    reasons = {Path(f["source"]).name: f for f in fails}
    assert set(reasons) == {"empty.pdf", "corrupt.pdf", "letter.txt", "garbage.docx"}
    assert reasons["empty.pdf"]["error"] == "the file is empty"
    assert reasons["letter.txt"]["stage"] == "parse"
    for f in fails:
        assert len(f["error"]) > 10 and "Traceback" not in f["error"]


def test_every_sample_format_recovers_every_gold_row(batch):
    _, out, _ = batch
    scores = evaluate([str(ROOT / "tests" / "gold")], str(out))
    recall = {doc: cells["rows_recall"] for doc, cells in scores.table.items()}
    assert len(recall) == len(_samples())
    for doc, (hits, total) in recall.items():
        assert hits == total, f"{doc}: {hits}/{total} gold rows found"
    assert scores.overall() > 0.9


def test_rerun_skips_everything_and_changes_nothing(batch):
    inp, out, _ = batch
    before = sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*.parquet"))
    assert main(["ingest", str(inp), "--out", str(out), "--quiet"]) == 0
    after = sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*.parquet"))
    assert before == after


def test_query_views(batch):
    _, out, _ = batch
    frame = run_query(str(out), "SELECT count(*) AS n FROM items i JOIN documents d USING (doc_id)")
    assert int(frame["n"][0]) > 100


def test_query_command_prints_lists_readably(batch, capsys):
    _, out, _ = batch
    sql = "SELECT executors, legal_refs FROM items WHERE len(legal_refs) > 0 LIMIT 1"
    assert main(["query", str(out), sql]) == 0
    printed = capsys.readouterr().out
    assert "ст." in printed and "{'act'" not in printed and "[" not in printed
