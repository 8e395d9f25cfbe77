"""What the reader of one official annex form has found so far, and where it reports.

`FormState` is shared by the steps of `io.form.adapt` (`io.formhead`: title and headers;
`io.formwalk`: the section walk; `io.formcolumns` and `io.formlines`: the columns read from
the sections): the sheet's cells, the `FormLayout` being filled, each project row's id and
section, and the problems (errors and warnings) found, in the order they were found.
"""

from __future__ import annotations

import pandas as pd

from kcopt.core.errors import Problem
from kcopt.core.text import fold
from kcopt.io.formlayout import FormLayout, Section
from kcopt.io.read import RawTable


class FormState:
    """One form being read: its sheet, what was found and the problems met."""

    def __init__(self, raw: RawTable, province: str | None,
                 sections: dict[str, str] | None = None):
        assert raw.cells is not None
        self.raw = raw
        self.cells = raw.cells
        self.scenario_province = province
        # the scenario's `sections:`: folded section title → content type
        self.section_codes = {fold(k): v for k, v in (sections or {}).items()}
        self.section_titles = {fold(k): k for k in sections or {}}  # as the scenario writes them
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.form = FormLayout()
        self.ids: dict[int, str] = {}
        self.sections: dict[int, Section] = {}
        self.unit_where = ""
        self.group_kind_col: str | None = None
        self.content_words: str | None = None  # a content column in the province's own words
        self.members: dict[int, dict[str, float]] = {}  # group line → its listed rows' count, sums
        self.fund_words: dict[str, str] = {}  # header → 'funds'/'level': funds named in phrases
        self.canon: dict[str, str] = {}
        self.closed = False  # a grand total was read: what follows is the signature block
        self.stated_subtotals: list[tuple[Section, dict[str, float], int, str]] = []
        self.proposal: str | None = None  # the support proposed, beside the support asked for

    def problem(self, message: str, row: int | None = None, column: str | None = None,
                value: object = None, fix: str = "", severity: str = "error",
                code: str = "") -> None:
        p = Problem(str(self.raw.path), message, fix, self.raw.sheet, row, column, value,
                    severity=severity, code=code)
        (self.errors if severity == "error" else self.warnings).append(p)

    def warn(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problem(message, row, column, severity="warning")

    def col(self, header: str) -> int:
        """The 1-based file column of a header."""
        return self.raw.columns[list(self.raw.frame.columns).index(header)]

    def fund_at(self, i: int) -> str | None:
        """The fund ('central', 'local') of the section holding grid row `i`, if it names one."""
        node: Section | None = self.sections.get(i)
        while node is not None and node.kind != "fund":
            node = node.parent
        return node.level if node is not None else None

    def district_at(self, i: int) -> str:
        """The district row above grid row `i` ('' when none)."""
        node: Section | None = self.sections[i]
        while node is not None:
            if node.district:
                return node.district
            node = node.parent
        return ""


def add_column(frame: pd.DataFrame, name: str, values: list[str]) -> pd.DataFrame:
    """A copy of `frame` with a text column `name` added (or replaced)."""
    frame = frame.copy()
    frame[name] = pd.Series(values, index=frame.index, dtype=str)
    return frame
