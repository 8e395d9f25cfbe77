"""Objects made at a freed object's address: how a test shows that nothing kept for the freed
object (a cache keyed by `id()`) is read for the new one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def made_at_a_freed_address(make_freed: Callable[[], object], make_new: Callable[[], T],
                            rounds: int = 50, tries: int = 500) -> T:
    """Make an object with `make_freed()` (nothing else may refer to it), let it be freed,
    then make objects with `make_new()` until one lands at the freed object's address: that
    one. Each round keeps its objects alive until it ends, so the
    freed address is free to take; a round in which other memory takes it is done again."""
    for _ in range(rounds):
        address = id(make_freed())  # the object is freed as soon as its id is taken
        made: list[T] = []
        for _ in range(tries):
            made.append(make_new())
            if id(made[-1]) == address:
                return made[-1]
    pytest.fail("no object was made at a freed object's address")
