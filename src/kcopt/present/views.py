"""A solved scenario as planners look at it, whether it is in memory (a `Result`, a `Run`) or an
output folder written by `kcopt solve` (and perhaps `kcopt sensitivity`): the allocation, the
summary, the constraints and whatever sensitivity tables exist — one `Outcome` for the
comparison, the committee report, the plots and the notebook display alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from kcopt.analysis.summary import Summary
from kcopt.analysis.wording import group_name
from kcopt.core.errors import OutputError, UsageError
from kcopt.core.words import _, os_reason
from kcopt.io.folders import changed_files, reading
from kcopt.io.write import read_csv_cells

if TYPE_CHECKING:
    from kcopt.analysis.sensitivity.suite import Sensitivity
    from kcopt.pipeline import Run
    from kcopt.solvers.solve import Result

SENSITIVITY_TABLES = ("ranging_constraints", "policy_prices", "weight_robustness", "tornado",
                      "budget_sweep")
STATUSES = ("funded", "partial", "unfunded", "ineligible", "excluded")
STATUS_LABELS = {"funded": "được hỗ trợ đủ / funded", "partial": "hỗ trợ một phần / partial",
                 "unfunded": "không được hỗ trợ / unfunded",
                 "ineligible": "không đủ điều kiện / ineligible",
                 "excluded": "loại khỏi kịch bản / excluded"}
Grouping = Literal["region", "category", "province"]
GROUPINGS: tuple[Grouping, ...] = ("region", "category", "province")


@dataclass
class Outcome:
    """A solved scenario's tables: enough for a comparison, a report or a plot."""

    name: str
    allocation: pd.DataFrame
    summary: Summary
    constraints: pd.DataFrame | None = None
    sensitivity: dict[str, pd.DataFrame] = field(default_factory=dict)
    sensitivity_settings: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = None
    # files of the folder changed since the run wrote them (documents a planner may have edited;
    # a changed table is refused by `load_output`): (relative path, "changed" | "missing")
    changed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.folder.name if self.folder is not None else self.name


def outcome(source: Outcome | Result | Run | str | Path,
            sensitivity: Sensitivity | None = None) -> Outcome:
    """Turn a result, a run or an output folder into an `Outcome` (with the tables of a
    `Sensitivity` run on it, if given)."""
    # start-up: scipy, yaml only when this runs
    from kcopt.analysis.report import allocation_table, constraint_table, summary
    from kcopt.pipeline import Run
    from kcopt.solvers.solve import Result

    if isinstance(source, Outcome):
        out = source
    elif isinstance(source, str | Path):
        out = load_output(Path(source))
    elif isinstance(source, Run):
        result = source.result.raise_for_status()
        alloc = source.allocation if source.allocation is not None else allocation_table(result)
        out = Outcome(result.model.scenario.name, alloc,
                      source.summary if source.summary is not None else summary(result, alloc),
                      source.constraints if source.constraints is not None
                      else constraint_table(result))
    elif isinstance(source, Result):
        result = source.raise_for_status()
        alloc = allocation_table(result)
        out = Outcome(result.model.scenario.name, alloc, summary(result, alloc),
                      constraint_table(result))
    else:
        raise TypeError(f"expected a Result, a Run or an output folder; got "
                        f"{type(source).__name__}")
    if sensitivity is not None:
        out.sensitivity = {name: sensitivity.tables()[name] for name in SENSITIVITY_TABLES}
        out.sensitivity_settings = dict(sensitivity.settings)
    return out


ALLOCATION_COLUMNS = {"project_id", "name", "province", "region", "category", "cap", "central",
                      "local", "total", "status", "reason"}
CONSTRAINT_COLUMNS = {"name", "family", "sense", "rhs", "activity", "slack", "binding",
                      "shadow_price"}


def load_output(folder: Path) -> Outcome:
    """Read an output folder of `kcopt solve`: allocation.csv and summary.json (required),
    constraints.csv and the sensitivity tables (when present) — all of one run (read under the
    folder's lock, so no run swaps its files meanwhile). A missing, damaged or edited file is an
    `OutputError` naming it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OutputError((_("output folder '{folder}' is a file, not a folder. Give the folder "
                             "written by `kcopt solve SCENARIO -o {folder}`") if folder.exists()
                           else _("output folder '{folder}' not found. Give the folder written "
                                  "by `kcopt solve SCENARIO -o {folder}`")).format(folder=folder))
    with reading(folder):
        changed = changed_files(folder)
        tables = [(rel, how) for rel, how in changed if rel.endswith((".csv", ".json"))]
        if tables:
            raise OutputError(_("'{folder}' is not as kcopt wrote it ({files}), so its figures "
                                "may not be the plan's. Solve the scenario again (or restore "
                                "the files), then run the command again").format(
                folder=folder, files=", ".join(changed_words(tables))))
        out = _load_output(folder)
        out.changed = changed
        return out


def changed_words(changed: list[tuple[str, str]]) -> list[str]:
    """'allocation.csv' changed / missing, in words."""
    return [(_("'{file}' was changed after the run") if how == "changed"
             else _("'{file}' is missing")).format(file=rel) for rel, how in changed]


def _load_output(folder: Path) -> Outcome:
    alloc_path = folder / "allocation.csv"
    if not alloc_path.exists():
        hint = (_("its scenario was infeasible (see diagnosis.json); relax it and solve again")
                if (folder / "diagnosis.json").exists()
                else _("run `kcopt solve SCENARIO -o {folder}` first").format(folder=folder))
        raise OutputError(_("'{folder}' has no allocation.csv, so it is not a solved kcopt "
                            "output: {hint}").format(folder=folder, hint=hint))
    summary_path = folder / "summary.json"
    if not summary_path.exists():
        raise OutputError(_("'{folder}' has allocation.csv but no summary.json; write both "
                            "with `kcopt solve SCENARIO -o {folder}`").format(folder=folder))
    allocation = _read_csv(alloc_path, ALLOCATION_COLUMNS)
    summary = Summary.from_json(_read_json(summary_path), summary_path)
    constraints = _read_csv(folder / "constraints.csv", CONSTRAINT_COLUMNS) if (
        folder / "constraints.csv").exists() else None
    tables = {name: _read_csv(folder / f"{name}.csv") for name in SENSITIVITY_TABLES
              if (folder / f"{name}.csv").exists()}
    settings: dict[str, Any] = {}
    if (folder / "sensitivity.json").exists():
        settings = _read_json(folder / "sensitivity.json").get("settings", {})
        if not isinstance(settings, dict):
            raise OutputError(_("{file}: 'settings' is not what kcopt writes; run `kcopt "
                                "sensitivity` again to rewrite it").format(
                file=folder / "sensitivity.json"))
    name = summary.name or folder.name
    return Outcome(name, allocation, summary, constraints, tables, settings, folder)


DAMAGE = (KeyError, TypeError, ValueError, AttributeError, IndexError)  # from edited outputs


def damaged(exc: BaseException, *folders: Path) -> OutputError:
    """An output folder whose files do not read as one kcopt run (edited, or of another
    version): the error for the planner, naming the folder and what was wrong."""
    where = " / ".join(f"'{f}'" for f in dict.fromkeys(folders))
    return OutputError(_("{folders}: its files do not read as one kcopt output (edited, or "
                         "written by another version: {kind}: {error}); solve the scenario "
                         "again. If they were not edited, report it (--debug shows where)").format(
        folders=where, kind=type(exc).__name__, error=exc))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise OutputError(_("{file}: not valid JSON ({error}); solve the scenario again to "
                            "rewrite it").format(file=path, error=exc)) from None
    except OSError as exc:
        raise OutputError(_("{file}: cannot be read ({error})").format(
            file=path, error=os_reason(exc))) from None
    if not isinstance(data, dict):
        raise OutputError(_("{file}: not what kcopt writes (a JSON object); solve the scenario "
                            "again to rewrite it").format(file=path))
    return data


def _read_csv(path: Path, required: set[str] | None = None) -> pd.DataFrame:
    try:
        frame = read_csv_cells(pd.read_csv(path, encoding="utf-8-sig", dtype={"project_id": str},
                                           keep_default_na=False, na_values=[""]))
    except (ValueError, UnicodeDecodeError) as exc:  # pandas' parser and empty-file errors
        raise OutputError(_("{file}: cannot be read as a kcopt CSV ({error}); was it edited? "
                            "Run kcopt again to rewrite it").format(file=path, error=exc)) from None
    except OSError as exc:
        raise OutputError(_("{file}: cannot be read ({error})").format(
            file=path, error=os_reason(exc))) from None
    missing = (required or set()) - set(frame.columns)
    if missing:
        raise OutputError(_("{file}: columns {columns} are missing; is it a kcopt {name}? Run "
                            "kcopt again to rewrite it").format(file=path, columns=sorted(missing),
                                                                name=path.name))
    for col in ("reason", "name", "sentence", "binding_rows"):
        if col in frame:
            frame[col] = frame[col].astype(object).fillna("").astype(str)  # all-empty: float
    return frame


def breakdown(source: Outcome | Result | Run | str | Path,
              by: Grouping = "region") -> pd.DataFrame:
    """Projects, demand and support (central, local, total) per region, content type or
    province, with Vietnamese names and each group's share of the total.

    Examples
    --------
    >>> import kcopt
    >>> table = kcopt.breakdown(kcopt.run(kcopt.demo_scenario_path()), by="region")
    >>> list(table.columns[:3])
    ['region', 'name_vi', 'projects']
    """
    if by not in GROUPINGS:
        raise UsageError(_("breakdown groups by {choices}").format(choices=", ".join(GROUPINGS)),
                         repr(by), _("Pass one of those names as by=."))
    o = outcome(source)
    table = group_table(o.allocation, by)
    total = float(table["total"].sum())
    table["share"] = (table["total"] / total).round(6) if total > 0 else 0.0
    if by == "province":  # over the whole plan: every plan year of a programme
        budgets = {r["province"]: r.get("local_budget") or 0.0
                   for r in o.summary.by_province}
        table.insert(2, "local_budget", table["province"].map(budgets).fillna(0.0))
    return table


def group_table(alloc: pd.DataFrame, by: Grouping) -> pd.DataFrame:
    """Per group: projects, funded, partial, demand (sum of caps), central, local, total."""
    g = alloc.groupby(by, sort=True)
    status = alloc["status"].astype(str)
    out = pd.DataFrame({
        "projects": g.size(),
        "funded": (status == "funded").groupby(alloc[by]).sum().astype(int),
        "partial": (status == "partial").groupby(alloc[by]).sum().astype(int),
        "demand": g["cap"].sum().round(4),
        "central": g["central"].sum().round(4),
        "local": g["local"].sum().round(4),
        "total": g["total"].sum().round(4),
    }).reset_index()
    if by != "province":
        out.insert(1, "name_vi", [group_name(by, str(v)) for v in out[by]])
    return out


