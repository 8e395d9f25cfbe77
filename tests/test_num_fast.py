"""`num` writes numbers itself rather than through Babel each time (a national plan's reasons
hold tens of thousands of them); it must give exactly what Babel gives."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal

from kcopt.core import words
from kcopt.core.language import using


def _values() -> list[tuple[float, int]]:
    rng = random.Random(2026)
    out = [(v, d) for d in range(5) for v in (0, 0.5, -0.5, 0.004, -0.004, 999.5, 1000, 1e14,
                                              -1e14, 1234.5678, 105000, 2.5, 3.5, 0.125)]
    for _ in range(20000):
        kind = rng.randrange(4)
        v = (rng.uniform(-1e6, 1e6) if kind == 0 else rng.uniform(0, 100) if kind == 1
             else rng.randint(-10**12, 10**12) / rng.choice([1, 8, 10, 100, 1000]) if kind == 2
             else round(rng.uniform(0, 1e7), rng.randrange(5)))
        out.append((v, rng.randrange(5)))
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_num_is_what_babel_writes(lang: str) -> None:
    assert words._symbols(lang) is not None  # the direct path is taken in kcopt's languages
    with using(lang):
        for value, digits in _values():
            pattern = "#,##0" + ("." + "#" * digits if digits else "")
            expected = format_decimal(round(float(value), digits) + 0.0, format=pattern,
                                      locale=lang)
            assert words.num(value, digits) == expected, (value, digits)



@pytest.mark.parametrize("lang", ["fr", "sv", "de"])
def test_num_in_other_locales_is_what_babel_writes(lang: str) -> None:
    # narrow no-break space groups, a U+2212 minus: the signs come from Babel's locale data
    for value, digits in _values()[:3000]:
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        expected = format_decimal(round(float(value), digits) + 0.0, format=pattern,
                                  locale=lang)
        symbols = words._symbols(lang)
        got = (words._babel_num(round(float(value), digits) + 0.0, digits, lang)
               if symbols is None else words._direct(round(float(value), digits) + 0.0,
                                                     digits, symbols))
        assert got == expected, (lang, value, digits)
