"""Quiet, local-first Prefect defaults, applied before Prefect is imported.

Only defaults: a user who points PREFECT_API_URL at a server, or sets any of these,
keeps their own values. The ephemeral local API needs no server and no background
services beyond state tracking, so the scheduler-style services are off.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from extractors.lifetime import die_with_parent

DEFAULTS = {
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_LOGGER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
}


def apply() -> None:
    """Set the defaults that the environment does not already set."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


apply()


class LocalServer:
    """Prefect's API for the runs of this process: ``uvicorn`` serving Prefect's server app
    in a child process that dies with us (``PR_SET_PDEATHSIG``, even on ``kill -9``).

    It is what Prefect's own temporary server is, started without importing Prefect's
    server package here (1.4 s of the parent's time) and without waiting on exit: the
    child simply ends with this process. Started once per process, by a thread that stays
    alive (the death signal fires when the *thread* that forked the child ends).
    """

    instance: LocalServer | None = None

    def __init__(self) -> None:
        self.url: str | None = None
        self.error: str | None = None
        self.ready = threading.Event()
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def start(cls, timeout: float = 120.0) -> LocalServer:
        """The process's server, starting it in the background on first call; wait on
        ``ready``. Nothing is started when ``PREFECT_API_URL`` names a server."""
        if cls.instance is not None:
            return cls.instance
        server = cls.instance = cls()
        if os.environ.get("PREFECT_API_URL"):
            server.ready.set()
            return server
        threading.Thread(
            target=server._run, args=(timeout,), name="prefect-server", daemon=True
        ).start()
        return server

    def _run(self, timeout: float) -> None:
        try:
            self._launch(timeout)
        except Exception as err:  # the flow then starts Prefect's own (or reports why not)
            self.error = f"{type(err).__name__}: {err}"
        finally:
            self.ready.set()
        if self.url:
            threading.Event().wait()  # this thread is the server's parent: keep it

    def _launch(self, timeout: float) -> None:
        import prefect

        port = _free_port()
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1", "PREFECT_LOGGING_LEVEL": "ERROR"}  # fmt: skip
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(prefect.__module_path__.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Prefect's server exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        self.url = url
                        return
            except OSError:
                time.sleep(0.05)
        self.process.kill()
        raise TimeoutError(f"Prefect's server did not answer within {timeout:g} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
