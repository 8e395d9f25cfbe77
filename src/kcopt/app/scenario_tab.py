"""The app's "Scenario" tab: the editor of budgets, objective, co-financing, priority weights,
policy targets and rate overrides, and the table of support rates in force. Widgets only."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kcopt.app import engine
from kcopt.app.numbers import (
    SHARE_STEPS,
    WEIGHT_STEPS,
    amount_input,
    number_slider,
    percent_text,
    weight_text,
)
from kcopt.app.tables import EMPTY, money, plain, rules_view, styled
from kcopt.core.parse import parse_number_text
from kcopt.core.vocabulary import CRITERIA_LABELS, DEFAULT_WEIGHTS, PRIORITY_FLAGS
from kcopt.core.words import N_, _

PLAN_NAME = N_("Industrial-promotion plan")
DEFAULT_DATA: dict[str, Any] = {
    "name": PLAN_NAME,  # in the session's language when it starts
    "budgets": {"central": 105000.0},
    "objective": "total_score",
    "weights": dict(DEFAULT_WEIGHTS),
    "targets": [],
    "cofinancing": {"local_match_min": 0.0},
    "rate_overrides": [],
}
EDITED = ("name", "budgets", "objective", "weights", "targets", "cofinancing", "rate_overrides")
# the app's own words for the criteria and the objectives (codes → messages)
WEIGHT_NAMES = {"appraisal": N_("Appraisal score"), "green": N_("Cleaner production"),
                "circular": N_("Circular economy"), "digital": N_("Digital transformation"),
                "regional_advantage": N_("Regional advantage"),
                "typical_product": N_("Typical rural product"),
                "disadvantaged_area": N_("Disadvantaged area"),
                "women_or_ethnic_owned": N_("Women or ethnic-minority owners"),
                **{k: CRITERIA_LABELS[k][1] for k in PRIORITY_FLAGS}}
OBJECTIVES = {"total_score": N_("Total score (a partly funded project counts pro rata)"),
              "weighted_funds": N_("Score-weighted funds (highest scores first)")}
LIST_KEYS = ("of", "category")
# the targets' and rate overrides' columns (scenario keys) as the editors head them
COLUMN_WORDS = {"name": N_("Name"), "kind": N_("Kind"), "of": N_("Of (flags)"),
                "category": N_("Content type"), "region": N_("Region"),
                "province": N_("Province/city"), "fund": N_("Fund"), "share": N_("Share 0–1"),
                "amount": N_("Amount (million VND)"), "label": N_("Label"),
                "rate": N_("Support rate 0–1"), "cap": N_("Cap (million VND)"),
                "basis": N_("Legal basis"), "year": N_("Year"), "count": N_("Count")}
NUMBER_KEYS = ("share", "amount", "rate", "cap", "year", "count")


def scenario_section(s: Any) -> dict[str, Any]:
    """The scenario editor; returns the scenario data the widgets describe."""
    base, g = s.base, s.gen
    data: dict[str, Any] = {k: v for k, v in base.items() if k not in EDITED}
    data["name"] = st.text_input(_("Scenario name"), base.get("name", ""),
                                 key=f"name_{g}")
    budgets = dict(base.get("budgets", {}))
    c1, c2 = st.columns(2)
    with c1:
        central_budget_input(budgets, g)
        data["objective"] = objective_choice(base, g)
        data["cofinancing"] = cofinancing_slider(base, g)
    with c2:
        local_budget_table(budgets, g)
    data["budgets"] = budgets
    data["weights"] = weights_editor(base, g)
    st.subheader(_("Policy targets"))
    st.caption(_("kind: share_min, share_max, region_min, province_max; of: green, circular, "
                 "digital (comma-separated); share 0–1 or amount (million VND)."))
    data["targets"] = edit_rows(base.get("targets", []), target_columns(), f"targets_{g}")
    with st.expander(_("Rate overrides")):
        data["rate_overrides"] = edit_rows(base.get("rate_overrides", []),
                                           list(engine.OVERRIDE_COLUMNS), f"overrides_{g}")
    return data


def central_budget_input(budgets: dict[str, Any], g: int) -> None:
    """The national budget, typed as the language writes it (a multi-year plan's budgets are
    only shown)."""
    central = budgets.get("central", 0.0)
    if isinstance(central, dict):
        st.caption(_("National industrial-promotion budget (million VND)") + ": " + "; ".join(
            f"{year}: {money(v)}" for year, v in central.items()))
    else:
        budgets["central"] = amount_input(
            _("National industrial-promotion budget (million VND)"), float(central or 0.0),
            key=f"central_{g}")


def objective_choice(base: dict[str, Any], g: int) -> Any:
    """The objective's code, chosen by its words."""
    # words chosen now: Streamlit may call format_func outside this rerun's language
    shown = {code: _(text) for code, text in OBJECTIVES.items()}
    return st.radio(_("Objective"), list(shown),
                    index=0 if base.get("objective", "total_score") == "total_score" else 1,
                    format_func=shown.__getitem__, key=f"objective_{g}")


def cofinancing_slider(base: dict[str, Any], g: int) -> dict[str, float]:
    """The minimum local co-financing, as a share of the support."""
    match = float(base.get("cofinancing", {}).get("local_match_min", 0.0))
    return {"local_match_min": number_slider(
        _("Minimum local co-financing (share of support)"), match, SHARE_STEPS, percent_text,
        key=f"match_{g}")}


def local_budget_table(budgets: dict[str, Any], g: int) -> None:
    """Each province's local budget in an editable table (a multi-year plan's come from its
    file)."""
    local = budgets.get("local")
    if not (isinstance(local, dict) or local is None):
        st.info(_("Multi-year plan: local budgets come from the uploaded file."))
        return
    # start-up: the app loads what a step needs when the step runs
    from kcopt.core.geo import load_geography

    provinces = list(load_geography().provinces)
    # amounts as the language writes them (8.020, 1.234,5), read back as typed: a number
    # column would show 8,020 whatever the language (see app/tables)
    frame = pd.DataFrame({"province": provinces,
                          "budget": [money((local or {}).get(p, 0.0)) for p in provinces]})
    st.caption(_("Local budgets by province (million VND)"))
    edited = st.data_editor(frame, hide_index=True, disabled=["province"],
                            key=f"local_{g}", height=300, placeholder=EMPTY, column_config={
                                "province": st.column_config.TextColumn(_("Province/city")),
                                "budget": st.column_config.TextColumn(
                                    _("Budget (million VND)"))})
    amounts, unread = read_amounts(edited["province"].tolist(), edited["budget"].tolist())
    if unread:
        st.warning(_("Not a budget in million VND, kept as before: {cells}").format(
            cells="; ".join(f"{p}: '{v}'" for p, v in unread)))
        amounts.update({p: float((local or {}).get(p, 0.0)) for p, _v in unread})
    budgets["local"] = {p: v for p, v in amounts.items() if v}


def read_amounts(provinces: list[Any], cells: list[Any]) -> tuple[dict[str, float],
                                                                  list[tuple[str, str]]]:
    """The edited budgets as numbers (Vietnamese or English style, blank = 0), and the
    cells that are none (negative amounts included)."""
    amounts, unread = {}, []
    for p, v in zip(provinces, cells, strict=True):
        text = "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()
        value = parse_number_text(text, thousands=True) if text else 0.0
        if value is None or value < 0:
            unread.append((str(p), text))
        else:
            amounts[str(p)] = value
    return amounts, unread


def weights_editor(base: dict[str, Any], g: int) -> dict[str, Any]:
    """A slider per criterion and the normalised weights the model uses; returns the weights
    to save (a weight with a committee name keeps it)."""
    st.subheader(_("Priority weights"))
    st.caption(_("Weights are normalised to sum 1; the right column is what the model uses."))
    raw = dict(base.get("weights", DEFAULT_DATA["weights"]))
    # a weight may carry its committee name: {weight: 0.15, label: "…"}
    labels = {k: str(v.get("label")) for k, v in raw.items()
              if isinstance(v, dict) and v.get("label")}
    raw = {k: (v.get("weight", 0.0) if isinstance(v, dict) else v) for k, v in raw.items()}
    weights = {}
    cols = st.columns(2)
    for i, k in enumerate(engine.WEIGHT_KEYS):
        with cols[i % 2]:
            weights[k] = number_slider(labels.get(k) or _(WEIGHT_NAMES[k]),
                                       float(raw.get(k) or 0.0), WEIGHT_STEPS, weight_text,
                                       key=f"w_{k}_{g}")
    total = sum(weights.values())
    norm = {k: (v / total if total else 0.0) for k, v in weights.items()}
    shown = pd.DataFrame({_("Priority weights"): [labels.get(k) or _(WEIGHT_NAMES[k])
                                                 for k in norm],
                          _("normalised"): [round(v, 3) for v in norm.values()]})
    st.dataframe(styled(shown, {_("normalised"): plain}), hide_index=True, key="normalised",
                 placeholder=EMPTY)
    return {k: ({"weight": v, "label": labels[k]} if k in labels else v)
            for k, v in weights.items() if v > 0 or k in raw}


def target_columns() -> list[str]:
    """The columns of the targets table: the app's order, the keys a target may have."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.inputs.targets import TARGET_KEYS

    return [c for c in engine.TARGET_COLUMNS if c in TARGET_KEYS]


def edit_rows(rows: list[dict[str, Any]], columns: list[str], key: str) -> list[dict[str, Any]]:
    """A list of mappings as an editable table (lists as comma-separated text)."""
    def cell(v: Any) -> Any:
        if isinstance(v, list | tuple):
            return ", ".join(map(str, v))
        return v

    frame = pd.DataFrame([{c: cell(r.get(c)) for c in columns} for r in rows], columns=columns)
    for c in columns:  # numbers as the language writes them, read back as typed
        frame[c] = [plain(v) if c in NUMBER_KEYS else v for v in frame[c].tolist()]
        frame[c] = frame[c].astype(object)
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key=key,
                            width="stretch", placeholder=EMPTY, column_config={
                                c: st.column_config.TextColumn(_(COLUMN_WORDS[c]))
                                for c in columns if c in COLUMN_WORDS})
    rows_out = (edited_row(rec) for rec in edited.to_dict("records"))
    return [row for row in rows_out if row]


def edited_row(rec: dict[Any, Any]) -> dict[str, Any]:
    """One edited table row as a mapping: blanks left out, numbers, lists split at commas."""
    row: dict[str, Any] = {}
    for c, v in ((str(k), v) for k, v in rec.items()):
        if v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == "":
            continue
        if c in NUMBER_KEYS:
            number = parse_number_text(str(v), thousands=c in ("amount", "cap"))
            if number is None:  # kept as typed: the scenario's check names the cell
                row[c] = str(v).strip()
            else:
                row[c] = int(number) if c in ("year", "count") else number
        elif (c in LIST_KEYS and "," in str(v)) or c == "of":
            row[c] = [p.strip() for p in str(v).split(",") if p.strip()]
        else:
            row[c] = str(v).strip()
    return row


def rules_section(sc: Any) -> None:
    """The support rates in force, national or for one province's resolution."""
    # start-up: the app loads what a step needs when the step runs
    from kcopt.core.geo import load_geography
    from kcopt.rules.rates import load_rules

    with st.expander(_("Support rates in force")):
        options = ["", *load_geography().provinces]
        national = _("National")
        prov = st.selectbox(_("Province (provincial resolution)"), options,
                            placeholder=_("Choose one"),
                            format_func=lambda p: p or national, key="rules_prov")
        rules = load_rules().with_overrides(list(sc.rate_overrides))
        st.dataframe(rules_view(rules, rules.table(prov or None)), hide_index=True,
                     placeholder=EMPTY)
