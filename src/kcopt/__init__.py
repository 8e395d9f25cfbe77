"""kcopt — allocate Vietnam's industrial-promotion (khuyến công) funds, and explain the result.

The pipeline, each step callable on its own from a notebook::

    sc = kcopt.load_scenario("scenarios/demo/demo.yaml")     # scenario file → Scenario
    projects = kcopt.read_projects(sc.projects)              # project list → validated table
    model = kcopt.build(projects, sc)                        # → labelled linear program
    result = kcopt.solve(model)                              # → Result (HiGHS or PuLP/CBC)
    kcopt.allocation_table(result)                           # → DataFrame with reasons

or all at once: ``kcopt.run(sc, out=Path("out/demo"))``. Words are Vietnamese by default;
``kcopt.set_language("en")`` switches every message, reason and figure to English.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kcopt._version import __version__

# Names resolve on first use (PEP 562): `import kcopt` stays light, so `kcopt --help` and
# commands that need neither pandas nor a solver start fast; each name costs its import once.
_LAZY = {
    "Comparison": "kcopt.comparison", "compare": "kcopt.comparison",
    "Finding": "kcopt.diagnose", "elastic_diagnosis": "kcopt.diagnose",
    "presolve_checks": "kcopt.diagnose",
    "InfeasibleError": "kcopt.errors", "InputError": "kcopt.errors", "UsageError": "kcopt.errors",
    "KcoptError": "kcopt.errors", "Problem": "kcopt.errors", "SolverError": "kcopt.errors",
    "report_html": "kcopt.htmlreport", "write_report": "kcopt.htmlreport",
    "LinearProgram": "kcopt.model", "Model": "kcopt.model", "build": "kcopt.model",
    "Run": "kcopt.pipeline", "run": "kcopt.outputs",
    "allocation_by_year": "kcopt.report", "allocation_table": "kcopt.report",
    "by_year_table": "kcopt.report", "constraint_table": "kcopt.report",
    "summary": "kcopt.report",
    "resolve": "kcopt.whatif",
    "RuleSet": "kcopt.rules", "load_rules": "kcopt.rules",
    "Scenario": "kcopt.scenario", "Target": "kcopt.scenario", "load_scenario": "kcopt.scenario",
    "Projects": "kcopt.schema", "read_projects": "kcopt.schema",
    "Sensitivity": "kcopt.sensitivity", "run_sensitivity": "kcopt.sensitivity",
    "Result": "kcopt.solve", "Status": "kcopt.solve", "solve": "kcopt.solve",
    "Outcome": "kcopt.views", "breakdown": "kcopt.views", "load_output": "kcopt.views",
    "get_language": "kcopt.words", "set_language": "kcopt.language",
}


_LIGHT = {"kcopt.errors", "kcopt.words", "kcopt.language", "kcopt.rules"}


def __getattr__(name: str) -> Any:
    if name == "plots":
        return importlib.import_module("kcopt.plots")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kcopt' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    if module not in _LIGHT:
        _attach()
    return value


def _attach() -> None:
    """`Result` and `Comparison` are plain records; the conveniences a notebook reaches for on
    them — tables, a figure, files and the Jupyter view — are functions of the layers above
    (report, plots, outputs, display), attached here at the top once a name needing them is
    used, so no record imports upwards."""
    if _attached:
        return
    from kcopt import display, outputs, plots, report  # start-up: only once records are used
    from kcopt.comparison import Comparison
    from kcopt.solve import Result

    for cls, name, fn in ((Result, "allocation", report.allocation_table),
                          (Result, "to_frame", report.allocation_table),
                          (Result, "constraints", report.constraint_table),
                          (Result, "_repr_html_", display.result_html),
                          (Comparison, "plot", plots.comparison),
                          (Comparison, "write", outputs.write_comparison),
                          (Comparison, "_repr_html_", display.comparison_html)):
        setattr(cls, name, fn)
    _attached.append(True)


_attached: list[bool] = []


def __dir__() -> list[str]:
    return sorted(__all__)


class _Package(types.ModuleType):
    """Importing the submodule `kcopt.solve` would set `kcopt.solve` to that module; the
    public name stays the function, as with the eager imports of before."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "solve" and isinstance(value, types.ModuleType):
            value = value.solve
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:
    from kcopt import plots
    from kcopt.comparison import Comparison, compare
    from kcopt.diagnose import Finding, elastic_diagnosis, presolve_checks
    from kcopt.errors import (
        InfeasibleError,
        InputError,
        KcoptError,
        Problem,
        SolverError,
        UsageError,
    )
    from kcopt.htmlreport import report_html, write_report
    from kcopt.language import set_language
    from kcopt.model import LinearProgram, Model, build  # type: ignore[no-redef]
    from kcopt.outputs import run
    from kcopt.pipeline import Run
    from kcopt.report import (
        allocation_by_year,
        allocation_table,
        by_year_table,
        constraint_table,
        summary,
    )
    from kcopt.rules import RuleSet, load_rules
    from kcopt.scenario import Scenario, Target, load_scenario
    from kcopt.schema import Projects, read_projects
    from kcopt.sensitivity import Sensitivity, run_sensitivity
    from kcopt.solve import Result, Status, solve
    from kcopt.views import Outcome, breakdown, load_output
    from kcopt.whatif import resolve
    from kcopt.words import get_language

def demo_scenario_path() -> Path:
    """The bundled demo scenario (`scenarios/demo/demo.yaml` in the source tree)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "scenarios" / "demo" / "demo.yaml"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("the demo scenario is in the source tree's scenarios/demo/; "
                            "install kcopt from a clone with `pip install -e .`")


__all__ = [
    "Comparison", "Finding", "InfeasibleError", "InputError", "KcoptError", "LinearProgram",
    "Model", "Outcome", "Problem", "Projects", "Result", "RuleSet", "Run", "Scenario",
    "Sensitivity", "SolverError", "Status", "Target", "UsageError", "__version__",
    "allocation_by_year", "allocation_table", "breakdown", "build", "by_year_table", "compare",
    "constraint_table",
    "demo_scenario_path", "elastic_diagnosis", "get_language", "load_output", "load_rules",
    "load_scenario", "plots", "presolve_checks", "read_projects", "report_html", "resolve",
    "run", "run_sensitivity", "set_language", "solve", "summary", "write_report",
]
