"""Tests written to kill mutants that survived `benchmarks/mutation.py`: each asserts a fact
computed in the test from the inputs and the rule data (a price, a cap, a reason, a check),
never kcopt's own output read back."""

from __future__ import annotations
