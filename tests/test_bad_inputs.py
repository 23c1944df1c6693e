"""Hostile and broken inputs: every file ends as a plan or a failure with a reason.

The corpus comes from ``tests/badinputs.py`` (made at test time). One input hangs on
purpose (``tests/procs.py``) to prove the per-document timeout, with 1 and 2 workers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.flow import run_ingest
from pipeline.process import RunOptions
from pipeline.store import DatasetStore
from tests.badinputs import make_corpus

TIMEOUT = 8


def _tree(root: Path, skip: Path) -> set[str]:
    return {
        str(p.relative_to(root)) for p in root.rglob("*") if skip not in p.parents and p != skip
    }


@pytest.fixture(scope="module", params=[1, 2], ids=["workers1", "workers2"])
def batch(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    corpus = root / "corpus"
    expected = make_corpus(corpus)
    out = root / "out"
    before = _tree(root, out)
    options = RunOptions(timeout=TIMEOUT, max_pages=100, processor="tests.procs:misbehaving")
    summary = run_ingest([str(corpus)], str(out), options=options, workers=request.param)
    return root, out, expected, summary, before


def test_every_input_is_a_plan_or_a_failure_with_its_reason(batch):
    _, out, expected, summary, _ = batch
    store = DatasetStore(str(out))
    docs = {d["source"]: d for d in store.read("documents").to_pylist()}
    fails = {f["source"]: f for f in store.read("failures").to_pylist()}
    assert not set(docs) & set(fails)
    assert set(docs) | set(fails) == set(expected)
    for source, exp in expected.items():
        if source in fails and (exp.stage is not None and (exp.items == 0 or exp.or_fail)):
            f = fails[source]
            assert f["stage"] == exp.stage, (source, f)
            assert re.search(exp.reason, f["error"], re.IGNORECASE), (source, f["error"])
            assert "Traceback" not in f["error"] and "internal error" not in f["error"]
        else:
            assert source in docs, (source, (fails.get(source) or {}).get("error"))
            assert docs[source]["items"] == exp.items, source
    assert summary.duplicates == 1  # the KOI8-R plan inside nested.zip
    assert summary.timeouts == 1


def test_the_koi8r_plan_reads_as_cyrillic(batch):
    _, out, _, _, _ = batch
    store = DatasetStore(str(out))
    koi = [d for d in store.read("documents").to_pylist() if d["source"].endswith("koi8r.txt")]
    (doc,) = koi
    items = [i for i in store.read("items").to_pylist() if i["doc_id"] == doc["doc_id"]]
    assert any("заседания" in i["action"] for i in items)


def test_no_entity_is_expanded_and_nothing_is_written_outside_out(batch):
    root, out, _, _, before = batch
    assert _tree(root, out) == before
    assert not Path("/abs/root.txt").exists()
    for part in out.rglob("*.parquet"):
        text = str(pq.read_table(part).to_pylist())
        assert "root:x:0:0" not in text  # /etc/passwd never leaks in through XXE
    assert not list(out.rglob("*.tmp"))
    assert {p.name for p in out.iterdir()} <= {"documents", "items", "failures", ".kalplan.lock"}


def test_timeout_is_per_document(batch):
    _, out, _, summary, _ = batch
    store = DatasetStore(str(out))
    (slow,) = [f for f in store.read("failures").to_pylist() if f["source"].endswith("slow.txt")]
    assert slow["error"] == f"timed out after {TIMEOUT} s"
    assert slow["doc_id"] and slow["stage"] == "parse"  # the stage it was stuck in
    # the hang cost one timeout, not one per document
    assert summary.seconds < TIMEOUT * 3 + 30


def test_a_rerun_reads_nothing_again_and_changes_no_byte(batch):
    root, out, _, _, _ = batch
    before = {p: p.read_bytes() for p in out.rglob("*.parquet")}
    options = RunOptions(timeout=TIMEOUT, max_pages=100, processor="tests.procs:misbehaving")
    again = run_ingest([str(root / "corpus")], str(out), options=options)
    assert (again.documents, again.failures) == (0, 0)
    assert {p: p.read_bytes() for p in out.rglob("*.parquet")} == before
