"""Regenerate the demo's project list and local budgets (seeded; same files every time).

    python scenarios/demo/generate.py
"""

from pathlib import Path

from kcopt.inputs.synth import write_demo

if __name__ == "__main__":
    write_demo(Path(__file__).parent, n=800, seed=2026)
