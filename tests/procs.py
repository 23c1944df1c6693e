"""Per-document functions that tests swap in for ``pipeline.process.process``.

They run inside the supervised worker processes (``RunOptions.processor``): a document
whose bytes contain a marker sleeps, crashes or blows up; any other goes through the
real pipeline.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

from pipeline.discover import InputFile
from pipeline.process import Outcome, RunOptions, process


def misbehaving(
    inp: InputFile,
    options: RunOptions,
    data: bytes | None = None,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> Outcome:
    """``SLEEP`` → hangs in the parse stage; ``SEGFAULT`` → the process dies; else real."""
    body = data or b""  # None: the parent could not read it; process() says why
    if b"SLEEP-FOREVER" in body:
        if on_stage:
            on_stage("extract")
            on_stage("parse")
        time.sleep(3600)
    if b"SEGFAULT-NOW" in body:
        if on_stage:
            on_stage("extract")
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"RAISE-NOW" in body:
        raise RuntimeError("boom")
    return process(inp, options, data, on_stage=on_stage)
