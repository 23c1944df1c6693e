"""Batch runs: idempotent re-runs, --force, duplicates, timeouts and crashes of readers."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.flow import docs_per_task, run_ingest
from pipeline.process import RunOptions
from pipeline.store import DatasetStore, StoreLocked

ROOT = Path(__file__).resolve().parents[1]
QUICK = [
    "000_d1ca76bf053992ad.txt",
    "004_55a8721802e65df6.txt",
    "000_d1ca76bf053992ad.html",
    "004_55a8721802e65df6.docx",
]


def _digests(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*.parquet"))
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    inp = tmp_path_factory.mktemp("corpus")
    for name in QUICK:
        shutil.copy(ROOT / "samples" / name, inp / name)
    with zipfile.ZipFile(inp / "archive.zip", "w") as zf:  # a copy: same doc_id
        zf.write(ROOT / "samples" / QUICK[0], "вложено/" + QUICK[0])
    return inp


def test_rerun_reprocesses_nothing_and_force_replaces(corpus, tmp_path):
    out = tmp_path / "out"
    first = run_ingest([str(corpus)], str(out))
    assert (first.documents, first.duplicates, first.failures) == (len(QUICK), 1, 0)
    before = _digests(out)

    again = run_ingest([str(corpus)], str(out))
    assert (again.documents, again.failures, again.skipped) == (0, 0, len(QUICK))
    assert _digests(out) == before  # byte-identical: nothing rewritten

    forced = run_ingest([str(corpus)], str(out), force=True)
    assert forced.documents == len(QUICK)
    store = DatasetStore(str(out))
    docs = store.read("documents").to_pylist()
    items = store.read("items").to_pylist()
    assert len(docs) == len({d["doc_id"] for d in docs}) == len(QUICK)
    assert len(items) == first.items == sum(d["items"] for d in docs)
    assert len({(i["doc_id"], i["ordinal"]) for i in items}) == len(items)


def test_a_run_has_sent_its_events_when_it_returns(corpus, tmp_path):
    from prefect.events.worker import EventsWorker

    run_ingest([str(corpus)], str(tmp_path / "out"), force=True)
    # nothing left for Prefect to send (and warn about, "Still processing items") at exit
    assert not EventsWorker._instances


def test_cli_rerun_says_everything_was_skipped(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["ingest", str(corpus), "--out", str(out), "--quiet", "--workers", "2"]) == 0
    capsys.readouterr()
    assert main(["ingest", str(corpus), "--out", str(out), "--quiet"]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "already ingested" in x]
    assert str(len(QUICK)) in line.split("already ingested")[1]


def test_hung_and_crashing_readers_become_failures_with_one_worker(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a-hangs.txt").write_bytes(b"SLEEP-FOREVER")
    (inp / "b-crashes.txt").write_bytes(b"SEGFAULT-NOW")
    shutil.copy(ROOT / "samples" / QUICK[0], inp / "c-plan.txt")
    options = RunOptions(timeout=2, processor="tests.procs:misbehaving")
    summary = run_ingest([str(inp)], str(tmp_path / "out"), options=options, workers=1)
    assert (summary.documents, summary.failures, summary.timeouts) == (1, 2, 1)
    fails = {
        Path(f["source"]).name: f
        for f in DatasetStore(str(tmp_path / "out")).read("failures").to_pylist()
    }
    assert fails["a-hangs.txt"]["error"] == "timed out after 2 s"
    assert fails["a-hangs.txt"]["stage"] == "parse"
    assert fails["b-crashes.txt"]["error"].startswith("the reader crashed")
    assert "signal 11" in fails["b-crashes.txt"]["error"]
    assert fails["b-crashes.txt"]["stage"] == "extract"


def test_a_second_writer_is_refused_while_the_first_holds_the_output(corpus, tmp_path):
    store = DatasetStore(str(tmp_path / "out"))
    with store.lock(), pytest.raises(StoreLocked, match="another kalplan ingest"):
        run_ingest([str(corpus)], str(tmp_path / "out"))


@pytest.mark.parametrize(
    ("n", "workers", "size"),
    [(1, 1, 1), (10, 2, 1), (100, 1, 12), (1000, 1, 48), (1000, 2, 48), (10_000, 2, 48)],
)
def test_tasks_hold_one_document_for_small_batches_and_more_for_large(n, workers, size):
    assert docs_per_task(n, workers) == size


def test_the_deployable_flow_takes_plain_parameters(corpus, tmp_path):
    from pipeline.deploy import ingest_batch

    result = ingest_batch(
        paths=[str(corpus)], out=str(tmp_path / "out"), timeout=60.0, voting_day="2026-09-20"
    )
    assert (result["documents"], result["failures"]) == (len(QUICK), 0), result["failed"]
    days = DatasetStore(str(tmp_path / "out")).read("documents")["voting_day"].to_pylist()
    assert {str(d) for d in days} == {"2026-09-20"}


def test_head_start_runs_documents_until_stopped_and_leaves_the_rest(corpus):
    import time

    from pipeline.discover import discover
    from pipeline.flow import HeadStart

    jobs = [(inp, inp.read()) for inp in discover([str(corpus)]) if inp.member is None]
    pending = iter(jobs)
    head = HeadStart(pending, RunOptions(isolate=False), workers=1)
    deadline = time.monotonic() + 60
    while not head.started and time.monotonic() < deadline:
        time.sleep(0.01)
    started = head.stop()
    assert 1 <= len(started) <= len(jobs)
    outcomes = [future.result(timeout=60) for _job, future in started]
    assert all(o.document is not None for o in outcomes)
    rest = list(pending)  # nothing is lost: what was not started is still to be read
    assert [j[0].source for j, _f in started] + [j[0].source for j in rest] == [
        j[0].source for j in jobs
    ]
