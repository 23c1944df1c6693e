"""Child processes that end with the process (or thread) that started them."""

from __future__ import annotations

import contextlib
import signal


def die_with_parent() -> None:
    """Linux: have this process killed when its parent thread ends (``PR_SET_PDEATHSIG``).

    Call it in a child: as ``preexec_fn`` (between fork and exec) or first thing in its
    ``main``. The signal fires when the *thread* that forked the child ends, so start
    long-lived children from a thread that lives as long as they should.
    """
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
