"""Shared fixtures: tiny cases written as real files, and the list of available backends."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import Phase, settings

import kcopt

# Tests written against today's English words run in English; the Vietnamese outputs (the
# default for users) are checked by tests/test_language.py, which clears this.
os.environ["KCOPT_LANG"] = "en"


def _stop_as_interrupted(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config: pytest.Config) -> None:
    """A suite stopped with SIGTERM (a CI timeout, `kill`) stops as Ctrl-C does: the running
    test's `finally` blocks and the fixtures' teardowns still run, so the app servers and
    other processes the tests started are stopped, not left serving."""
    signal.signal(signal.SIGTERM, _stop_as_interrupted)


def _cbc_available() -> bool:
    from kcopt.inputs.scenario import SolverOptions
    from kcopt.solvers.pulp_backend import get_solver

    try:
        get_solver("cbc", SolverOptions())
    except kcopt.SolverError:
        return False
    return True


CBC_AVAILABLE = _cbc_available()
CBC_MISSING = ("CBC is not installed (PuLP finds neither PULP_CBC_CMD nor COIN_CMD): "
               "pip install 'kcopt[cbc]' or apt-get install coinor-cbc; .ci/run installs it")
#: every backend kcopt supports; a missing one is a visible skip, never a shorter list
BACKENDS = ["highs", "cbc"]
needs_cbc = pytest.mark.skipif(not CBC_AVAILABLE, reason=CBC_MISSING)
BACKEND_PARAMS = [pytest.param("highs", id="highs"),
                  pytest.param("cbc", id="cbc", marks=needs_cbc)]


def require_backend(name: str) -> None:
    """Skip (with the reason) when `name` is not installed here."""
    if name == "cbc" and not CBC_AVAILABLE:
        pytest.skip(CBC_MISSING)


@pytest.fixture(params=BACKEND_PARAMS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


PROJECT_DEFAULTS = {"level": "local", "appraisal": 100}


@pytest.fixture
def make_case(tmp_path: Path) -> Callable[..., kcopt.Scenario]:
    """Write `projects` (list of dicts, canonical column names) and `scenario` (a dict) as files
    and load the scenario: the same path a planner's files take."""
    counter = {"n": 0}

    def make(projects: list[dict[str, Any]], scenario: dict[str, Any]) -> kcopt.Scenario:
        counter["n"] += 1
        folder = tmp_path / f"case{counter['n']}"
        folder.mkdir()
        rows = [{**PROJECT_DEFAULTS, **p} for p in projects]
        pd.DataFrame(rows).to_csv(folder / "projects.csv", index=False)
        data = {"name": f"case{counter['n']}", "projects": "projects.csv", **scenario}
        (folder / "scenario.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                              encoding="utf-8")
        return kcopt.load_scenario(folder / "scenario.yaml")

    return make


def solve_case(scenario: kcopt.Scenario, solver: str = "highs", **kwargs: Any) -> kcopt.Result:
    projects = kcopt.read_projects(scenario.projects)
    return kcopt.solve(kcopt.build(projects, scenario, **kwargs), solver=solver)


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory):
    """LibreOffice with a fresh profile for this test session (tests skip without soffice)."""
    from spreadsheet import SOFFICE, LibreOffice

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    return LibreOffice(tmp_path_factory.mktemp("lo-profile"))


# Every property test draws the same examples in every run, however the suite is collected
# (a bug one run finds, the next finds too): seeds from each test's own source, no example
# database carried between runs; no deadline (a timing, not a property: an example's first call
# may load a library, and CI runs two suites side by side on two cores). Tests' own
# `settings(...)` inherit this.
settings.register_profile("kcopt", derandomize=True, database=None, print_blob=True,
                          deadline=None)
# mutation runs (benchmarks/mutation.py): stop at the first failing example, no shrinking
settings.register_profile("mutation", parent=settings.get_profile("kcopt"),
                          phases=(Phase.explicit, Phase.generate))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kcopt"))


@pytest.fixture(autouse=True)
def _language_of_the_tests():
    """A `--lang` given to one CLI call (or kcopt.set_language) does not leak into the next
    test: every test starts in KCOPT_LANG's language."""
    yield
    kcopt.set_language(None)
    from kcopt.core.language import set_scenario_language

    set_scenario_language(None)


@pytest.fixture
def vietnamese():
    """Kcopt's notes read in Vietnamese, the language a planner sees by default (the tests'
    own default is English)."""
    from kcopt.core.language import using

    with using("vi"):
        yield


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, through Playwright) for the app's and the report's browser
    tests; skips, with the reason, where either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                   "(pip install -e '.[dev]')")
    from apphelpers import ARGS, CHROMIUM

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _freeze_hypothesis_constants() -> None:
    """Hypothesis (6.13x and later) also draws string and number constants found in the
    project's imported modules, so which test files are collected changed the examples a
    property test draws. The pool is made once, here, from every kcopt module (the app's
    aside), and kept: the same examples however the suite is collected."""
    import importlib
    import pkgutil
    import warnings

    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - an older Hypothesis draws no constants
        return
    if not hasattr(providers, "_get_local_constants"):  # pragma: no cover
        return
    for info in sorted(pkgutil.walk_packages(kcopt.__path__, "kcopt."), key=lambda m: m.name):
        if not info.name.startswith(("kcopt.app", "kcopt.__main__")):
            importlib.import_module(info.name)
    with warnings.catch_warnings():  # reading Hypothesis' constants cache this early is meant
        warnings.simplefilter("ignore")
        frozen = providers._get_local_constants()
    providers._get_local_constants = lambda: frozen


_freeze_hypothesis_constants()
