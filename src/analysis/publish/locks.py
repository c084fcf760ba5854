"""One refresh of a quarter at a time, and the messages when the output folder cannot be written."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from analysis.present.report import ParameterError


class OutputError(ParameterError):
    """The output folder cannot be used (a file, not writable) or filled up while the quarter was written: nothing
    was published."""


class RefreshBusy(ParameterError):
    """Another refresh of the same quarter is running into the same output folder (or with the same work folder)."""


def output_message(err: OSError, out_dir: Path) -> str:
    where = err.filename or out_dir
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        what = (
            f"the disk is full (no space left on the device holding {where}). Free some space, or choose another "
            "--out (and --work), and run again."
        )
    elif err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what = f"{where} cannot be written to (a read-only folder or disk, or no permission). Choose another --out."
    elif err.errno in (errno.EEXIST, errno.ENOTDIR) and not Path(out_dir).is_dir():
        what = f"--out {out_dir} is a file, or inside one, not a folder. Choose a folder."
    else:
        what = f"{err.strerror or err} ({where})."
    return f"Could not write the reports: {what} Nothing was published."


def _holder_text(holder: Path) -> str:
    """Who holds a refresh lock, from the note it wrote beside it (which it may not have written yet)."""
    for _ in range(10):
        try:
            info = json.loads(holder.read_text())
            break
        except (OSError, ValueError):
            time.sleep(0.05)
    else:
        return " (its details are not written yet)"
    try:
        started = f"{datetime.fromisoformat(info['started']):%d %B %Y at %H:%M:%S}".lstrip("0")
        text = f" (process {int(info['pid'])} on {info['host']}, started {started} UTC)"
    except (KeyError, TypeError, ValueError):
        return ""
    if info.get("host") == socket.gethostname() and not _alive(int(info["pid"])):
        text += (
            "; that process has ended, so a process it started still holds the lock: end it (look for "
            "python or chromium processes), then run again"
        )
    return text


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would send Ctrl-C on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@contextmanager
def one_at_a_time(lock_file: Path, who: str):
    """Hold `lock_file` (an operating-system lock, so one left by a killed run is free again at once) for the
    whole run, with a note beside it saying who holds it; RefreshBusy if another run holds it."""
    from filelock import FileLock, Timeout

    holder = lock_file.with_suffix(".holder.json")
    lock = FileLock(str(lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RefreshBusy(
            f"{who} is already running{_holder_text(holder)}. One refresh of a quarter runs at a "
            "time: wait for it to finish, then run this again."
        ) from None
    try:
        holder.write_text(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "started": datetime.now(UTC).isoformat(timespec="seconds"),
                    "command": " ".join(sys.argv),
                }
            )
        )
        yield
    finally:
        # Both files go while the lock is held, so the next holder's are never removed (a run that was waiting on
        # the removed lock file takes the lock on a new one: filelock checks).
        try:
            holder.unlink(missing_ok=True)
            lock_file.unlink(missing_ok=True)
        finally:
            lock.release()


@contextmanager
def interrupts_wait():
    """Ctrl-C while the quarter's folder is swapped in (and the locks released) is ignored: the folder is whole
    and the run published. Only the main thread can do this; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
