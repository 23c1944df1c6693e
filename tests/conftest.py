"""Test-wide settings: Prefect local and quiet, in a temporary home removed at exit."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if "PREFECT_HOME" not in os.environ:
    _home = tempfile.mkdtemp(prefix="kalplan-prefect-")
    os.environ["PREFECT_HOME"] = _home
    atexit.register(shutil.rmtree, _home, ignore_errors=True)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
