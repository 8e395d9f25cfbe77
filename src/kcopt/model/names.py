"""The names of the program's rows and columns, made and read in this one module.

A row or column name is a code (`budget:local:Lâm Đồng`, `cap:P-0042`, `x:P-0042:central:2027`):
it is in constraints.csv, the ranging tables and the golden files, and never changes with the
language. `RowId` and `ColId` are what a name stands for; `str()` gives the name and `parse_row`
/ `parse_col` are the only parsers — a reader asks the record for its family, project, fund,
province or plan year instead of splitting the string.

Row names::

    budget:central[:<year>]            budget:local:<province>[:<year>]
    total:<fund>[:<year>]              <target>[:<province>]   (a policy target)
    cap:<id>  must_fund:<id>  match:<id>  all_or_nothing:<id>  link:<id>  min_fraction:<id>
    one_start:<id>  fixed:<id>  keep:<id>[:<year>]  start:<id>:<year>  requires:<id>:<id>
    group:<group>                      round:<column name>
    count_floor:<id>[:<year>]  count_link:<id>[:<year>]   (a count target's counted projects)
    move:<id>:<fund>  change:<id>:<fund>  floor:score|moved   (the re-plan's move program)
    floor:spent:<budget row without its family>   (a budget's money spent kept: floor:spent:
                                       central, floor:spent:local:<province>[:<year>])

Column names::

    x:<id>:<fund>[:<year>]  z:<id>  w:<id>:<year>  k:<x column name>  total:<fund>[:<year>]
    counted:<id>[:<year>]   (1 when the project counts toward a count target, in that year)
    stretch:<row name>      (the elastic program of the diagnosis)
    move_up:<id>:<fund>  move_down:<id>:<fund>  changed:<id>   (the re-plan's move program)

Solver files want ASCII names: `safe_names` sanitises them and fails loudly on a collision.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kcopt.core.errors import InputError
from kcopt.core.text import ascii_name
from kcopt.core.words import _

FUNDS = ("central", "local")
SCOPES = ("all", "central", "local")
# one row per project: <family>:<id>
PROJECT_ROWS = ("cap", "must_fund", "match", "all_or_nothing", "link", "min_fraction",
                "one_start", "fixed")
COUNT_ROWS = ("count_floor", "count_link")  # <family>:<id>[:<year>]
ROW_FAMILIES = ("budget", "total", *PROJECT_ROWS, "keep", "start", "requires", "group",
                "round", *COUNT_ROWS, "move", "change", "floor")
COL_KINDS = ("x", "z", "w", "k", "total", "stretch", "counted", "move_up", "move_down",
             "changed")
MOVE_KINDS = ("move_up", "move_down")  # the money a re-plan adds to / takes from a column
FLOORS = ("score", "moved")  # the re-plan's floor on the score, its cap on the money moved
SPENT = "spent"  # floor:spent:<budget>: a budget's money spent, kept by the re-plan's stages


class BadName(ValueError):
    """A string that is no row or column name kcopt makes."""


def _malformed(name: str, what: str, form: str) -> BadName:
    text = (_("'{name}' is not a row name kcopt makes; expected {form}") if what == "row" else
            _("'{name}' is not a column name kcopt makes; expected {form}"))
    return BadName(text.format(name=name, form=form))


def year_suffix(year: int | None) -> str:
    """':2027' for a plan year, '' for a single-period plan."""
    return f":{year}" if year is not None else ""


def support_names(projects: list[str], funds: list[str], years: list[int | None]) -> list[str]:
    """`str(ColId.support(p, f, y))` of each (p, f, y) in turn, made as text at once: a
    `ColId` record a column cost ~10 µs, 0.5 s at 50,000 projects (`model.build`)."""
    return [_support_name(p, f, y) for p, f, y in zip(projects, funds, years, strict=True)]


def _support_name(project: str | None, fund: str | None, year: int | None) -> str:
    return f"x:{project}:{fund}{year_suffix(year)}"


def bound_names(projects: list[str], must: list[bool]) -> list[str]:
    """`str(RowId.bound(p, m))` of each (p, m) in turn, made as text at once."""
    return [f"{_BOUND[m]}:{p}" for p, m in zip(projects, must, strict=True)]


_BOUND = {False: "cap", True: "must_fund"}  # a bound's row family, by "must be funded"


def plan_year(years: tuple[int, ...], k: int) -> int | None:
    """The plan year of period `k`, None in a single-period plan."""
    return years[k] if years else None


def _is_year(part: str) -> bool:
    return part.isdigit() and part.isascii()


def _split_year(parts: list[str]) -> tuple[list[str], int | None]:
    """The parts and the plan year that ends them (when the last of two or more is digits)."""
    if len(parts) > 1 and _is_year(parts[-1]):
        return parts[:-1], int(parts[-1])
    return parts, None


@dataclass(frozen=True)
class ColId:
    """What a column stands for: its kind, and the project, fund and plan year it is of; a `k`
    column names the x column it rounds, a `stretch` column the row it stretches."""

    kind: str
    project: str | None = None
    fund: str | None = None
    year: int | None = None
    column: ColId | None = None
    row: RowId | None = None

    @classmethod
    def support(cls, project: str, fund: str, year: int | None = None) -> ColId:
        return cls("x", project=project, fund=fund, year=year)

    @classmethod
    def total(cls, fund: str, year: int | None = None) -> ColId:
        return cls("total", fund=fund, year=year)

    @classmethod
    def selection(cls, project: str) -> ColId:
        """z:<id>, whether a project with an integer rule is selected."""
        return cls("z", project=project)

    @classmethod
    def start(cls, project: str, year: int) -> ColId:
        """w:<id>:<year>, whether a project starts in that plan year."""
        return cls("w", project=project, year=year)

    @classmethod
    def counted(cls, project: str, year: int | None = None) -> ColId:
        """counted:<id>[:<year>], whether a project counts toward a count target (in the
        plan year it starts in, for a target of one year)."""
        return cls("counted", project=project, year=year)

    @classmethod
    def move(cls, kind: str, project: str, fund: str) -> ColId:
        """move_up / move_down:<id>:<fund>, the money a re-plan adds to or takes from a
        project's approved amount from a fund."""
        assert kind in MOVE_KINDS
        return cls(kind, project=project, fund=fund)

    @classmethod
    def changed(cls, project: str) -> ColId:
        """changed:<id>, whether a re-plan changes a project's money (fewest changes)."""
        return cls("changed", project=project)

    @classmethod
    def multiple(cls, column: ColId) -> ColId:
        """k:<x column>, how many multiples of `round_to` a support column pays."""
        return cls("k", column=column)

    def __str__(self) -> str:
        if self.kind == "x":
            return _support_name(self.project, self.fund, self.year)
        if self.kind in ("z", "changed"):
            return f"{self.kind}:{self.project}"
        if self.kind in MOVE_KINDS:
            return f"{self.kind}:{self.project}:{self.fund}"
        if self.kind == "w":
            return f"w:{self.project}:{self.year}"
        if self.kind == "k":
            return f"k:{self.column}"
        if self.kind == "counted":
            return f"counted:{self.project}{year_suffix(self.year)}"
        if self.kind == "stretch":
            return f"stretch:{self.row}"
        return f"total:{self.fund}{year_suffix(self.year)}"


@dataclass(frozen=True)
class RowId:
    """What a row (or a constraint held as a column bound) stands for: its family and the
    project, fund, province, plan year, target, group or column it is of. `other` is the
    project a `requires` row needs."""

    family: str
    project: str | None = None
    fund: str | None = None
    province: str | None = None
    year: int | None = None
    target: str | None = None
    other: str | None = None
    group: str | None = None
    column: ColId | None = None

    @classmethod
    def budget(cls, fund: str, province: str | None = None, year: int | None = None) -> RowId:
        return cls("budget", fund=fund, province=province if fund == "local" else None,
                   year=year)

    @classmethod
    def of_project(cls, family: str, project: str, year: int | None = None) -> RowId:
        return cls(family, project=project, year=year)

    @classmethod
    def bound(cls, project: str, must: bool) -> RowId:
        """cap:<id>, or must_fund:<id> for a project that must be funded in full."""
        return cls(_BOUND[bool(must)], project=project)

    @classmethod
    def move(cls, family: str, project: str, fund: str) -> RowId:
        """move:<id>:<fund> (x − up + down = approved) or change:<id>:<fund> (up + down ≤
        M · changed) of the re-plan's move program."""
        return cls(family, project=project, fund=fund)

    @classmethod
    def floor(cls, what: str) -> RowId:
        """floor:score (the score kept) or floor:moved (the money moved, capped)."""
        assert what in FLOORS
        return cls("floor", target=what)

    @classmethod
    def spent(cls, budget: RowId) -> RowId:
        """floor:spent:central[:<year>] or floor:spent:local:<province>[:<year>]: the money
        spent from the budget of row `budget`, kept at least the first stage's."""
        assert budget.family == "budget"
        return cls("floor", fund=budget.fund, province=budget.province, year=budget.year,
                   target=SPENT)

    @classmethod
    def rounding(cls, column: ColId) -> RowId:
        """round:<x column>, the support column a multiple of `round_to`."""
        return cls("round", column=column)

    @classmethod
    def of_target(cls, target: str, province: str | None = None) -> RowId:
        """A policy target's row; a target named like a family of rows would be read as one."""
        if target in ROW_FAMILIES or ":" in target:
            raise InputError(_("a target may not be named '{name}': the name is taken by "
                               "kcopt's own rows ({families}) or holds ':'").format(
                                   name=target, families=", ".join(ROW_FAMILIES)))
        return cls("target", target=target, province=province)

    def __str__(self) -> str:
        f = self.family
        if f == "budget":
            where = "central" if self.fund == "central" else f"local:{self.province}"
            return f"budget:{where}{year_suffix(self.year)}"
        if f == "total":
            return f"total:{self.fund}{year_suffix(self.year)}"
        if f == "target":
            return str(self.target) + (f":{self.province}" if self.province is not None else "")
        if f in ("keep", "start", *COUNT_ROWS):
            return f"{f}:{self.project}{year_suffix(self.year)}"
        if f == "requires":
            return f"requires:{self.project}:{self.other}"
        if f == "group":
            return f"group:{self.group}"
        if f == "round":
            return f"round:{self.column}"
        if f in ("move", "change"):
            return f"{f}:{self.project}:{self.fund}"
        if f == "floor" and self.target == SPENT:
            budget = str(RowId.budget(str(self.fund), self.province, self.year))
            return f"floor:{SPENT}:{budget.partition(':')[2]}"
        if f == "floor":
            return f"floor:{self.target}"
        return f"{f}:{self.project}"

    @property
    def is_bound(self) -> bool:
        """A cap or must-fund rule (a row, or a column bound named after one)."""
        return self.family in ("cap", "must_fund")

    @property
    def budget_words(self) -> tuple[str, str | None, int | None]:
        """(fund, province or None, year or None) of a budget row."""
        return str(self.fund), self.province, self.year


@lru_cache(maxsize=1 << 16)
def parse_row(name: str) -> RowId:
    """The record a row name stands for; the inverse of `str(RowId)`.

    >>> parse_row("budget:local:Lâm Đồng:2027")
    RowId(family='budget', project=None, fund='local', province='Lâm Đồng', year=2027, \
target=None, other=None, group=None, column=None)
    >>> str(parse_row("cap:P-0042")), parse_row("green:Hà Nội").target
    ('cap:P-0042', 'green')
    """
    family, sep, rest = name.partition(":")
    if family not in ROW_FAMILIES:
        if not family:
            raise _malformed(name, "row", "<family>:… or a target's name")
        return RowId("target", target=family, province=rest if sep else None)
    if not rest:
        raise _malformed(name, "row", f"{family}:…")
    row = _parse_family(family, rest, name)
    if str(row) != name:
        raise _malformed(name, "row", _FORMS.get(family, f"{family}:<id>"))
    return row


_FORMS = {"budget": "budget:central[:<year>] or budget:local:<province>[:<year>]",
          "total": "total:all|central|local[:<year>]", "start": "start:<id>:<year>",
          "requires": "requires:<id>:<id>", "round": "round:<column name>",
          "floor": "floor:score|moved|spent:central[:<year>]|spent:local:<province>[:<year>]"}


def _parse_family(family: str, rest: str, name: str) -> RowId:
    if family == "budget":
        parts, year = _split_year(rest.split(":"))
        if parts == ["central"]:
            return RowId.budget("central", year=year)
        if parts[0] == "local" and len(parts) > 1:
            return RowId.budget("local", ":".join(parts[1:]), year)
        raise _malformed(name, "row", _FORMS["budget"])
    if family == "total":
        parts, year = _split_year(rest.split(":"))
        if len(parts) != 1 or parts[0] not in SCOPES:
            raise _malformed(name, "row", _FORMS["total"])
        return RowId("total", fund=parts[0], year=year)
    if family in ("keep", "start", *COUNT_ROWS):
        parts, year = _split_year(rest.split(":"))
        if family == "start" and year is None:
            raise _malformed(name, "row", _FORMS["start"])
        return RowId(family, project=":".join(parts), year=year)
    if family == "requires":
        first, sep, second = rest.partition(":")
        if not sep or not first or not second:
            raise _malformed(name, "row", _FORMS["requires"])
        return RowId("requires", project=first, other=second)
    if family == "group":
        return RowId("group", group=rest)
    if family in ("move", "change"):
        project, sep, fund = rest.rpartition(":")
        if not sep or not project or fund not in FUNDS:
            raise _malformed(name, "row", f"{family}:<id>:central|local")
        return RowId.move(family, project, fund)
    if family == "floor":
        kind, _sep, budget = rest.partition(":")
        if kind == SPENT and budget:
            try:
                return RowId.spent(_parse_family("budget", budget, name))
            except BadName as err:
                raise _malformed(name, "row", _FORMS["floor"]) from err
        if rest not in FLOORS:
            raise _malformed(name, "row", _FORMS["floor"])
        return RowId.floor(rest)
    if family == "round":
        try:
            return RowId("round", column=parse_col(rest))
        except BadName as err:
            raise _malformed(name, "row", _FORMS["round"]) from err
    return RowId(family, project=rest)


@lru_cache(maxsize=1 << 16)
def parse_col(name: str) -> ColId:
    """The record a column name stands for; the inverse of `str(ColId)`.

    >>> parse_col("x:P-0042:central:2027")
    ColId(kind='x', project='P-0042', fund='central', year=2027, column=None, row=None)
    """
    kind, _sep, rest = name.partition(":")
    if kind not in COL_KINDS or not rest:
        raise _malformed(name, "column", "x:<id>:<fund>[:<year>], z:<id>, w:<id>:<year>, "
                   "k:<column>, total:<fund>[:<year>], counted:<id>[:<year>], stretch:<row>, "
                   "move_up|move_down:<id>:<fund> or changed:<id>")
    col = _parse_kind(kind, rest, name)
    if str(col) != name:
        raise _malformed(name, "column", f"{kind}:…")
    return col


def _parse_kind(kind: str, rest: str, name: str) -> ColId:
    if kind in ("z", "changed"):
        return ColId(kind, project=rest)
    if kind in MOVE_KINDS:
        project, sep, fund = rest.rpartition(":")
        if not sep or not project or fund not in FUNDS:
            raise _malformed(name, "column", f"{kind}:<id>:central|local")
        return ColId.move(kind, project, fund)
    try:
        if kind == "k":
            return ColId("k", column=parse_col(rest))
        if kind == "stretch":
            return ColId("stretch", row=parse_row(rest))
    except BadName as err:
        raise _malformed(name, "column", f"{kind}:<{'column' if kind == 'k' else 'row'} name>") \
            from err
    parts, year = _split_year(rest.split(":"))
    if kind == "counted":
        return ColId("counted", project=":".join(parts), year=year)
    if kind == "w":
        if year is None:
            raise _malformed(name, "column", "w:<id>:<year>")
        return ColId("w", project=":".join(parts), year=year)
    if kind == "total":
        if len(parts) != 1 or parts[0] not in SCOPES:
            raise _malformed(name, "column", "total:all|central|local[:<year>]")
        return ColId("total", fund=parts[0], year=year)
    if len(parts) < 2 or parts[-1] not in FUNDS:
        raise _malformed(name, "column", "x:<id>:central|local[:<year>]")
    return ColId.support(":".join(parts[:-1]), parts[-1], year)


def move_names(prefix: str, pairs: list[tuple[str, str]]) -> list[str]:
    """The names of a re-plan's rows (`move`, `change`) or columns (`move_up`, `move_down`) of
    many (project id, fund) pairs at once: what `str(RowId.move(prefix, p, f))` or
    `str(ColId.move(prefix, p, f))` writes for each, without a record each (a re-plan at 10,000
    projects names ~30,000 of them)."""
    assert prefix in ("move", "change", *MOVE_KINDS)
    return [f"{prefix}:{project}:{fund}" for project, fund in pairs]


def col_or_none(name: str) -> ColId | None:
    """The record of a column name; None for a text that is none (a ranging table's
    'slack of …', an empty cell)."""
    try:
        return parse_col(name)
    except BadName:
        return None


def rows_of_target(row_names: list[str], row_family: list[str], target: str) -> list[int]:
    """The rows of the policy target named `target` (one, or one per province)."""
    return [i for i, (n, f) in enumerate(zip(row_names, row_family, strict=True))
            if f == "target" and parse_row(n).target == target]


def rows_of(row_names: list[str], family: str, fund: str | None = None) -> list[int]:
    """The rows of a family (budget rows of one fund when `fund` is given)."""
    out = []
    for i, n in enumerate(row_names):
        row = parse_row(n)
        if row.family == family and (fund is None or row.fund == fund):
            out.append(i)
    return out


def safe_names(names: list[str], what: str) -> list[str]:
    """Solver-file-safe ASCII names; fail loudly when two structured names would collide."""
    out = [ascii_name(n) or "_" for n in names]
    seen: dict[str, str] = {}
    clashes = []
    for orig, safe in zip(names, out, strict=True):
        if safe in seen and seen[safe] != orig:
            clashes.append(f"'{seen[safe]}' and '{orig}' both become '{safe}'")
        seen.setdefault(safe, orig)
    if clashes:
        raise InputError(_("{what} names collide in solver files: {clashes}. Make these "
                           "project ids differ in letters or digits, not punctuation").format(
            what=what, clashes="; ".join(clashes[:5])))
    return out
