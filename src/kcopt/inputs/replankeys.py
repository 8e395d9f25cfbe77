"""The scenario keys of a re-plan (issue 25, docs/replan.md): `approved:` and `budget_change:`,
each checked with its key path, the value received and the fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from kcopt.core.errors import UsageError
from kcopt.core.geo import load_geography
from kcopt.core.text import fold
from kcopt.core.words import _
from kcopt.inputs.approved import (
    DEFAULT_TOLERANCE,
    KEEPS,
    Approved,
    BudgetChange,
    Change,
    change_fix,
    parse_change,
    plan_file,
    read_approved_plan,
)
from kcopt.inputs.keys import KeyChecks


class ReplanKeys(KeyChecks):
    """`approved:` and `budget_change:` read from a scenario's mapping."""

    def approved(self, spec: object) -> Approved | None:
        """`approved: {plan, keep, lock, tolerance, fewest_changes}`; the plan's hash kept."""
        if spec is None:
            return None
        d = self.mapping("approved", spec,
                         "Write approved: {plan: out/2026/allocation.csv, keep: prefer}")
        if not d:
            return None
        plan = d.get("plan")
        if not isinstance(plan, str) or not plan.strip():
            self.err("approved.plan", _("the approved plan is missing"), plan,
                     _("Write plan: <output folder, allocation.csv, allocation.xlsx or "
                       "annex.xlsx> (relative to the scenario file)"))
            return None
        file = plan_file(Path(plan))
        data = kept = None
        if not file.is_file():
            self.err("approved.plan", _("approved plan not found"), plan,
                     _("Give an output folder of `kcopt solve`, its allocation.csv or "
                       "allocation.xlsx, its annex.xlsx or your --into copy"))
        else:
            data, read, kept = read_approved_plan(file)  # parsed by the re-plan: read once
            self.hashes.update({str(path): digest for path, digest in read.items()})
        keep = d.get("keep", "prefer")
        if keep not in KEEPS:
            self.err("approved.keep", _("unknown way to keep the approved plan"), keep,
                     _("Use prefer (change as little as possible) or fixed (every approved "
                       "amount stays)"))
            keep = "prefer"
        lock = d.get("lock") or []
        if not isinstance(lock, list):
            self.err("approved.lock", _("must be a list of project ids"), lock,
                     _("Write lock: [P-0012, P-0040]"))
            lock = []
        tol = self.number("approved.tolerance", d.get("tolerance", DEFAULT_TOLERANCE), 0, 0.5)
        fewest, carry = (self._flag(d, key) for key in ("fewest_changes", "carry_over"))
        through = d.get("executed_through")
        if through is not None and (isinstance(through, bool) or not isinstance(through, int)):
            self.err("approved.executed_through", _("must be a plan year"), through,
                     _("Write executed_through: 2026 (the years up to it are executed)"))
            through = None
        return Approved(Path(plan), keep, tuple(str(v).strip() for v in lock),
                        DEFAULT_TOLERANCE if tol is None else tol, fewest, through, carry,
                        (file, data) if data is not None else None, kept)

    def _flag(self, d: dict[str, Any], key: str) -> bool:
        """`approved.<key>`: true or false (false, said, when it is neither)."""
        value = d.get(key, False)
        if not isinstance(value, bool):
            self.err(f"approved.{key}", _("must be true or false"), value)
            return False
        return value

    def budget_change(self, spec: object, scale: float) -> BudgetChange:
        """`budget_change: {central: -5%, local: -10%, provinces: {Hà Nội: +200}}`, amounts in
        the scenario's units."""
        d = self.mapping("budget_change", spec,
                         "Write budget_change: {central: -5%, local: -10%}")
        central = self._change("budget_change.central", d.get("central"), scale)
        local = self._change("budget_change.local", d.get("local"), scale, share_only=True)
        provinces: dict[str, Change] = {}
        for raw, name, value in self.provinces(
                "budget_change.provinces", self.mapping(
                    "budget_change.provinces", d.get("provinces"),
                    _('Write provinces: {"Ha Noi": +200, "Hue": -5%}'))):
            c = self._change(f"budget_change.provinces.{raw}", value, scale)
            if c is not None and name is not None:
                provinces[name] = c
        return BudgetChange(central, local, provinces)

    def _change(self, key: str, value: object, scale: float,
                share_only: bool = False) -> Change | None:
        if value is None:
            return None
        c = parse_change(value)
        if c is None:
            self.err(key, _("not a budget change"), value, change_fix())
            return None
        if share_only and c.share is None:
            self.err(key, _("a change of every province's local budget must be a percentage"),
                     value, _("Write e.g. local: -10%, or give amounts per province under "
                              "provinces: {\"Ha Noi\": +200}"))
            return None
        if c.share is not None and c.share < -1:
            self.err(key, _("a cut of more than 100%"), value, change_fix())
            return None
        return c if c.amount is None else replace(c, amount=c.amount * scale)


def budget_option(text: str) -> tuple[str, Change]:
    """One `--budget FUND=CHANGE` option: ("central" | "local" | a province as written, its
    change); a `UsageError` naming the option when it does not read."""
    fund, sep, value = text.partition("=")
    c = parse_change(value) if sep else None
    if not sep or not fund.strip():
        raise UsageError(_("--budget takes FUND=CHANGE"), repr(text),
                         _("Write e.g. --budget central=-5% --budget local=-10% --budget "
                           "\"Ha Noi=+200\""))
    if c is None:
        raise UsageError(_("--budget {fund}: not a budget change").format(fund=fund.strip()),
                         repr(value), change_fix())
    return fund.strip(), c


FUND_WORDS = {"central": "central", "kcqg": "central", "trung uong": "central",
              "local": "local", "kcdp": "local", "dia phuong": "local"}


def budget_options(options: list[str]) -> BudgetChange:
    """`--budget central=-5% --budget local=-10% --budget "Hà Nội=+200"` as one change (the
    funds also as KCQG / KCĐP)."""
    geo = load_geography()
    central = local = None
    provinces: dict[str, Change] = {}
    for text in options:
        fund, change = budget_option(text)
        fund = FUND_WORDS.get(fold(fund), fund)
        if fund == "local" and change.share is None:
            raise UsageError(_("--budget local: a change of every province's local budget "
                               "must be a percentage"), repr(text),
                             _("Write e.g. --budget local=-10%, or per province: --budget "
                               "\"Ha Noi=+200\""))
        if fund == "central":
            central = change
        elif fund == "local":
            local = change
        else:
            name = geo.resolve(fund).name
            if name is None:
                hint = geo.suggest(fund)
                raise UsageError(_("--budget: '{fund}' is neither central, local nor a "
                                   "province").format(fund=fund), repr(text),
                                 _("Did you mean {names}?").format(names=" or ".join(hint))
                                 if hint else _("Use central, local or one of the 34 "
                                                "provinces and cities"))
            provinces[name] = change
    return BudgetChange(central, local, provinces)
