"""No process outlives the refresh that started it.

The refresh starts worker processes (validation; papermill driving each report's kernel), the kernels themselves and
Chromium. If the refresh is stopped with Ctrl-C it ends them itself (runner.refresh). If it is killed outright
(SIGKILL, or the machine's out-of-memory killer), it can do nothing, so on Linux each of them is told by the kernel
to end when the process (strictly, the thread) that started it ends: ``prctl(PR_SET_PDEATHSIG)``. Elsewhere the
kernels still end on their own within a second of their worker (ipykernel watches its parent), and the workers when
they next look for work.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # linux/prctl.h
_prctl: Callable | None | bool = False  # not looked up yet


def _find_prctl() -> Callable | None:
    global _prctl
    if _prctl is False:
        _prctl = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                _prctl = ctypes.CDLL(None, use_errno=True).prctl
            except (OSError, AttributeError):
                _prctl = None
    return _prctl  # type: ignore[return-value]


def end_with_parent(parent: int) -> None:
    """In a child process: be killed when the thread that started this process ends (Linux; nothing elsewhere),
    and end now if `parent` (the pid that started it) has already gone."""
    prctl = _find_prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)


def child_setup() -> Callable[[], None] | None:
    """A ``preexec_fn`` for subprocess.Popen that makes the child end with this process (Linux), or None elsewhere.

    The C function is looked up here, in the parent, so the child only calls it between fork and exec."""
    if _find_prctl() is None:
        return None
    parent = os.getpid()
    return lambda: end_with_parent(parent)


def _ignore_interrupt(signum, frame) -> None:
    """Ctrl-C reaches every process in the terminal's group; the refresh itself decides what stops (and a Python
    handler, unlike SIG_IGN, is not passed on to the programs a worker starts)."""


def worker_start(parent: int) -> None:
    """Initializer of the refresh's worker processes: end with the refresh; leave Ctrl-C to it."""
    end_with_parent(parent)
    signal.signal(signal.SIGINT, _ignore_interrupt)


def kill_workers(pool) -> None:
    """Kill a ProcessPoolExecutor's worker processes at once (their kernels end with them, see above)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass
