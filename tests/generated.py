"""A generated national-style instance, as benchmarks/run.py makes them: for tests whose case
shows only at a national plan's size."""

from __future__ import annotations

from pathlib import Path

import yaml

import kcopt
from kcopt.inputs.synth import generate_local_budgets, generate_projects


def generated(folder: Path, n: int) -> Path:
    """The scenario of a generated instance of `n` projects in `folder`: the demo's scenario
    with the projects and local budgets generated, and a central budget scaled to them."""
    folder.mkdir(parents=True, exist_ok=True)
    generate_projects(n, 2026, vietnamese=False, old_names=0).to_csv(
        folder / "projects.csv", index=False)
    generate_local_budgets(2026, scale=n / 800).to_csv(folder / "local-budgets.csv", index=False)
    demo = kcopt.demo_scenario_path()
    scenario = yaml.safe_load(demo.read_text(encoding="utf-8"))
    scenario.update({"projects": "projects.csv",
                     "budgets": {"central": round(105000 * 0.75 * n / 800),
                                 "local": "local-budgets.csv"}})
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario, allow_unicode=True),
                                          encoding="utf-8")
    return folder / "scenario.yaml"
