"""Exceptions kcopt raises, and the `Problem` record that input errors carry.

Every user-facing error is a `KcoptError`; the CLI prints its message without a traceback and
exits with its `exit_code`. Input errors carry *all* the problems found, not just the first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kcopt.core.words import N_, _, literal, ngettext, num

if TYPE_CHECKING:
    import pandas as pd

# where a problem is when it is not in a file: the scenario as a whole, the rule set, the solver
PLACES = {"scenario": N_("scenario"), "rules": N_("rules"), "solver": N_("solver"),
          "projects": N_("projects"), "allocation": N_("allocation")}


def _shown_number(value: float, label: str) -> str:
    """A number as received; NaN and infinity as the file wrote them (`.nan`, `.inf` in a
    scenario's YAML), never a blank dash."""
    if math.isfinite(value):
        return num(value, 6)
    if math.isnan(value):
        return ".nan" if label == "key" else "NaN"
    sign = "-" if value < 0 else ""
    return sign + (".inf" if label == "key" else "∞")


@dataclass(frozen=True)
class Problem:
    """One bad cell or key: where it is, what was received and how to fix it."""

    file: str
    message: str
    fix: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    project_id: str | None = None
    severity: str = "error"  # "error" or "warning"
    column_label: str = "column"  # "key" for scenario files
    code: str = ""  # a stable code for warnings a program may act on, e.g. "budget_unspent"
    amount: float | None = None  # the money a warning is about (million VND), if any

    def location(self) -> str:
        parts = [_(PLACES[self.file]) if self.file in PLACES else self.file]
        if self.sheet:
            parts.append(_("sheet '{sheet}'").format(sheet=self.sheet))
        if self.row is not None:
            row = (_("line {row}") if self.column_label == "key" else _("row {row}")).format(
                row=self.row)
            if self.project_id:
                row += f" ({self.project_id})"
            parts.append(row)
        if self.column:
            label = _("key") if self.column_label == "key" else _("column")
            parts.append(f"{label} '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        # messages written as plain English literals are looked up here, at display time
        text = f"{self.location()}: {literal(self.message)}"
        if self.value is not None:
            value = self.value
            if hasattr(value, "item"):  # NumPy scalar
                value = value.item()
            shown = (_shown_number(value, self.column_label) if isinstance(value, int | float)
                     and not isinstance(value, bool) else repr(value))
            text += _("; got {value}").format(value=shown)
        if self.fix:
            text += f". {literal(self.fix)}"
        return text


class KcoptError(Exception):
    """Base class of every error kcopt reports to a user."""

    exit_code = 1


class InputError(KcoptError):
    """A project list, scenario or budget file is wrong. Carries every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | str, warnings: list[Problem] | None = None):
        if isinstance(problems, str):
            problems = [Problem(file="", message=problems)]
        self.problems = problems
        self.warnings = warnings or []
        n = len(problems)
        head = ngettext("{n} problem in the input:", "{n} problems in the input:", n).format(n=n)
        super().__init__("\n".join([head, *(f"  - {p}" for p in problems)]))

    def to_frame(self) -> pd.DataFrame:
        """The problems (and warnings) as a table, one row each: where (file, sheet, row,
        column, project), what was received, the message and the fix, in the language in use.

        >>> err = InputError([Problem("projects.csv", "must be a positive amount", "Fix it",
        ...                           row=14, column="total_cost", value=-1.2)])
        >>> err.to_frame()[["file", "row", "column", "value"]].to_dict("records")
        [{'file': 'projects.csv', 'row': 14, 'column': 'total_cost', 'value': -1.2}]
        """
        import pandas as pd  # start-up: errors is imported by every command, pandas is not

        rows = [{"severity": p.severity, "file": p.file, "sheet": p.sheet, "row": p.row,
                 "project_id": p.project_id, "column": p.column, "value": p.value,
                 "message": literal(p.message), "fix": literal(p.fix) if p.fix else "",
                 "code": p.code} for p in [*self.problems, *self.warnings]]
        columns = ["severity", "file", "sheet", "row", "project_id", "column", "value",
                   "message", "fix", "code"]
        return pd.DataFrame(rows, columns=columns)


class UsageError(KcoptError, ValueError):
    """A function called the wrong way (an unknown `by=`, an argument out of range): what is
    wrong, what was received and how to fix it. A `ValueError` too, as Python callers expect;
    the command line exits 2, as for a bad option.

    >>> from kcopt.core.language import using
    >>> with using("en"):
    ...     print(UsageError("by must be one of region, category, province", "'town'",
    ...                      "Pass one of those names."))
    by must be one of region, category, province; got 'town'. Pass one of those names.
    """

    exit_code = 2

    def __init__(self, what: str, got: object, fix: str):
        self.what, self.got, self.fix = what, got, fix
        super().__init__(_("{what}; got {got}. {fix}").format(what=what, got=got, fix=fix))


class InfeasibleError(KcoptError):
    """The scenario's budgets, targets and must-fund projects cannot all hold together.

    `run` is the pipeline run that found it (with its diagnosis), when there is one.
    """

    exit_code = 3
    run: object = None

    def with_run(self, run: object) -> InfeasibleError:
        self.run = run
        return self


class SolverError(KcoptError):
    """The solver failed, or stopped at its time limit without a feasible allocation."""

    exit_code = 4


class OutputError(KcoptError):
    """An output cannot be written where asked (read-only or full folder, an input in the way,
    files kcopt did not write) or an output folder given to read is not kcopt's, whole."""

    exit_code = 1
