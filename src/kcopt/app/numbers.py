"""Widgets that show and take numbers as the session's language writes them: "105.000" and
"0,25" in Vietnamese, "105,000" and "0.25" in English.

Streamlit's `st.slider` and `st.number_input` write their numbers with a printf pattern in the
browser: the decimal point is always "." and there is no thousands separator ("105000",
"0.25") whatever the page's language. So a slider here is an `st.select_slider` over the
steps, each step written by kcopt's formatter (`kcopt.core.words`), and an amount is an
`st.text_input` read with `kcopt.core.parse.parse_number_text` (105.000, 105000, 105.000,5 or
105,000): a value it cannot read is said in words with the fix, and the last good value kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from kcopt.core.language import using
from kcopt.core.parse import parse_number_text
from kcopt.core.words import _, fixed, get_language, num

WEIGHT_STEPS = tuple(round(i / 100, 2) for i in range(101))  # 0, 0,01 … 1
SHARE_STEPS = tuple(round(i / 20, 2) for i in range(21))  # 0%, 5% … 100%
DIGITS = 6  # million VND to the đồng


def weight_text(value: float) -> str:
    """A weight as a slider shows it: two decimals ("0,25"), more when it has them."""
    return fixed(value, 2) if round(value, 2) == value else num(value, DIGITS)


def percent_text(value: float) -> str:
    """A share 0–1 as a percentage ("25%", "12,5%")."""
    return num(100 * value, 4) + "%"


def number_slider(label: str, value: float, steps: Sequence[float],
                  write: Callable[[float], str], key: str, where: Any = st) -> float:
    """A slider over `steps` (and `value`, when it is not one of them) whose values are
    written by `write` in the session's language; returns the value chosen."""
    value = float(value)
    options = sorted({*map(float, steps), value})
    # words chosen now: Streamlit may call format_func outside this rerun's language
    shown = {v: write(v) for v in options}
    return float(where.select_slider(label, options, value=value,
                                     format_func=shown.__getitem__, key=key))


def amount_input(label: str, value: float, key: str, *, signed: bool = False,
                 thousands: bool = True, where: Any = st) -> float:
    """A number typed as text (an amount in million VND by default) and read as the planner
    writes it; returns it, or the last good value while the box holds what is no number
    (said under the box, with the fix). `signed`: a negative number is a value (a cut).
    `thousands`: "1.200" is 1,200 (an amount), else 1.2."""
    state = st.session_state
    good_key = f"{key}_good"
    if good_key not in state:
        state[good_key] = float(value)
    lang = get_language()
    # one box per language: after a language change the value is written the new way
    box = f"{key}_{lang}"
    text = where.text_input(label, None if box in state else num(state[good_key], DIGITS),
                            key=box, on_change=_written_again,
                            args=(box, lang, signed, thousands))
    number = read_amount(text, signed, thousands)
    if number is None:
        said = (_("{field}: '{value}' is not a number. Type it as {example} (thousands "
                  "separated by '{group}' or not at all); {good} is kept until then.")
                if signed else
                _("{field}: '{value}' is not a number of 0 or more. Type it as {example} "
                  "(thousands separated by '{group}' or not at all); {good} is kept until "
                  "then."))
        where.error(said.format(field=label, value=text or "", example=num(105000.5, 1),
                                group=num(1000)[1], good=num(state[good_key], DIGITS)))
        return float(state[good_key])
    state[good_key] = number
    return number


def read_amount(text: str | None, signed: bool, thousands: bool) -> float | None:
    """The number in a box (blank = 0), or None when it holds none (or is negative when
    not `signed`)."""
    stripped = (text or "").strip().replace("−", "-")
    number = parse_number_text(stripped, thousands=thousands) if stripped else 0.0
    if number is None or (number < 0 and not signed):
        return None
    return number + 0.0  # no "-0"


def _written_again(box: str, lang: str, signed: bool, thousands: bool) -> None:
    """A number just typed, written back the language's way ("110000" → "110.000")."""
    number = read_amount(st.session_state.get(box), signed, thousands)
    if number is not None:
        with using(lang):  # a callback runs before the rerun, outside its language
            st.session_state[box] = num(number, DIGITS)
