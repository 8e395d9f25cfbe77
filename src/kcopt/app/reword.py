"""A plan's words in another language than the one it was solved in (the app's language
switch): the allocation's reasons, a re-plan's reasons for each change, what changed against
the last plan, the sensitivity analysis' ranging sentences and an infeasible scenario's
diagnosis said again — the plan not re-solved, the numbers untouched."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

import kcopt
from kcopt.core.errors import InputError
from kcopt.core.words import _, get_language
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


def sensitivity_again(sens: Any, run: Run) -> Any:
    """A sensitivity analysis with its sentences said in the language in use (the numbers
    untouched): the budgets' and targets' "In words", each project's ranging line, a MIP's
    selection margins and the budget sweep's nestedness lines."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.analysis.sensitivity.nested import nested_sentence
    from kcopt.analysis.sensitivity.ranging import constraint_sentences, project_sentences
    from kcopt.analysis.sensitivity.selection import margin_sentence

    frame = run.result.model.projects
    caps = dict(zip(frame["project_id"].astype(str), frame["cap"].astype(float), strict=False))
    constraints = sens.ranging_constraints.assign(
        sentence=constraint_sentences(sens.ranging_constraints))
    projects = sens.ranging_projects.assign(
        sentence=project_sentences(sens.ranging_projects, caps))
    margins = sens.selection_margins
    if margins is not None and len(margins):  # a MIP's: each line from its own columns
        margins = margins.assign(sentence=[
            margin_sentence(str(r.project_id), bool(r.selected), float(r.margin),
                            float(r.flip_score)) for r in margins.itertuples()])
    nested = sens.nestedness
    if nested is not None and len(nested):  # the budget sweep's: from its columns and scores
        scores = dict(zip(frame["project_id"].astype(str), frame["score"].astype(float),
                          strict=False))
        integer = bool(run.result.model.lp.integer.any())
        nested = nested.assign(sentence=[nested_sentence(r, scores, integer)
                                         for r in nested.to_dict("records")])
    return replace(sens, ranging_constraints=constraints, ranging_projects=projects,
                   selection_margins=margins, nestedness=nested)


@dataclass
class Infeasible:
    """A solve that found the scenario infeasible: its run (with the diagnosis, said in
    `language`) and the diagnosis said again in other languages (`diagnosis_in`)."""

    run: Any  # the pipeline's `Run` (`InfeasibleError.run`)
    language: str
    said: dict[str, list[Any]] = field(default_factory=dict)


def diagnosis_in(failed: Infeasible) -> list[Any]:
    """The findings of an infeasible solve in the language in use: the solve's own, or said
    again once per language (`diagnosis_again`)."""
    lang = get_language()
    if lang == failed.language:
        return list(getattr(failed.run, "diagnosis", []) or [])
    if lang not in failed.said:
        failed.said[lang] = diagnosis_again(failed.run)
    return failed.said[lang]


def diagnosis_again(run: Run) -> list[Any]:
    """An infeasible scenario's diagnosis (`run.diagnosis`) said in the language in use: the
    same checks and elastic program on the run's model (`analysis.diagnose.diagnose`), whose
    stretches are the ones the solve found; the run's own findings if it has no model."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.analysis.diagnose import diagnose

    model = getattr(run.result, "model", None)
    if model is None:
        return list(run.diagnosis)
    return diagnose(model, run.scenario.solver)
