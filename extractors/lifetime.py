"""Child processes that end with the process (or thread) that started them."""

from __future__ import annotations

import contextlib
import os
import signal
import stat as stat_module
from pathlib import Path


def die_with_parent() -> None:
    """Linux: have this process killed when its parent thread ends (``PR_SET_PDEATHSIG``).

    Call it in a child: as ``preexec_fn`` (between fork and exec) or first thing in its
    ``main``. The signal fires when the *thread* that forked the child ends, so start
    long-lived children from a thread that lives as long as they should.
    """
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def group_sockets(pgid: int, prefixes: tuple[str, ...]) -> list[str]:
    """Linux: the paths of Unix sockets that processes of group ``pgid`` have open and
    whose path starts with one of ``prefixes`` (a killed LibreOffice leaves its pipes behind)."""
    inodes: set[str] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # after ")": state, ppid, pgrp
                continue
            for fd in (stat.parent / "fd").iterdir():
                with contextlib.suppress(OSError):
                    link = os.readlink(fd)
                    if link.startswith("socket:["):
                        inodes.add(link[8:-1])
    if not inodes:
        return []
    paths: list[str] = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
            cols = line.split()
            if len(cols) >= 8 and cols[6] in inodes and cols[7].startswith(prefixes):
                paths.append(cols[7])
    return sorted(set(paths))


def remove_sockets(paths: list[str]) -> None:
    """Unlink these socket files, if they are still there and still sockets."""
    for path in paths:
        with contextlib.suppress(OSError):
            if stat_module.S_ISSOCK(os.lstat(path).st_mode):
                os.unlink(path)
