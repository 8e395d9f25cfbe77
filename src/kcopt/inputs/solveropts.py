"""A scenario's `solver:` key — which backend solves the plan and how long it may take."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from kcopt.inputs.keys import KeyChecks


@dataclass(frozen=True)
class SolverOptions:
    name: str = "highs"
    time_limit: float | None = None
    mip_gap: float = 1e-4
    threads: int | None = None
    seed: int = 0


class SolverChecks(KeyChecks):
    """`solver:` read into `SolverOptions`, every bad value recorded."""

    def solver(self, spec: dict[str, Any]) -> SolverOptions:
        opts = SolverOptions()
        if "name" in spec:
            opts = replace(opts, name=str(spec["name"]).lower())
        if "time_limit" in spec:
            opts = replace(opts, time_limit=self.number("solver.time_limit",
                                                        spec["time_limit"], lo=0))
        if "mip_gap" in spec:
            opts = replace(opts, mip_gap=self.number("solver.mip_gap", spec["mip_gap"], 0, 1)
                           or 0.0)
        if "threads" in spec:
            threads = self.number("solver.threads", spec["threads"], lo=1)
            opts = replace(opts, threads=int(threads) if threads else None)
        if "seed" in spec:
            seed = self.number("solver.seed", spec["seed"], lo=0)
            opts = replace(opts, seed=int(seed or 0))
        return opts
