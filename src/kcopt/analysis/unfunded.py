"""Why a project gets nothing, in words: a score of 0, the rows that hold it back (and what its
money would earn against what money earns at the margin), or higher scores elsewhere.

A table words its unfunded projects together (`unfunded_reasons`): the phrase of a set of
holding rows once per table, and the amounts all at once (`kcopt.core.words.sigs`: the language
looked up once, each number written once) — a weight change moves every project's value per
million, so a what-if writes them anew; the few said to more digits, to tell two apart, are kept
per what-if chain by number, digits and language.
"""

from __future__ import annotations

import string
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
    rows = unfunded.tolist()
    held = list(map(limiting.get, rows))
    # this table's phrases, by the list of phrases (shared by the projects a group holds)
    lists = {id(h): h for h in held if h is not None}
    said = {k: w["held"].format(why=w["and"].join(h)) for k, h in lists.items()}
    zero = scores[unfunded] <= 0
    zeros = zero.tolist()
    out = np.array([w["zero"] if z else w["higher"] if h is None else said[id(h)]
                    for z, h in zip(zeros, held, strict=True)], dtype=object)
    value, worth = cost[unfunded] * 1000, priced[unfunded] * 1000
    # a held project earning less than money earns at the margin: both amounts said
    with np.errstate(invalid="ignore"):
        told = ~zero & np.fromiter((h is not None for h in held), dtype=bool, count=len(held)) & \
            np.isfinite(worth) & (worth > value * (1 + 1e-6))
    _compare(out, np.flatnonzero(told), value, worth, w, memo)
    return out.tolist()


def _compare(out: np.ndarray, at: np.ndarray, value: np.ndarray, worth: np.ndarray,
             w: dict[str, str], memo: dict[Any, str] | None) -> None:
    """The amounts of the reasons of rows `at` (value, worth), to 3 significant digits, all
    written together (`sigs`), added to their rows' words; more digits where 3 say the
    same."""
    if not len(at):
        return
    lang = get_language()
    amounts: dict[Any, str] = {} if memo is None else memo
    values, worths = value[at].tolist(), worth[at].tolist()
    k = len(values)
    texts = sigs(values + worths, 3)
    said_v, said_w = texts[:k], texts[k:]
    same = np.array(said_v, dtype=object) == np.array(said_w, dtype=object)
    for i in np.flatnonzero(same).tolist():
        said_v[i], said_w[i] = said_apart(values[i], worths[i], lang, amounts)
    fill = _template(w["compare"], w["thousand"])
    out[at] = fill(out[at].tolist(), said_v, said_w)


def _template(compare: str, thousand: str) -> Any:
    """`compare.format(value=…, thousand=thousand, worth=…)` added to each of a list of
    words, as a function of the words and the two lists of amounts; its words cut once around
    them (a table fills it ~1,500 times)."""
    pieces = list(string.Formatter().parse(compare))
    fields = [f for _text, f, _spec, _conv in pieces if f is not None]
    plain = all(not spec and not conv for _text, f, spec, conv in pieces if f is not None)
    if not plain or sorted(fields) != ["thousand", "value", "worth"]:
        return lambda ps, vs, ws: [p + compare.format(value=v, thousand=thousand, worth=wv)
                                   for p, v, wv in zip(ps, vs, ws, strict=True)]
    cut = [""]  # the words between the amounts, `thousand` written in
    order = []
    for text, f, _spec, _conv in pieces:
        cut[-1] += text
        if f == "thousand":
            cut[-1] += thousand
        elif f is not None:
            order.append(f)
            cut.append("")
    a, b, c = cut
    if order == ["value", "worth"]:
        return lambda ps, vs, ws: [f"{p}{a}{v}{b}{wv}{c}" for p, v, wv in zip(ps, vs, ws,
                                                                             strict=True)]
    return lambda ps, vs, ws: [f"{p}{a}{wv}{b}{v}{c}" for p, v, wv in zip(ps, vs, ws,
                                                                         strict=True)]


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
