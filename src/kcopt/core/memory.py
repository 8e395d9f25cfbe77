"""Memory handed back to the system: the app when a session ends, `kcopt solve` before it
forks its writer child (so the child starts from what the files need, not from the run's peak).
And the cyclic garbage collector kept off what start-up loads (`paused_collection`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection(active: bool = True) -> Iterator[None]:
    """Modules loaded without the cyclic garbage collector, then frozen out of its sight
    (`gc.freeze`): imports make no garbage worth collecting, yet each full collection walks
    every object loaded so far — ~0.07 s of `kcopt solve`'s start-up, and ~0.1 s of the plot
    child's drawing, spent walking pandas' and matplotlib's objects. What is frozen stays
    (modules, classes, functions: they live as long as the process anyway); anything made
    later is collected as usual, and a fork's child shares the frozen pages untouched. For a
    process kcopt does not own (a test's or a notebook's, where whatever is alive would be
    frozen too), `active=False`: nothing changes."""
    if not active:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def give_back() -> bool:
    """Collect the garbage and hand the freed heap back to the system, where the C library
    can (glibc's `malloc_trim`); elsewhere the memory is reused later in the process. Whether
    it was handed back. The C library is the one this process has loaded (`CDLL(None)`), not
    looked up by `ctypes.util.find_library`, which runs `ldconfig`: a process started from
    this one, whose peak RSS Linux counts as this process's peak at that moment."""
    import ctypes
    import gc

    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # no malloc_trim (macOS, musl), or no C library by name
        return False
    trim(0)
    return True


def system_arrow_pool() -> bool:
    """Arrow's buffers (pandas' text columns) from the C library's heap instead of Arrow's own
    mimalloc pool, which keeps what it frees: then `give_back` hands that back too (at 50,000
    projects 30 MB after the solve and 40 MB after allocation.csv; the same speed). Left as
    the user chose it where `ARROW_DEFAULT_MEMORY_POOL` is set. Whether it was set here."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    try:
        import pyarrow
    except ImportError:  # pandas without pyarrow: nothing to set
        return False
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    return True
