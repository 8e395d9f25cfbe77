"""A plan's words in another language than the one it was solved in (the app's language
switch): the allocation's reasons, a re-plan's reasons for each change, and what changed
against the last plan said again — nothing re-solved, the numbers untouched."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

import kcopt
from kcopt.core.errors import InputError
from kcopt.core.words import _
from kcopt.pipeline import Run


def reworded(run: Run) -> Run:
    """`run` with its allocation's reasons (and a re-plan's reasons for each change) worded in
    the language in use, the numbers untouched. The reasons are written from the solved
    program (`kcopt.analysis.report.allocation_table`) and from what the model wrote when
    built — the caps' words, why a project is ineligible or excluded — so the model is built
    again now (the same list and scenario) for those; a re-plan's stopped projects and its
    changes table are worded as the pipeline words them (`pipeline.replan_changes`)."""
    # start-up: the app loads what a step needs when the step runs
    import numpy as np

    from kcopt.analysis.report import allocation_table
    from kcopt.model.build import build

    result, model = run.result, run.result.model
    fresh = build(run.projects, run.scenario)
    frame = model.projects.copy()
    status = frame["status"].to_numpy(object)
    same = (status != "") & (fresh.projects["status"].to_numpy(object) == status)
    frame["reason"] = np.where(same, fresh.projects["reason"].to_numpy(object),
                               frame["reason"].to_numpy(object))
    table = allocation_table(replace(result, model=replace(model, projects=frame,
                                                           caps=fresh.caps)))
    if run.changes is None:
        return replace(run, allocation=table)
    if "progress" in run.projects.frame:
        stopped = (run.projects.frame["progress"] == "stopped").to_numpy()
        table.loc[stopped, "reason"] = _("stopped (project list status): its money is freed")
    return replace(run, allocation=table, changes=changes_again(run, table))


def changes_again(run: Run, allocation: pd.DataFrame) -> pd.DataFrame:
    """A re-plan's changes table worded in the language in use (the approved plan read again
    from the session's folder); the run's own when that plan is no longer there."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.analysis.changes import changes_table, prepare

    assert run.changes is not None and run.scenario.approved is not None
    try:
        rp = prepare(run.scenario, run.projects)
    except (InputError, OSError):
        return run.changes
    return changes_table(rp, run.scenario, allocation)


def changes_of(before: Any, after: Any) -> list[str]:
    labels = (_("the last plan"), _("the new plan"))
    return kcopt.compare(before, after, labels=labels).sentences
