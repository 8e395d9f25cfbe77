"""The content types as plans word them (`data/content_vocabulary.yaml`): which type a section
title or a content cell names, how sure that is, and the nearest types of a text that names
none.

A text holding a phrase in the regulation's wording (a type's `names`, or its code and names in
the rule set) names that type for sure, the longest phrase winning. A text in a province's own
words ("HỖ TRỢ MÁY MÓC KỸ THUẬT TRONG SẢN XUẤT CÔNG NGHIỆP") is read by its keywords (`words`,
weighted): the type whose words weigh most, if they weigh at least `GUESS_WEIGHT` and more than
any other type's. That reading is a guess, and the reader reports it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from kcopt.core.text import fold
from kcopt.core.vocabulary import data_yaml
from kcopt.rules.rates import load_rules

GUESS_WEIGHT = 3.0
# abbreviations the rule set's names use, spelled out to compare them with a title
_SPELLED = {"cnnt": "cong nghiep nong thon", "ccn": "cum cong nghiep", "kc": "khuyen cong",
            "tttn": "tieu thu cong nghiep"}
_FILLER = {"ho", "tro", "va", "cho", "cac", "trong", "ve", "tai", "o", "cua", "de"}  # "hỗ trợ …"


@dataclass(frozen=True)
class ContentMatch:
    """The content type a text names: `sure` when a phrase of the regulation is in it, else a
    guess from the `words` found in it."""

    code: str
    sure: bool
    words: tuple[str, ...]  # the phrase, or the keywords, that decided it


@dataclass(frozen=True)
class _Vocabulary:
    names: dict[str, str]  # folded phrase → code
    words: dict[str, dict[str, float]]  # code → folded keyword → weight
    shown: dict[str, str]  # folded phrase or keyword → as the data file writes it


@cache
def vocabulary() -> _Vocabulary:
    """The data file and the rule set's names of every content type, folded."""
    data = data_yaml("content_vocabulary.yaml") or {}
    names: dict[str, str] = {}
    shown: dict[str, str] = {}
    for rule in load_rules().rules.values():
        for name in (rule.category, rule.name_vi, rule.name_en):
            names.setdefault(fold(name), rule.category)
            shown.setdefault(fold(name), name)
    words: dict[str, dict[str, float]] = {}
    for code, entry in data.items():
        for phrase in entry.get("names", []):
            names[fold(phrase)] = code
            shown[fold(phrase)] = phrase
        words[code] = {}
        for word, weight in (entry.get("words") or {}).items():
            words[code][fold(word)] = float(weight)
            shown.setdefault(fold(word), word)
    return _Vocabulary(names, words, shown)


def _scores(key: str) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Per type, the weight of its keywords in the folded text `key` (with a space each side)
    and the keywords found; a keyword inside a longer one found is not counted again."""
    out: dict[str, tuple[float, tuple[str, ...]]] = {}
    for code, words in vocabulary().words.items():
        found = [w for w in words if f" {w} " in key]
        found = [w for w in found if not any(w != o and f" {w} " in f" {o} " for o in found)]
        if found:
            out[code] = (sum(words[w] for w in found), tuple(found))
    return out


def match_content(text: str) -> ContentMatch | None:
    """The content type `text` names, for sure or as a guess; None when it names none.

    >>> match_content("I. Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ")
    ContentMatch(code='machinery', sure=True, words=('Ứng dụng máy móc thiết bị tiên tiến',))
    >>> m = match_content("HỖ TRỢ MÁY MÓC KỸ THUẬT TRONG SẢN XUẤT CÔNG NGHIỆP")
    >>> m.code, m.sure
    ('machinery', False)
    >>> match_content("PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN") is None
    True
    """
    key = f" {fold(text)} "
    found = [(len(p), p, code) for p, code in vocabulary().names.items() if f" {p} " in key]
    if found:
        _n, phrase, code = max(found)
        return ContentMatch(code, True, (vocabulary().shown[phrase],))
    ranked = sorted(_scores(key).items(), key=lambda kv: -kv[1][0])
    if not ranked or ranked[0][1][0] < GUESS_WEIGHT:
        return None
    if len(ranked) > 1 and ranked[1][1][0] >= ranked[0][1][0]:
        return None  # two types weigh the same: no guess
    code, (_w, words) = ranked[0]
    return ContentMatch(code, False, tuple(vocabulary().shown[w] for w in words))


def match_section(text: str) -> str | None:
    """The content type a section title names, for sure or as a guess.

    >>> match_section("Tập huấn khuyến công"), match_section("Nuôi cá lồng") is None
    ('management_capacity', True)
    """
    m = match_content(text)
    return m.code if m else None


def nearest_sections(text: str, n: int = 3) -> list[str]:
    """The content types closest to a text that names none, as 'code (tên)': first by the
    weight of their keywords in it, then by how alike their phrases are."""
    rules = load_rules().rules
    key = _spelled(fold(text))
    weight = {c: w for c, (w, _f) in _scores(f" {key} ").items()}
    best: dict[str, float] = {}
    for folded, code in vocabulary().names.items():
        phrase = _spelled(folded)
        ratio = difflib.SequenceMatcher(None, key, phrase).ratio()
        words, said = set(phrase.split()), set(key.split())
        overlap = len(words & said) / max(len(words), 1) + len(words & said) / max(len(said), 1)
        best[code] = max(best.get(code, 0.0), ratio + overlap)
    ranked = sorted(best, key=lambda c: (-weight.get(c, 0.0), -best[c]))
    return [f"{c} ({rules[c].named()})" for c in ranked if c in rules][:n]


def _spelled(key: str) -> str:
    return " ".join(_SPELLED.get(w, w) for w in key.split() if w not in _FILLER)


def section_synonyms() -> dict[str, str]:
    """Folded phrase → content-type code: every phrase that names a type for sure."""
    return dict(vocabulary().names)
