"""``kill -9`` in the middle of a batch: no corrupt Parquet, no orphans, the re-run finishes.

``kalplan ingest`` runs as a subprocess over 60 plans, writing a part every 5 documents
(``KALPLAN_FLUSH_EVERY``); it is killed as soon as the first part exists.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.prefect_env import LocalServer
from pipeline.store import DatasetStore

ROOT = Path(__file__).resolve().parents[1]
N = 60


def _group_members(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(entry.name))
    return pids


@pytest.mark.slow
def test_kill_9_mid_batch_then_rerun_completes_exactly_once(tmp_path):
    corpus, out = tmp_path / "plans", tmp_path / "out"
    corpus.mkdir()
    base = (ROOT / "samples" / "004_55a8721802e65df6.txt").read_text(encoding="utf-8")
    for i in range(N):
        (corpus / f"plan-{i:03d}.txt").write_text(f"{base}\n\nЭкземпляр № {i + 1}\n", "utf-8")

    # the subprocess reports to this test process's Prefect server instead of starting one
    server = LocalServer.start()
    assert server.ready.wait(120) and server.url, server.error
    env = {**os.environ, "KALPLAN_FLUSH_EVERY": "5", "PREFECT_API_URL": server.url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "ingest", str(corpus), "--out", str(out), "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list((out / "documents").glob("part-*.parquet")):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no part was written in time"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        for _ in range(100):  # the workers die with the batch (no orphans)
            if not _group_members(proc.pid):
                break
            time.sleep(0.05)
        assert _group_members(proc.pid) == []
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.stderr:
            proc.stderr.close()

    parts = sorted(out.rglob("*.parquet"))
    assert parts
    for part in parts:  # every finished part reads whole
        pq.read_table(part)
    store = DatasetStore(str(out))
    written = store.read("documents").num_rows
    assert 0 < written < N, "the batch was not interrupted mid-way"

    assert main(["ingest", str(corpus), "--out", str(out), "--quiet"]) == 0
    assert not list(out.rglob("*.tmp"))
    docs = store.read("documents").to_pylist()
    items = store.read("items").to_pylist()
    assert len(docs) == N and len({d["doc_id"] for d in docs}) == N
    assert {Path(d["source"]).name for d in docs} == {f"plan-{i:03d}.txt" for i in range(N)}
    assert len(items) == sum(d["items"] for d in docs)
    assert len({(i["doc_id"], i["ordinal"]) for i in items}) == len(items)
    assert store.read("failures").num_rows == 0


def test_a_worker_started_by_a_short_lived_thread_outlives_it():
    import threading

    from pipeline.worker import DocumentWorker

    worker = DocumentWorker()
    ready: list[bool] = []
    starter = threading.Thread(target=lambda: ready.append(worker.ready(60)))
    starter.start()
    starter.join()  # the thread that asked for the worker is gone; the worker must not be
    try:
        assert ready == [True]
        time.sleep(0.5)
        assert worker.alive
    finally:
        worker.kill()
