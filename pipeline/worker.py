"""Supervised worker processes: one document at a time, killed when it takes too long.

Each :class:`DocumentWorker` is a child Python process (``python -m pipeline.worker``)
talking over a socket pair. The parent sends a job, the child reports the stage it enters
and then the :class:`~pipeline.process.Outcome`. When a document exceeds its time budget
the parent kills the child's whole process group (LibreOffice and tesseract included) and
records a failure "timed out after N s"; when the child dies (segfault, out of memory) the
failure says so. A fresh child takes the next document.

Children are plain subprocesses, not ``multiprocessing`` ones, so they also work inside
daemonic processes such as Dask workers. A :class:`WorkerPool` hands idle children to
the threads that run tasks, starting new ones on demand.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from extractors.lifetime import die_with_parent
from pipeline.discover import InputFile
from pipeline.process import Outcome, RunOptions, doc_id_of, fail_outcome

DEFAULT_PROCESSOR = "pipeline.process:process"
STARTUP_TIMEOUT = 300.0  # importing the parsers on a busy machine
MAX_CHILD_RSS = 3 * 2**30  # a child grown past this is replaced after its document
MEMORY_LIMIT_ENV = "KALPLAN_WORKER_MEMORY_MB"  # address-space cap of a child; 0 = none
DEFAULT_MEMORY_LIMIT_MB = 8192


def load_processor(spec: str) -> Callable[..., Outcome]:
    """``"package.module:function"`` → the function."""
    module, _, name = spec.partition(":")
    fn: Callable[..., Outcome] = getattr(importlib.import_module(module), name)
    return fn


def failure(
    inp: InputFile, stage: str, error: str, data: bytes | None, detail: str | None = None
) -> Outcome:
    """An outcome recording that the supervisor, not the document's code, gave up."""
    doc_id = doc_id_of(data) if data is not None else None
    return fail_outcome(inp, stage, error, doc_id=doc_id, detail=detail)


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


T = TypeVar("T")


class _Spawner:
    """Forks the workers from one thread that lives as long as this process.

    A worker asks for ``PR_SET_PDEATHSIG`` so that it dies with the batch, and Linux sends
    that signal when the *thread* that forked it ends — a task thread that restarts a
    worker after a timeout would otherwise take the new worker with it when it finishes.
    """

    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[tuple[Callable[[], Any], list[Any], threading.Event]]
        self._requests = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def call(self, fn: Callable[[], T]) -> T:
        """``fn()`` run on the spawner thread; its result (or its exception)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="worker-spawner", daemon=True
                )
                self._thread.start()
        box: list[Any] = []
        done = threading.Event()
        self._requests.put((fn, box, done))
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        result: T = box[0]
        return result

    def _loop(self) -> None:
        while True:
            fn, box, done = self._requests.get()
            try:
                box.append(fn())
            except BaseException as err:  # handed back to the caller
                box.append(err)
            finally:
                done.set()


_SPAWNER = _Spawner()


class DocumentWorker:
    """One child process that runs documents, one at a time."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.conn: Connection | None = None
        self.documents = 0
        self._ready = False

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Spawn the child; returns at once (:meth:`ready` waits for its imports)."""
        parent_end, child_end = socket.socketpair()
        env = dict(os.environ)
        env.setdefault("PYTHONHASHSEED", "0")
        self.proc = _SPAWNER.call(
            lambda: subprocess.Popen(
                [sys.executable, "-m", "pipeline.worker", str(child_end.fileno())],
                pass_fds=(child_end.fileno(),),
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                env=env,
            )
        )
        child_end.close()
        self.conn = Connection(parent_end.detach())
        self.documents = 0
        self._ready = False

    def ready(self, timeout: float = STARTUP_TIMEOUT) -> bool:
        """Wait for the child's "ready" (it has imported the pipeline)."""
        if self.proc is None:
            self.start()
        if self._ready:
            return True
        assert self.conn is not None
        try:
            if self.conn.poll(timeout) and self.conn.recv() == ("ready",):
                self._ready = True
        except (EOFError, OSError):
            pass
        if not self._ready:
            self.kill()
        return self._ready

    def run(
        self,
        inp: InputFile,
        options: RunOptions,
        data: bytes | None,
        processor: str = DEFAULT_PROCESSOR,
    ) -> Outcome:
        """Process one document in the child within ``options.timeout`` seconds."""
        if not self.alive or not self.ready():
            self.kill()
            self.start()
            if not self.ready():
                return failure(inp, "extract", "the worker process could not start", data)
        assert self.conn is not None and self.proc is not None
        stage = "read"
        started = time.perf_counter()
        try:
            self.conn.send_bytes(pickle.dumps(("run", processor, inp, options, data), 5))
            deadline = time.monotonic() + options.timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.conn.poll(remaining):
                    self.kill()
                    return _timed_out(inp, stage, options.timeout, data, started)
                kind, value = self.conn.recv()
                if kind == "stage":
                    stage = value
                    continue
                self.documents += 1
                if _rss_bytes(self.proc.pid) > MAX_CHILD_RSS:
                    self.kill()
                return value  # type: ignore[no-any-return]
        except (EOFError, OSError, pickle.PicklingError, pickle.UnpicklingError) as err:
            code = self._reap()
            why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            if code == -signal.SIGKILL:
                why += ", possibly out of memory"
            return failure(
                inp,
                stage,
                f"the reader crashed while reading the file ({why})",
                data,
                detail=repr(err),
            )

    def _reap(self) -> int | None:
        if self.proc is None:
            return None
        code: int | None = None
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = self.proc.wait(timeout=5)
        self.kill()
        return code

    def kill(self) -> None:
        """Kill the child and everything it started (its own process group)."""
        if self.proc is not None:
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=10)
            else:  # the child is gone; its children may not be
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.close()
        self.proc, self.conn, self._ready = None, None, False

    def close(self) -> None:
        """Ask the child to exit, then make sure it has."""
        if self.conn is not None and self.alive:
            with contextlib.suppress(OSError):
                self.conn.send_bytes(pickle.dumps(("exit",)))
            with contextlib.suppress(subprocess.TimeoutExpired):
                assert self.proc is not None
                self.proc.wait(timeout=5)
        self.kill()


def _timed_out(
    inp: InputFile, stage: str, timeout: float, data: bytes | None, started: float
) -> Outcome:
    seconds = f"{timeout:g}"
    out = failure(
        inp,
        stage,
        f"timed out after {seconds} s",
        data,
        detail=f"killed in stage {stage!r} after {time.perf_counter() - started:.1f} s",
    )
    out.seconds = time.perf_counter() - started
    return out


class WorkerPool:
    """Idle workers handed out to task threads; new ones are started on demand."""

    def __init__(self) -> None:
        self._idle: list[DocumentWorker] = []
        self._all: list[DocumentWorker] = []
        self._lock = threading.Lock()

    def warm(self, n: int) -> None:
        """Start ``n`` workers in parallel (they import while the caller goes on)."""
        with self._lock:
            while len(self._all) < n:
                w = DocumentWorker()
                w.start()
                self._all.append(w)
                self._idle.append(w)

    @contextlib.contextmanager
    def worker(self) -> Iterator[DocumentWorker]:
        with self._lock:
            if self._idle:
                w = self._idle.pop()
            else:
                w = DocumentWorker()
                self._all.append(w)
        try:
            yield w
        finally:
            with self._lock:
                self._idle.append(w)

    def shutdown(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._all, self._idle = self._all, [], []
        for w in workers:
            w.close()


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> WorkerPool:
    """This process's pool (made on first use; stopped at exit)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = WorkerPool()
            atexit.register(_POOL.shutdown)
        return _POOL


def run_isolated(
    inp: InputFile, options: RunOptions, data: bytes | None, processor: str = DEFAULT_PROCESSOR
) -> Outcome:
    """Process one document in a pooled child process, with the timeout enforced."""
    with pool().worker() as w:
        return w.run(inp, options, data, processor)


# --- the child side -------------------------------------------------------------------


def _limit_memory() -> None:
    mb = int(os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT_MB) or 0)
    if mb > 0:
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (mb * 2**20, mb * 2**20))


def child_main(fd: int) -> None:
    """Serve jobs from the parent until it says exit or goes away."""
    die_with_parent()
    _limit_memory()
    conn = Connection(fd)
    from pipeline.process import warm_up

    warm_up()
    processors: dict[str, Callable[..., Any]] = {}
    conn.send(("ready",))

    def on_stage(stage: str) -> None:
        conn.send(("stage", stage))

    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if job[0] != "run":
            return
        _, spec, inp, options, data = job
        try:
            fn = processors.get(spec) or processors.setdefault(spec, load_processor(spec))
            outcome = fn(inp, options, data, on_stage=on_stage)
        except Exception as err:  # process() never raises; a swapped-in function might
            outcome = failure(
                inp,
                "parse",
                f"internal error while reading the plan: {err}",
                data,
                detail=repr(err),
            )
        try:
            reply = pickle.dumps(("done", outcome), 5)
        except Exception as err:  # e.g. an unpicklable value from a swapped-in function
            reply = pickle.dumps(("done", failure(inp, "validate", f"bad result: {err}", data)))
        conn.send_bytes(reply)


if __name__ == "__main__":
    # Protocol on the socket only: stray prints of libraries go to stderr.
    os.dup2(2, 1)
    child_main(int(sys.argv[1]))
