"""The scenario's solver time limit bounds each warm re-solve of the sensitivity suite, not
all of them together."""

from __future__ import annotations

import kcopt

DEMO = kcopt.demo_scenario_path()


def test_the_time_limit_holds_for_each_re_solve_not_for_all_of_them() -> None:
    """HiGHS counts `time_limit` over every run of one instance; a long series of warm
    re-solves (weight draws) once lost every point after the limit. Here 1,000 draws of the
    demo, each a fraction of a millisecond, together well past a 0.1 s limit."""
    import dataclasses

    from kcopt.analysis.sensitivity import weight_robustness

    sc = kcopt.load_scenario(DEMO)
    sc = dataclasses.replace(sc, solver=dataclasses.replace(sc.solver, time_limit=0.1))
    result = kcopt.solve(kcopt.build(kcopt.read_projects(sc.projects), sc))
    table = weight_robustness(result, draws=1000, seed=3)
    assert table.attrs["failed"] == 0
