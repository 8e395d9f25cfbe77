"""Memory handed back to the system: the app when a session ends, `kcopt solve` before it
forks its writer child (so the child starts from what the files need, not from the run's peak).
"""

from __future__ import annotations


def give_back() -> bool:
    """Collect the garbage and hand the freed heap back to the system, where the C library
    can (glibc's `malloc_trim`); elsewhere the memory is reused later in the process. Whether
    it was handed back."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is None:
        return False
    trim(0)
    return True
