"""Checking a scenario's keys and values (`scenario`, `rule_options`): every problem recorded
with its key path, the value received and the fix, and reported all at once."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from kcopt.core.errors import Problem
from kcopt.core.geo import load_geography
from kcopt.core.words import _


class KeyChecks:
    """Checking a scenario's keys and values: every problem is recorded with its key path, the
    value received and the fix, and reported all at once (`rule_options` checks through the
    same methods)."""

    def __init__(self, path: Path, data: dict[str, Any], hashes: dict[str, str],
                 lines: dict[str, int] | None = None):
        self.path, self.data, self.hashes = path, data, hashes
        self.lines = lines or {}  # key path → its line in the scenario file
        self.file = str(path)
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.geo = load_geography()

    def err(self, key: str, message: str, value: object = None, fix: str = "") -> None:
        self.errors.append(Problem(self.file, message, fix, row=self.line(key), column=key,
                                   value=value, column_label="key"))

    def line(self, key: str) -> int | None:
        """The line of a key path in the scenario file (or of the nearest key above it)."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:max(key.rfind("."), key.rfind("["), 0)]
        return None

    def number(self, key: str, value: object, lo: float | None = None,
               hi: float | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.err(key, "must be a number", value, "Write a plain number, e.g. 105000")
            return None
        if not math.isfinite(value):
            self.err(key, "phải là một số hữu hạn (không nhận NaN, vô cực hay số vượt khả năng "
                     "biểu diễn như 1e400)", value, "Viết một số thường, ví dụ 105000")
            return None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self.err(key, (_("must be between {lo} and {hi}") if hi is not None else
                           _("must be at least {lo}")).format(lo=lo, hi=hi), value)
            return None
        return float(value)

    def mapping(self, key: str, value: object, fix: str = "") -> dict:
        """`value` if it is a mapping (or absent); otherwise an error and an empty mapping."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.err(key, "must be a mapping of key: value lines", value,
                     fix or f"Write {key}: {{…: …}} or one 'key: value' per indented line")
            return {}
        return value

    def sequence(self, key: str, value: object) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.err(key, "must be a list", value,
                     _("Write {key}: as lines starting with '- '").format(key=key))
            return []
        return value

    def province(self, key: str, value: object) -> str | None:
        res = self.geo.resolve(value)
        if res.name is None:
            self.err(key, "unknown province", value, self.geo.hint(value))
        elif res.note:
            self.warnings.append(Problem(self.file, res.note, column=key, severity="warning"))
        return res.name

    def provinces(self, key: str, mapping: dict) -> list[tuple[object, str | None, object]]:
        """(key as written, province, value) of a province-keyed mapping. Two keys naming one
        province (a merged province and an old one merged into it, or two spellings) are an
        error naming both: the file would otherwise keep one value silently."""
        out: list[tuple[object, str | None, object]] = []
        first: dict[str, tuple[object, object]] = {}
        for raw, value in mapping.items():
            name = self.province(f"{key}.{raw}", raw)
            if name is not None and name in first:
                raw0, value0 = first[name]
                self.err(f"{key}.{raw}", _(
                    "'{first}' and '{second}' both name {name} (the administrative unit since "
                    "1/7/2025, which absorbed the former provinces); write each province or city "
                    "once").format(first=f"{raw0}: {value0}", second=f"{raw}: {value}",
                                   name=name), None,
                    _("Merge them into one line '{name}: …' for the new province or city").format(
                        name=name))
                continue
            if name is not None:
                first[name] = (raw, value)
            out.append((raw, name, value))
        return out

    def check_keys(self, where: str, mapping: dict[str, Any], known: tuple[str, ...]) -> None:
        for k in mapping:
            if k not in known and k != "__file__":
                self.err(f"{where}{k}", "unknown key", k,
                         (_("Known keys under {where}: {keys}") if where else
                          _("Known keys: {keys}")).format(where=where.rstrip("."),
                                                          keys=", ".join(known)))
