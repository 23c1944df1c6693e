"""Scale-out: the tasks on a Dask cluster, and the datasets on S3 (moto's local server)."""

from __future__ import annotations

import shutil
import socket
import uuid
from pathlib import Path

import pytest

from pipeline.flow import run_ingest
from pipeline.process import RunOptions
from pipeline.store import Batch, DatasetStore

ROOT = Path(__file__).resolve().parents[1]
PLANS = ["000_d1ca76bf053992ad.txt", "004_55a8721802e65df6.txt", "000_d1ca76bf053992ad.html"]


@pytest.fixture
def plans(tmp_path) -> Path:
    inp = tmp_path / "in"
    inp.mkdir()
    for name in PLANS:
        shutil.copy(ROOT / "samples" / name, inp / name)
    return inp


@pytest.mark.slow
def test_tasks_run_on_an_existing_dask_cluster_with_timeouts(plans, tmp_path):
    distributed = pytest.importorskip("distributed")
    (plans / "hangs.txt").write_bytes(b"SLEEP-FOREVER")
    options = RunOptions(timeout=3, processor="tests.procs:misbehaving")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as stream,
    ):
        summary = run_ingest(
            [str(plans)],
            str(tmp_path / "out"),
            options=options,
            dask_address=cluster.scheduler_address,
        )
    workers_used = {t["worker"] for t in stream.data}
    assert (summary.documents, summary.failures, summary.timeouts) == (len(PLANS), 1, 1)
    assert workers_used  # the documents' tasks ran on the cluster's workers
    store = DatasetStore(str(tmp_path / "out"))
    assert store.read("documents").num_rows == len(PLANS)
    (fail,) = store.read("failures").to_pylist()
    assert fail["error"] == "timed out after 3 s"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def s3(monkeypatch):
    pytest.importorskip("s3fs")
    moto_server = pytest.importorskip("moto.server")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(key, value)
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem(endpoint_url=endpoint)
    bucket = f"kalplan-{uuid.uuid4().hex[:12]}"  # moto keeps buckets for the whole process
    fs.mkdir(bucket)
    try:
        yield fs, bucket
    finally:
        server.stop()
        s3fs.S3FileSystem.clear_instance_cache()


@pytest.mark.slow
def test_datasets_on_s3_are_written_reread_and_replaced_by_doc_id(plans, s3):
    s3, bucket = s3
    out = f"s3://{bucket}/batch"
    first = run_ingest([str(plans)], out)
    assert first.documents == len(PLANS)
    store = DatasetStore(out)
    docs = store.read("documents").to_pylist()
    assert len(docs) == len(PLANS)
    n_items = store.read("items").num_rows
    assert n_items == first.items > 100
    keys = s3.find(f"{bucket}/batch")
    assert keys and all(k.endswith(".parquet") for k in keys)  # no temporaries on S3

    again = run_ingest([str(plans)], out)
    assert (again.documents, again.skipped) == (0, len(PLANS))

    forced = run_ingest([str(plans / PLANS[0])], out, force=True)
    assert forced.documents == 1
    fresh = DatasetStore(out)  # a new reader sees one row per document, none twice
    docs = fresh.read("documents").to_pylist()
    assert sorted(d["doc_id"] for d in docs) == sorted({d["doc_id"] for d in docs})
    assert len(docs) == len(PLANS)
    assert fresh.read("items").num_rows == n_items

    import pyarrow.dataset as ds

    s3.invalidate_cache()  # parts were rewritten since this client listed them
    table = ds.dataset(f"{bucket}/batch/items", filesystem=s3, format="parquet").to_table()
    assert table.num_rows == n_items


@pytest.mark.slow
def test_store_replaces_rows_across_store_instances_on_s3(s3):
    from tests.test_store import _doc

    out = f"s3://{s3[1]}/unit"
    d1, r1 = _doc(1)
    DatasetStore(out).write(Batch(documents=[d1], items=r1))
    d1b, r1b = _doc(1, items=3)
    DatasetStore(out).write(Batch(documents=[d1b], items=r1b))
    store = DatasetStore(out)
    assert store.read("documents").num_rows == 1
    assert sorted(store.read("items")["ordinal"].to_pylist()) == [1, 2, 3]
