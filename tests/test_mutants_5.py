"""Tests that kill the survivors of the mutation run over the annex writer and the form readers
(`python benchmarks/mutation.py --set documents --sample 40 --seed 2026`), each written as the
behaviour a planner relies on, with hand-worked expectations; openpyxl only (no LibreOffice)."""

from __future__ import annotations
