"""Why a project gets nothing, in words: a score of 0, the rows that hold it back (and what its
money would earn against what money earns at the margin), or higher scores elsewhere.

A table words its unfunded projects together (`unfunded_reasons`): the phrase of a set of
holding rows once per table, and the amounts all at once (`kcopt.core.words.sigs`: the language
looked up once, each number written once) — a weight change moves every project's value per
million, so a what-if writes them anew; the few said to more digits, to tell two apart, are kept
per what-if chain by number, digits and language.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kcopt.core.words import _, get_language, num, sig, sigs


def unfunded_reasons(unfunded: np.ndarray, scores: np.ndarray,
                     limiting: dict[int, list[str]], cost: np.ndarray, priced: np.ndarray,
                     memo: dict[Any, str] | None = None) -> list[str]:
    """The reason of each project of `unfunded` (rows of the table), as `unfunded_reason`
    words it. `limiting`: project → the phrases of the rows holding it back; `cost`, `priced`:
    per project, the objective value of its money and what that money earns at the margin.
    `memo`: the what-if chain's memo (`kcopt.analysis.report.reason_memo`), where the amounts
    said to more than 3 digits are kept by (number, digits, language)."""
    w = unfunded_words()
    said: dict[Any, str] = {}  # this table's phrases, by the list of phrases (shared)
    value = (cost[unfunded] * 1000).tolist()
    worth = (priced[unfunded] * 1000).tolist()
    zero = (scores[unfunded] <= 0).tolist()
    out = []
    compared: list[tuple[int, float, float]] = []  # (row of `out`, value, worth)
    for p, z, v, wv in zip(unfunded.tolist(), zero, value, worth, strict=True):
        held = limiting.get(p)
        if z or held is None:
            out.append(w["zero"] if z else w["higher"])
            continue
        why = said.get(id(held))
        if why is None:
            why = said[id(held)] = w["held"].format(why=w["and"].join(held))
        if math.isfinite(wv) and wv > v * (1 + 1e-6):
            compared.append((len(out), v, wv))
        out.append(why)
    _compare(out, compared, w, memo)
    return out


def _compare(out: list[str], compared: list[tuple[int, float, float]], w: dict[str, str],
             memo: dict[Any, str] | None) -> None:
    """The amounts of the reasons `compared` names (row, value, worth), to 3 significant
    digits, all written together (`sigs`), added to their rows' words; more digits where 3
    say the same."""
    if not compared:
        return
    lang = get_language()
    amounts: dict[Any, str] = {} if memo is None else memo
    k = len(compared)
    texts = sigs([v for _at, v, _w in compared] + [wv for _at, _v, wv in compared], 3)
    compare, thousand = w["compare"], w["thousand"]
    for i, (at, v, wv) in enumerate(compared):
        sv, sw = texts[i], texts[k + i]
        if sv == sw:
            sv, sw = said_apart(v, wv, lang, amounts)
        out[at] += compare.format(value=sv, thousand=thousand, worth=sw)


def unfunded_reason(score: float, limiting: list[str] | None, cost: float,
                    priced: float) -> str:
    """Why one project gets nothing: a score of 0, the rows that hold it back (and what its
    money would earn against what money earns at the margin), or higher scores elsewhere."""
    return unfunded_reasons(np.array([0]), np.array([score]),
                            {} if limiting is None else {0: limiting},
                            np.array([cost], dtype=float), np.array([priced], dtype=float))[0]


def said_apart(value: float, worth: float, lang: str | None = None,
               amounts: dict[Any, str] | None = None) -> tuple[str, str]:
    """Two amounts to significant digits enough for them to read different: 3, or more when
    '1,68 below 1,68' would say a thing the reader cannot see. `amounts`: the amounts already
    written, by (number, digits, language)."""
    lang = get_language() if lang is None else lang
    amounts = {} if amounts is None else amounts
    digits = 3
    while True:
        said = (_said(value, digits, lang, amounts), _said(worth, digits, lang, amounts))
        if digits >= 9 or said[0] != said[1]:
            return said
        digits += 1


def _said(x: float, digits: int, lang: str, amounts: dict[Any, str]) -> str:
    key = ("sig", x, digits, lang)
    text = amounts.get(key)
    if text is None:
        text = amounts[key] = sig(x, digits)
    return text


def unfunded_words() -> dict[str, str]:
    """The phrases of an unfunded project's reason, in the language in use."""
    return {"zero": _("score 0 under the scenario's priority weights"),
            "higher": _("not funded: other projects score higher per million"),
            "compare": _("; it would earn {value} points per {thousand} million, below the "
                         "{worth} that money earns at the margin"),
            "thousand": num(1000), "held": _("not funded: {why}"), "and": _(" and ")}
