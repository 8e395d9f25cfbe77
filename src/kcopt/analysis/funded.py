"""The reasons of the projects funded in full, in words: from which fund(s), under which cap
(`kcopt.analysis.report.allocation_table` words every other row). A what-if's table words only
the funded rows whose figures moved since the chain's last table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kcopt.analysis.chained import remember, unchanged
from kcopt.core.words import _, fund_name, get_language, num
from kcopt.rules.caps import describe_cap, describe_caps
from kcopt.rules.rates import FUNDS


def _cap_funds(caps: Any, p: np.ndarray, k: np.ndarray, two: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Per funded project `p` (paid mainly by fund `k`; `two`: both funds pay): the fund whose
    cap binds its total — the larger of its funds' caps (the paying fund's own when they are
    equal) — and whether the other fund's own cap is to be said too (both funds pay and that
    cap is lower). Worked out for every row at once."""
    cap = np.asarray(caps.cap, dtype=float)
    own, other = cap[p, k], cap[p, 1 - k]
    bind = np.where(np.isnan(other) | (own >= other - 1e-9), k, 1 - k)
    held, beside = cap[p, bind], cap[p, 1 - bind]
    return bind, two & ~np.isnan(beside) & (beside < held - 1e-9)


def _cap_words(caps: Any, p: int, bind: int, second: bool, other: float,
               texts: dict[Any, str], lang: str, alone: tuple[str, str]) -> str:
    """The cap of a project funded in full, in words: the cap that binds its total (of fund
    `bind`) and, when `second` (`_cap_funds`), the other fund's own cap too (`alone`: that
    phrase's pattern and the other fund's name)."""
    words = []
    for f in ((bind, 1 - bind) if second else (bind,)):
        key = (p, f, lang, float(other))  # the words depend on the support received elsewhere
        text = texts.get(key)
        if text is None:
            text = texts[key] = describe_cap(caps, p, f, other)
        words.append(text)
    if len(words) == 2 and words[1]:
        words[1] = alone[0].format(fund=alone[1], cap=words[1])
    return "; ".join(w for w in words if w)


def funded_reasons(model, reasons: np.ndarray, money: np.ndarray, funded: np.ndarray,
                   memo: dict[tuple, str] | None = None,
                   kept: dict[str, Any] | None = None) -> None:
    """The reasons of projects funded in full: from which fund(s), under which cap.

    A funded project's reason is a function of its figures (`_funded_figures`), the cap
    table and the language only. `kept`: the chain's last table (`report._chain_tables`); a
    row whose figures are those it had there keeps that table's reason — compared as arrays,
    so a what-if words only the funded rows whose money moved."""
    frame = model.projects
    caps = model.caps
    memo = {} if memo is None else memo
    lang = get_language()
    figures = _funded_figures(frame, money, funded)
    same, last = unchanged(kept, "funded", (lang,), (caps,), funded, figures, len(frame))
    if last is not None:
        reasons[funded[same]] = last[same]
    todo = ~same
    _word_funded(caps, reasons, memo, lang, funded[todo],
                 {k: v[todo] for k, v in figures.items()})
    remember(kept, "funded", (lang,), (caps,), funded, figures, reasons[funded], len(frame))


def _funded_figures(frame: pd.DataFrame, money: np.ndarray,
                    funded: np.ndarray) -> dict[str, np.ndarray]:
    """What a funded project's reason says, per project of `funded`: its main fund, whether
    both pay, the two amounts when both pay (else 0), must-fund, other state support."""
    paid = money[funded]
    both = (paid[:, 0] > 1e-6) & (paid[:, 1] > 1e-6)
    return {"main": (paid[:, 1] > paid[:, 0]).astype(int), "two": both.astype(float),
            "a": np.where(both, paid[:, 0], 0.0), "b": np.where(both, paid[:, 1], 0.0),
            "must": (frame["must_fund"].to_numpy() > 0)[funded].astype(float),
            "other": frame["other_state_support"].fillna(0).to_numpy(float)[funded]}


def _word_caps(caps: Any, p: np.ndarray, f: np.ndarray, other: np.ndarray, lang: str) -> None:
    """The caps of projects `p` from funds `f` worded into the cap table's memo (`caps.words`)
    at once, those not there yet: a column at a time, not a project at a time."""
    texts = caps.words
    keys = [(pi, fi, lang, oi) for pi, fi, oi in zip(p.tolist(), f.tolist(), other.tolist(),
                                                     strict=True)]
    new = [n for n, key in enumerate(keys) if key not in texts]
    if new:
        texts.update(zip([keys[n] for n in new], describe_caps(caps, p[new], f[new], other[new]),
                         strict=True))


def _word_funded(caps: Any, reasons: np.ndarray, memo: dict[tuple, str], lang: str,
                 funded: np.ndarray, figures: dict[str, np.ndarray]) -> None:
    """The reasons of the funded projects `funded` worded (or found in the memo)."""
    cap_texts = caps.words  # funded projects are most of a plan: kept with the cap table
    funded_from = [_("funded in full from {fund} funds").format(fund=fund_name(FUNDS[k]))
                   for k in (0, 1)]
    names = [fund_name(FUNDS[f]) for f in (0, 1)]
    in_full, must_fund = _("funded in full ({funds})"), _("must fund: {reason}")
    said: dict[str, str] = {}  # a reason many rows share, one string (issue 28)
    alone = _("{fund} funds alone — {cap}")
    bind, second = _cap_funds(caps, funded, figures["main"].astype(int),
                              figures["two"].astype(bool))
    _word_caps(caps, funded[~second], bind[~second], figures["other"][~second], lang)
    for p, k, two, a, b, m, o, f, s in zip(funded.tolist(), *(figures[k].tolist() for k in (
            "main", "two", "a", "b", "must", "other")), bind.tolist(), second.tolist(),
            strict=True):
        two, m = bool(two), bool(m)
        key = ("funded", lang, id(caps), p, k, two, a, b, m, o)
        text = memo.get(key)
        if text is None:
            text = (in_full.format(funds=f"{names[0]} {num(a)}, {names[1]} {num(b)}")
                    if two else funded_from[k])
            if m:
                text = must_fund.format(reason=text)
            # one fund's cap, worded before: read here (most rows), else `_cap_words`
            cap_text = None if s else cap_texts.get((p, f, lang, o))
            if cap_text is None:
                cap_text = _cap_words(caps, p, f, s, o, cap_texts, lang, (alone, names[1 - f]))
            text = f"{text}; {cap_text}" if cap_text else text
            text = memo[key] = said.setdefault(text, text)
        reasons[p] = text
