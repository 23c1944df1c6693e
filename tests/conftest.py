"""Test-wide settings: Prefect local and quiet, in a temporary home."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="kalplan-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
