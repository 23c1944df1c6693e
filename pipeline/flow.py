"""The Prefect flow ``ingest``: tasks of documents, a writer that streams parts.

Runs locally with no server by default: Prefect's temporary server is started in the
background, and the workers load and begin on the first documents while it comes up
(:class:`HeadStart`; those documents are reported through a task of the flow run too).
Every document runs in a supervised worker process (:mod:`pipeline.worker`) that is
killed when the document exceeds ``options.timeout``; ``workers`` such processes run in
parallel. ``dask_address`` runs the tasks on an existing Dask cluster through prefect-dask
instead (each Dask worker keeps its own supervised children). Documents already written
by the same pipeline version are skipped unless ``force``.

A task carries a handful of documents (one each for small batches, up to
``MAX_DOCS_PER_TASK`` for large ones) so that Prefect's per-task bookkeeping stays a
small share of the run; timeouts, failures and results remain per document.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.discover import InputError, InputFile, close_archives, discover
from pipeline.process import Outcome, RunOptions, doc_id_of, run_version, stamped
from pipeline.store import Batch, DatasetStore
from pipeline.version import PIPELINE_VERSION

FLUSH_ENV = "KALPLAN_FLUSH_EVERY"  # documents per written part (tests make it small)
DEFAULT_FLUSH_EVERY = 200
MAX_DOCS_PER_TASK = 48
TASKS_PER_WORKER = 8  # at least this many tasks per worker before tasks grow past one doc
EVENTS_TIMEOUT = 10.0  # seconds to send the last events of a run to the local server

Job = tuple[InputFile, bytes | None]


@dataclass(slots=True)
class Summary:
    """What a batch did."""

    seen: int = 0
    documents: int = 0
    items: int = 0
    failures: int = 0
    skipped: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    failed: list[tuple[str, str]] = field(default_factory=list)
    timeouts: int = 0
    parts_written: int = 0


def run_one(inp: InputFile, options: RunOptions, data: bytes | None) -> Outcome:
    """One document through ``options.processor``: in a killable worker when isolated."""
    if options.isolate:
        from pipeline.worker import run_isolated

        return run_isolated(inp, options, data, options.processor)
    from pipeline.worker import load_processor

    outcome: Outcome = load_processor(options.processor)(inp, options, data)
    return outcome


@task(name="ingest-documents", retries=0, persist_result=False, cache_policy=NO_CACHE)
def ingest_documents(jobs: list[Job], options: RunOptions) -> list[Outcome]:
    """Read a few documents, one after the other, each on its own time budget."""
    return [run_one(inp, options, data) for inp, data in jobs]


@task(name="ingest-documents-started", retries=0, persist_result=False, cache_policy=NO_CACHE)
def finish_started(started: list[Future[Outcome]]) -> list[Outcome]:
    """The documents a worker began while Prefect's server was starting: their outcomes."""
    return [f.result() for f in started]


class HeadStart:
    """Documents run on the workers before the flow run is ready to take them.

    Starting Prefect's local server and creating the flow run take seconds; the workers
    need not wait. A thread keeps ``workers`` documents running until :meth:`stop`, which
    the flow calls first thing: each document started here is then reported through a
    Prefect task of the flow run like any other.
    """

    def __init__(self, pending: Iterator[Job], options: RunOptions, workers: int) -> None:
        self.started: list[tuple[Job, Future[Outcome]]] = []
        self._pending, self._options, self._workers = pending, options, max(1, workers)
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name="head-start", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        executor = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="head-start")
        running: set[Future[Outcome]] = set()
        try:
            while not self._halt.is_set():
                while len(running) < self._workers and not self._halt.is_set():
                    job = next(self._pending, None)
                    if job is None:
                        return
                    future = executor.submit(run_one, job[0], self._options, job[1])
                    running.add(future)
                    self.started.append((job, future))
                _done, running = wait(running, timeout=0.05, return_when=FIRST_COMPLETED)
        finally:
            executor.shutdown(wait=False)

    def stop(self) -> list[tuple[Job, Future[Outcome]]]:
        """Start nothing more; the documents started so far (running or done)."""
        self._halt.set()
        self._thread.join()
        return self.started


@dataclass
class Prepared:
    """What ``run_ingest`` did before the flow started: the output is locked, the inputs
    found, and the first documents perhaps already running (``head``)."""

    inputs: list[InputFile]
    pending: Iterator[Job]
    summary: Summary
    head: HeadStart | None = None


def _pending(
    inputs: Iterator[InputFile],
    store: DatasetStore,
    force: bool,
    summary: Summary,
    version: str = PIPELINE_VERSION,
) -> Iterator[Job]:
    """Inputs not yet ingested by this ``version`` (pipeline and anchors), each document once,
    with its bytes."""
    done = {} if force else store.ingested()
    seen: set[str] = set()
    for inp in inputs:
        summary.seen += 1
        try:
            data = inp.read()
        except InputError:
            if done.get(f"source:{inp.source}", ("",))[0] == version:  # unreadable last time too
                summary.skipped += 1
                continue
            yield inp, None  # the task records the read failure
            continue
        doc_id = doc_id_of(data)
        if doc_id in seen:
            summary.duplicates += 1
            continue
        seen.add(doc_id)
        done_version, _dataset = done.get(doc_id, ("", ""))
        if done_version == version:
            summary.skipped += 1
            continue
        yield inp, data


def _anything_to_do(paths: list[str], store: DatasetStore, force: bool, version: str) -> bool:
    """Whether any input still needs reading (stops at the first that does)."""
    pending = _pending(discover(paths), store, False, Summary(), version)
    return force or next(iter(pending), None) is not None


def _nothing_to_do(paths: list[str], store: DatasetStore, version: str) -> Summary:
    """The summary of a batch whose every input is already in the datasets."""
    started = time.perf_counter()
    summary = Summary()
    for _ in _pending(discover(paths), store, False, summary, version):
        pass
    summary.seconds = time.perf_counter() - started
    return summary


def _task_runner(workers: int, dask_address: str | None) -> Any:
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    return ThreadPoolTaskRunner(max_workers=max(1, workers))


def docs_per_task(n_inputs: int, workers: int) -> int:
    """Documents per task: one for small batches, more once every worker has plenty."""
    return max(1, min(MAX_DOCS_PER_TASK, n_inputs // (max(1, workers) * TASKS_PER_WORKER)))


def _start_prefect_server() -> threading.Event:
    """Start this process's local Prefect server in the background; set when it is up."""
    from pipeline.prefect_env import LocalServer

    return LocalServer.start().ready


def run_ingest(
    paths: list[str],
    out: str,
    *,
    options: RunOptions | None = None,
    workers: int = 1,
    dask_address: str | None = None,
    force: bool = False,
    flush_every: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    docs_per_task: int | None = None,
) -> Summary:
    """Build the flow with the right task runner and run it.

    ``flush_every`` (default: env ``KALPLAN_FLUSH_EVERY`` or 200) is how many documents
    go into one Parquet part; ``docs_per_task`` overrides the automatic task size.
    """
    options = options or RunOptions()
    flush = flush_every or int(os.environ.get(FLUSH_ENV) or DEFAULT_FLUSH_EVERY)
    store = DatasetStore(out)  # an unwritable --out fails here, before anything starts
    if not _anything_to_do(paths, store, force, run_version(options)):
        return _nothing_to_do(paths, store, run_version(options))  # no Prefect needed
    started = time.perf_counter()
    server_up = _start_prefect_server()
    if options.isolate and not dask_address:
        from pipeline.worker import pool

        pool().warm(workers)  # the children import the parsers while Prefect starts
    runner = _task_runner(workers, dask_address)
    flow_fn = ingest.with_options(task_runner=runner)
    if dask_address:  # the flow prepares itself: what it is handed would travel to Dask
        server_up.wait()
        with _local_run_settings(dask_address):
            result: Summary = flow_fn(
                paths, out, options, workers, force, flush, on_outcome, docs_per_task
            )
        result.seconds = time.perf_counter() - started
        return result
    with store.lock():
        prepared = _prepare(paths, store, force, options)
        prepared.head = HeadStart(prepared.pending, options, workers)
        server_up.wait()
        key = f"{os.getpid()}-{id(prepared)}"
        _HANDOFF[key] = prepared  # not a flow parameter: Prefect records those
        try:
            with _local_run_settings(None):
                result = flow_fn(
                    paths, out, options, workers, force, flush, on_outcome, docs_per_task, key
                )
        finally:
            _HANDOFF.pop(key, None)
            if prepared.head is not None:
                prepared.head.stop()  # (already stopped unless the flow failed to start)
    result.seconds = time.perf_counter() - started
    return result


_HANDOFF: dict[str, Prepared] = {}  # run_ingest → the flow it starts, in this process


@contextlib.contextmanager
def _local_run_settings(dask_address: str | None) -> Iterator[None]:
    """Settings for a run against this process's local Prefect server.

    * ``PREFECT_API_URL`` points at it — for Dask workers too: prefect-dask ships these
      settings with every task, and without them each Dask worker process would start a
      temporary server of its own (its task runs lost to the flow's). The URL is reachable
      by workers on this machine; a cluster on other machines needs a real Prefect server
      (see docs/scaling.md).
    * No flow-run heartbeats: they let a Prefect server notice crashed runs of
      deployments; here they only cost a second at the end of every run.

    With ``PREFECT_API_URL`` set by the user, nothing changes. Either way the run's last
    events are sent before the run returns.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    from pipeline.prefect_env import LocalServer

    server = LocalServer.instance
    with contextlib.ExitStack() as stack:
        # else a user's server, or Prefect starts its own temporary one
        if not (PREFECT_API_URL.value() or server is None or server.url is None):
            updates: dict[Any, Any] = {
                PREFECT_API_URL: server.url,
                PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None,
            }
            stack.enter_context(temporary_settings(updates=updates))
        try:
            yield
        finally:
            _send_events()


def _send_events() -> None:
    """Send the run's last events to the server now, while it is up, without Prefect's
    "Still processing items" warning (it would otherwise print at interpreter exit)."""
    import logging

    from prefect.events.worker import EventsWorker

    log = logging.getLogger(EventsWorker.__name__)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        EventsWorker.drain_all(timeout=EVENTS_TIMEOUT)
    finally:
        log.setLevel(level)


@flow(name="ingest", log_prints=False, persist_result=False, validate_parameters=False)
def ingest(
    paths: list[str],
    out: str,
    options: RunOptions,
    workers: int = 1,
    force: bool = False,
    flush_every: int = DEFAULT_FLUSH_EVERY,
    on_outcome: Callable[[Outcome], None] | None = None,
    per_task: int | None = None,
    prepared_key: str | None = None,
) -> Summary:
    """Ingest every supported file under ``paths`` into the datasets under ``out``.

    ``prepared_key`` names what :func:`run_ingest` prepared: it holds the output's lock and
    may have started the first documents already; without it the flow does that itself.
    """
    started = time.perf_counter()
    store = DatasetStore(out)
    prepared = _HANDOFF.get(prepared_key) if prepared_key else None
    with contextlib.ExitStack() as stack:
        if prepared is None:
            stack.enter_context(store.lock())
            prepared = _prepare(paths, store, force, options)
        size = per_task or docs_per_task(len(prepared.inputs), workers)
        try:
            _run_tasks(prepared, options, size, max(1, workers) * 2, store, flush_every, on_outcome)
        finally:
            close_archives()  # the zip files read for members stay open only for the run
    prepared.summary.seconds = time.perf_counter() - started
    return prepared.summary


def _prepare(paths: list[str], store: DatasetStore, force: bool, options: RunOptions) -> Prepared:
    """The inputs of a run and the iterator of those still to read (the output is locked)."""
    store.clean_temporaries()
    inputs = list(discover(paths))
    summary = Summary()
    pending = _pending(iter(inputs), store, force, summary, run_version(options))
    return Prepared(inputs, pending, summary)


def _run_tasks(
    prepared: Prepared,
    options: RunOptions,
    size: int,
    in_flight: int,
    store: DatasetStore,
    flush_every: int,
    on_outcome: Callable[[Outcome], None] | None,
) -> None:
    """Keep ``in_flight`` tasks busy; write a part every ``flush_every`` documents."""
    version = run_version(options)
    pending, summary = prepared.pending, prepared.summary
    finished: queue.SimpleQueue[PrefectFuture[list[Outcome]]] = queue.SimpleQueue()
    running: dict[PrefectFuture[list[Outcome]], list[Job]] = {}
    started = prepared.head.stop() if prepared.head is not None else []
    for k in range(0, len(started), size):
        part = started[k : k + size]
        future = finish_started.submit([f for _job, f in part])
        running[future] = [job for job, _f in part]
        future.add_done_callback(finished.put)
    batch = Batch()
    while True:
        while len(running) < in_flight and (chunk := list(islice(pending, size))):
            future = ingest_documents.submit(chunk, options)
            running[future] = chunk
            future.add_done_callback(finished.put)
        if not running:
            break
        future = finished.get()
        outcomes = _outcomes(future, running.pop(future))
        for outcome in outcomes:
            _collect(stamped(outcome, version), batch, summary)
            if on_outcome:
                on_outcome(outcome)
        if len(batch) >= flush_every:
            store.write(batch)
            summary.parts_written += 1
            batch = Batch()
    if len(batch):
        store.write(batch)
        summary.parts_written += 1


def _outcomes(future: PrefectFuture[list[Outcome]], chunk: list[Job]) -> list[Outcome]:
    """The task's outcomes; if the task itself failed, a failure for each of its documents."""
    try:
        return future.result()
    except Exception as err:
        from pipeline.worker import failure

        return [
            failure(
                inp, "extract", f"the task running this file failed: {err}", data, detail=repr(err)
            )
            for inp, data in chunk
        ]


def _collect(outcome: Outcome, batch: Batch, summary: Summary) -> None:
    if outcome.document is not None:
        batch.documents.append(outcome.document)
        batch.items.extend(outcome.items)
        summary.documents += 1
        summary.items += len(outcome.items)
    elif outcome.failure is not None:
        batch.failures.append(outcome.failure)
        summary.failures += 1
        summary.failed.append((outcome.source, outcome.failure.error))
        if outcome.failure.error.startswith("timed out after"):
            summary.timeouts += 1
