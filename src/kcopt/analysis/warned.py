"""A run's warnings as summary.json keeps them, and said again in the reader's language.

Each record keeps its `code`, its `message` in the run's language (for a program or a person
reading the file) and `amount`, and under `said` where it is and how it was said (the message's
English and parameters, `kcopt.core.said`), so `kcopt report --lang en` on a Vietnamese run
words every warning in English, and the reverse.

Examples
--------
>>> from kcopt.core.errors import Problem
>>> from kcopt.core.language import using
>>> from kcopt.core.said import Num, say
>>> from kcopt.core.words import N_
>>> with using("vi"):
...     rec = warning_record(Problem("solver", say(N_(
...         "time limit reached: the allocation is the best found, within {gap} of optimal"),
...         gap=Num(0.0125, 2, "pct")), severity="warning"))
>>> rec["message"].endswith("cách tối ưu không quá 1,25%")
True
>>> with using("en"):
...     warning_text(rec)
'solver: time limit reached: the allocation is the best found, within 1.25% of optimal'
"""

from __future__ import annotations

from typing import Any

from kcopt.core.errors import Problem
from kcopt.core.said import from_record
from kcopt.core.words import N_, _, literal

# a warning's code in words: the kind of a row of the "Cảnh báo" sheet
KIND_WORDS = {"input": N_("project list"), "projects": N_("project list"),
              "scenario": N_("scenario"), "rules": N_("support rates"),
              "solver": N_("solver"), "budget_unspent": N_("budget left unallocated"),
              "partial_sliver": N_("small partial support"),
              "programme_cost": N_("programme management cost"), "warning": N_("other")}
_WHERE = ("file", "sheet", "row", "column", "project_id", "column_label")


def warning_record(w: Problem | str) -> dict[str, Any]:
    """A warning as summary.json lists it: `{code, message, amount, said}`. Warnings without a
    code of their own are coded by where they come from (the scenario, the rules, the solver,
    the project list)."""
    if isinstance(w, str):
        return {"code": "warning", "message": w, "amount": None, "said": {"message": _said(w)}}
    code = w.code or (w.file if w.file in ("scenario", "rules", "solver", "projects")
                      else "input")
    said: dict[str, Any] = {k: getattr(w, k) for k in _WHERE if getattr(w, k) is not None}
    said.update(message=_said(w.message), fix=_said(w.fix))
    if isinstance(w.value, str | int | float | bool):
        said["value"] = w.value
    return {"code": code, "message": str(w), "amount": w.amount, "said": said}


def _said(text: str) -> Any:
    record = getattr(text, "record", None)
    return record() if record is not None else str(text)


def warning_problem(record: dict[str, Any]) -> Problem | None:
    """The warning of a summary.json record, to be said in the language in use; None for a
    record kept before kcopt recorded how it was said."""
    said = record.get("said")
    if not isinstance(said, dict) or "file" not in said:
        return None
    where = {k: said[k] for k in _WHERE if k in said}
    return Problem(message=from_record(said.get("message")), fix=from_record(said.get("fix")),
                   value=said.get("value"), severity="warning", **where)


def warning_text(record: dict[str, Any] | str) -> str:
    """A summary.json warning in the language in use: said again from how it was said, else
    (a record from an older kcopt, a plain text) the message as the run wrote it."""
    if not isinstance(record, dict):
        return str(record)
    problem = warning_problem(record)
    if problem is not None:
        return str(problem)
    said = record.get("said")
    if isinstance(said, dict) and "message" in said:
        return literal(from_record(said["message"]))
    return str(record.get("message") or "")


def warning_kind(record: dict[str, Any]) -> str:
    """The kind of a summary.json warning, in words."""
    code = str(record.get("code") or "warning")
    return _(KIND_WORDS[code]) if code in KIND_WORDS else code


def warning_rows(records: list[dict[str, Any]]) -> list[tuple[str, int, str, str, Any]]:
    """One row per warning for the "Cảnh báo" sheet: its kind in words, how many warnings of
    that kind, where it is, the message (without the place) and the amount, in the language in
    use."""
    counts: dict[str, int] = {}
    for r in records:
        counts[str(r.get("code"))] = counts.get(str(r.get("code")), 0) + 1
    rows = []
    for r in records:
        problem = warning_problem(r)
        if problem is None:
            where, text = "", warning_text(r)
        else:
            where = problem.location()
            text = str(problem).removeprefix(where + ": ")
        kind = warning_kind(r)
        rows.append((kind[:1].upper() + kind[1:], counts[str(r.get("code"))], where, text,
                     r.get("amount")))
    return rows
