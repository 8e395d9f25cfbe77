"""Locks of output folders: a lock file beside each (`.<name>.kcopt-lock`), exclusive to swap a
run's files in, shared to read a whole set, and removed by its last holder so nothing is left
beside the folder; and the error a planner reads when an output cannot be written."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kcopt.core.errors import OutputError
from kcopt.core.words import N_, _, os_reason

_HELD: set[tuple[int, Path]] = set()  # (thread, output folder) whose lock the thread holds


def hold(path: Path, shared: bool = False, wait: bool = True) -> IO[bytes] | None:
    """Open and lock `path` (portalocker: flock on POSIX, LockFileEx on Windows, both with a
    shared mode); None when `wait` is false and another process holds it. A lock file its last
    holder removed while we waited is not ours: lock the one now at `path`."""
    import portalocker  # start-up: only runs that write or read an output folder lock one

    flags = portalocker.LockFlags.SHARED if shared else portalocker.LockFlags.EXCLUSIVE
    if not wait:
        flags |= portalocker.LockFlags.NON_BLOCKING
    while True:
        fh = open(path, "a+b")  # noqa: SIM115 - the lock lives as long as the handle
        try:
            portalocker.lock(fh, flags)
        except portalocker.LockException as exc:
            fh.close()
            cause = next((c for c in (exc.__cause__, *exc.args) if isinstance(c, OSError)),
                         None)
            busy = isinstance(exc, portalocker.AlreadyLocked) or (
                cause is not None and cause.errno in (errno.EAGAIN, errno.EACCES))
            if wait or not busy:  # a lock that cannot be taken at all: say why
                raise cause or OSError(errno.EIO, str(exc), str(path)) from None
            return None
        if _same_file(fh, path):
            return fh
        fh.close()


def _same_file(fh: IO[bytes], path: Path) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    own = os.fstat(fh.fileno())
    return (st.st_ino, st.st_dev) == (own.st_ino, own.st_dev)


# POSIX removes an open file; Windows refuses while any process has it open (tests force False)
UNLINK_WHILE_OPEN = os.name == "posix"


def _release(fh: IO[bytes], path: Path) -> None:
    """Unlock, removing the lock file when no other process holds it (none is left beside the
    output folder); a process waiting on the removed file locks the next one (`hold`). Where an
    open file cannot be removed (Windows), the handle is closed first and the removal fails,
    harmlessly, while another process still has the file open."""
    import portalocker

    if not UNLINK_WHILE_OPEN:
        fh.close()
        with contextlib.suppress(OSError):
            os.unlink(path)
        return
    try:
        portalocker.lock(fh, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
        if _same_file(fh, path):
            os.unlink(path)
    except (portalocker.LockException, OSError):
        pass  # another reader holds it: the last one out removes it
    fh.close()


@contextlib.contextmanager
def folder_lock(target: Path, shared: bool = False) -> Iterator[None]:
    """Hold the lock of an output folder (a lock file beside it): exclusive to swap files in,
    shared to read a whole set. Waits for the other holder, saying so."""
    target = Path(os.path.realpath(target))
    key = (threading.get_ident(), target)
    if key in _HELD:  # this thread holds it already (a report reading what it writes)
        yield
        return
    path = target.parent / f".{target.name}.kcopt-lock"
    try:
        fh = hold(path, shared, wait=False)
        if fh is None:
            print("kcopt: " + _("waiting for another kcopt run writing '{folder}'…").format(
                folder=target), file=sys.stderr, flush=True)
            fh = hold(path, shared, wait=True)
    except OSError as exc:
        if shared:  # reading a folder we may not write into: go ahead without the lock
            yield
            return
        raise write_error(exc, target) from None
    _HELD.add(key)
    try:
        yield
    finally:
        _HELD.discard(key)
        assert fh is not None
        _release(fh, path)


WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG)


REASONS = {errno.ENOSPC: N_("no space left on device"),
           errno.EDQUOT: N_("disk quota exceeded"),
           errno.EACCES: N_("permission denied"), errno.EPERM: N_("permission denied"),
           errno.EROFS: N_("read-only file system")}


def write_error(exc: OSError, target: Path) -> OutputError:
    """An output that cannot be written (a full disk, a read-only folder), in words: the
    previous outputs are untouched."""
    reason = REASONS.get(exc.errno or 0)
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError(_("could not write the outputs to '{folder}'{where}: {reason}. The "
                         "previous outputs (if any) are unchanged").format(
        folder=target, where=where,
        reason=_(reason) if reason else os_reason(exc)))
