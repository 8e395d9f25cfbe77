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
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kcopt._version import __version__

if "numpy" not in sys.modules:  # read by OpenBLAS when NumPy loads it: only before that
    # A product of two vectors of more than 10,000 numbers (a plan's columns) is OpenBLAS's
    # threaded dot, whose worker then spins on another core: ~50 ms of CPU for each one, taken
    # from the processes kcopt runs beside it (the figures, the app's other sessions). kcopt's
    # dense products are vector dots and thin matrices, which one thread does as fast. A value
    # set before is kept (docs/api.md, "One BLAS thread").
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Names resolve on first use (PEP 562): `import kcopt` stays light, so `kcopt --help` and
# commands that need neither pandas nor a solver start fast; each name costs its import once.
_LAZY = {
    "Comparison": "kcopt.present.comparison", "compare": "kcopt.present.comparison",
    "Finding": "kcopt.analysis.diagnose", "elastic_diagnosis": "kcopt.analysis.diagnose",
    "presolve_checks": "kcopt.analysis.diagnose",
    "InfeasibleError": "kcopt.core.errors", "InputError": "kcopt.core.errors",
    "UsageError": "kcopt.core.errors",
    "KcoptError": "kcopt.core.errors", "Problem": "kcopt.core.errors",
    "SolverError": "kcopt.core.errors",
    "check_documents": "kcopt.present.workbook.check",
    "DocumentCheck": "kcopt.present.workbook.check",
    "report_html": "kcopt.present.htmlreport", "write_report": "kcopt.present.htmlreport",
    "LinearProgram": "kcopt.model", "Model": "kcopt.model", "build": "kcopt.model",
    "Run": "kcopt.pipeline", "run": "kcopt.outputs", "read_plan": "kcopt.inputs.approved",
    "allocation_by_year": "kcopt.analysis.report", "allocation_table": "kcopt.analysis.report",
    "by_year_table": "kcopt.analysis.report", "constraint_table": "kcopt.analysis.report",
    "summary": "kcopt.analysis.report", "Summary": "kcopt.analysis.summary",
    "resolve": "kcopt.analysis.whatif", "reserve_list": "kcopt.analysis.reserve",
    "RuleSet": "kcopt.rules.rates", "load_rules": "kcopt.rules.rates",
    "Scenario": "kcopt.inputs.scenario", "Target": "kcopt.inputs.scenario",
    "load_scenario": "kcopt.inputs.scenario",
    "Projects": "kcopt.inputs.schema", "read_projects": "kcopt.inputs.schema",
    "Sensitivity": "kcopt.analysis.sensitivity", "run_sensitivity": "kcopt.analysis.sensitivity",
    "Result": "kcopt.solvers.solve", "Status": "kcopt.solvers.solve",
    "solve": "kcopt.solvers.solve",
    "Outcome": "kcopt.present.views", "breakdown": "kcopt.present.views",
    "load_output": "kcopt.present.views",
    "get_language": "kcopt.core.words", "set_language": "kcopt.core.language",
}


_LIGHT = {"kcopt.core.errors", "kcopt.core.words", "kcopt.core.language", "kcopt.rules.rates"}


def __getattr__(name: str) -> Any:
    if name == "plots":
        return importlib.import_module("kcopt.present.plots")
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
    # start-up: the layers above load only once records are used
    from kcopt import outputs
    from kcopt.analysis import report
    from kcopt.present import display, plots
    from kcopt.present.comparison import Comparison
    from kcopt.solvers.solve import Result

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




if TYPE_CHECKING:
    from kcopt.analysis.diagnose import Finding, elastic_diagnosis, presolve_checks
    from kcopt.analysis.report import (
        allocation_by_year,
        allocation_table,
        by_year_table,
        constraint_table,
        summary,
    )
    from kcopt.analysis.reserve import reserve_list
    from kcopt.analysis.sensitivity import Sensitivity, run_sensitivity
    from kcopt.analysis.summary import Summary
    from kcopt.analysis.whatif import resolve
    from kcopt.core.errors import (
        InfeasibleError,
        InputError,
        KcoptError,
        Problem,
        SolverError,
        UsageError,
    )
    from kcopt.core.language import set_language
    from kcopt.core.words import get_language
    from kcopt.inputs.approved import read_plan
    from kcopt.inputs.scenario import Scenario, Target, load_scenario
    from kcopt.inputs.schema import Projects, read_projects
    from kcopt.model import LinearProgram, Model, build
    from kcopt.outputs import run
    from kcopt.pipeline import Run
    from kcopt.present import plots
    from kcopt.present.comparison import Comparison, compare
    from kcopt.present.htmlreport import report_html, write_report
    from kcopt.present.views import Outcome, breakdown, load_output
    from kcopt.present.workbook.check import DocumentCheck, check_documents
    from kcopt.rules.rates import RuleSet, load_rules
    from kcopt.solvers.solve import Result, Status, solve

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
    "Comparison", "DocumentCheck", "Finding", "InfeasibleError", "InputError", "KcoptError",
    "LinearProgram", "Model", "Outcome", "Problem", "Projects", "Result", "RuleSet", "Run",
    "Scenario", "Sensitivity", "SolverError", "Status", "Summary", "Target", "UsageError",
    "__version__",
    "allocation_by_year", "allocation_table", "breakdown", "build", "by_year_table",
    "check_documents", "compare", "constraint_table", "demo_scenario_path", "elastic_diagnosis",
    "get_language", "load_output", "load_rules", "load_scenario", "plots", "presolve_checks",
    "read_plan", "read_projects", "report_html", "reserve_list", "resolve", "run",
    "run_sensitivity",
    "set_language", "solve", "summary", "write_report",
]
