"""A pytest plugin for one test: with KCOPT_RECORD_EXAMPLES=<file>, every example a property
test runs is appended to that file (the test's id and the example's repr), through Hypothesis'
hook for plugins (`test.hypothesis.inner_test`)."""

from __future__ import annotations

import os
from typing import Any

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    out = os.environ.get("KCOPT_RECORD_EXAMPLES")
    for item in items:
        handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        if out and handle is not None:
            handle.inner_test = _recording(handle.inner_test, item.nodeid, out)


def _recording(inner: Any, nodeid: str, out: str) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(f"{nodeid} {args!r} {sorted(kwargs.items())!r}\n")
        return inner(*args, **kwargs)

    return run
