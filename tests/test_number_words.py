"""`num` and `fixed` write numbers as Babel's `format_decimal` does (same rounding, same symbols)
without calling it on every number: checked against Babel on a seeded sample."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal

from kcopt.core.language import using
from kcopt.core.words import fixed, num, sig, sigs


def _babel(x: float, least: int, most: int, lang: str) -> str:
    pattern = "#,##0" + ("." + "0" * least + "#" * (most - least) if most else "")
    return format_decimal(x, format=pattern, locale=lang)


def _sample() -> list[float]:
    rng = random.Random(2026)
    values = [0.0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.165, 2.675, -1e-9, 1e-7, 0.1 + 0.2,
              999.9999, 999999.5, 1e15, 123456789.123456789, 5e-324]
    for _ in range(3000):
        k = rng.random()
        if k < 0.4:
            values.append(rng.uniform(-1e6, 1e6))
        elif k < 0.7:  # halves at some decimal place: where the rounding rule shows
            values.append(round(rng.uniform(-1e4, 1e4), rng.randint(0, 5))
                          + 5 * 10 ** -rng.randint(1, 7))
        else:
            values.append(10 ** rng.uniform(-10, 16) * rng.choice([1, -1]))
    return values


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_num_and_fixed_write_what_babel_writes(lang):
    values = _sample()
    with using(lang):
        for digits in range(0, 8):
            for x in values:
                assert num(x, digits) == _babel(round(x, digits) + 0.0, 0, digits, lang), \
                    (x, digits)
                assert fixed(x, digits) == _babel(x, digits, digits, lang), (x, digits)


def test_symbols_follow_the_language():
    with using("vi"):
        assert (num(-1234567.25, 2), fixed(0.5, 2), num(0.004, 2)) == ("-1.234.567,25", "0,50",
                                                                      "0")
    with using("en"):
        assert (num(-1234567.25, 2), fixed(-0.001, 2)) == ("-1,234,567.25", "-0.00")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sigs_writes_what_sig_writes(lang):
    """`sigs` (a table's amounts written together) gives `sig`'s text for every number:
    halves, powers of ten, 0, −0, infinities, NaN, the tiniest and the largest, repeats."""
    values = [*_sample(), 0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-13,
              9.995e-13, 1e20, 0.9995, 9.995, 99.95, 999.5, 1000.0, 0.001, 0.01, 999.6,
              0.9996, -0.0004, -1.25e-3, -0.125, -999.4, -1e-7, 0.1 + 0.2, 2.675, 1.005]
    values += [v * 10.0 ** k for v in _sample()[:300] for k in (-6, -3)]  # small, all signs
    values += values[:50]  # repeats: each number written once, said every time
    with using(lang):
        for digits in (1, 3, 4, 9):
            assert sigs(values, digits) == [sig(x, digits) for x in values], digits


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sigs_of_many_positive_amounts_read_off_the_table_as_sig_writes_them(lang):
    """A what-if's amounts (thousands, none negative) are read off a table of texts per
    number of decimals (`words._table`): each is `sig`'s text, halves and ends of decades
    included."""
    rng = random.Random(28)
    values = [abs(v) for v in _sample()]
    values += [10 ** rng.uniform(-12, 3) for _ in range(6000)]
    values += [round(rng.uniform(0.1, 999), rng.randint(0, 4)) + 5 * 10 ** -rng.randint(2, 7)
               for _ in range(3000)]
    values += [k * 10.0 ** e for k in (1, 9.995, 99.95, 999.5, 100.5, 0.9995) for e in range(-9, 3)
               for _ in range(8)]
    with using(lang):
        for digits in (1, 2, 3):
            assert sigs(values, digits) == [sig(x, digits) for x in values], digits
