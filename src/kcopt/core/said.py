"""A sentence that can be said again in another language.

A warning is shown when it is made (the console, in the run's language) and read again later
(`kcopt report --lang en` on a Vietnamese run's summary.json). `say()` gives the sentence in
the language in use — a `str`, so every caller keeps working — that also remembers its message
(English, as written in the code) and its parameters: numbers as numbers, a code's words as
their message, so `again()` words it anew in whatever language is in use then, and `record()`
/ `from_record()` keep it in JSON.

Examples
--------
>>> from kcopt.core.language import using
>>> from kcopt.core.words import N_
>>> with using("vi"):
...     s = say(N_("{count} project(s) state a selection level but are not of the content "
...                "'typical rural industrial products'; the selection level is ignored"),
...             count=Num(1985))
>>> s.startswith("1.985 ")
True
>>> with using("en"):
...     again = from_record(s.record())
...     again.startswith("1,985 project(s)"), again == s.again()
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from kcopt.core.words import _, data_text, fixed, get_language, num, pct, sig


@dataclass(frozen=True)
class Num:
    """A number in a sentence, written the reader's way when said: `num` (digits at most),
    `fixed` (exactly `digits`), `pct` (a share as a percentage) or `sig` (significant digits)."""

    value: float
    digits: int = 0
    style: Literal["num", "fixed", "pct", "sig"] = "num"

    def __str__(self) -> str:
        write: dict[str, Callable[[float, int], str]] = {"num": num, "fixed": fixed, "pct": pct,
                                                         "sig": sig}
        return write[self.style](self.value, self.digits)


@dataclass(frozen=True)
class Data:
    """A phrase of the bundled rule data (a note, a legal basis): `data_text` when said."""

    text: str

    def __str__(self) -> str:
        return data_text(self.text)


@dataclass(frozen=True)
class Named:
    """A name that has a word per language (a content type's name_vi / name_en): the reader's,
    else the English."""

    vi: str
    en: str

    def __str__(self) -> str:
        return self.vi if get_language() == "vi" else self.en


class Said(str):
    """The sentence in the language it was said in; `msgid` and `params` say it again."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any]) -> Said:
        self = super().__new__(cls, _words(msgid, params))
        self.msgid, self.params = msgid, params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # str's own pickling calls __new__ with the text alone; a worker process (a sensitivity
        # run's --jobs 2, a Dask worker) unpickles the sentence as it was said, message kept
        return (_kept, (str(self), self.msgid, self.params))

    def again(self) -> str:
        """The sentence in the language in use now."""
        return _words(self.msgid, self.params)

    def record(self) -> dict[str, Any]:
        """For JSON: the message and each parameter as a plain value, a number or a phrase."""
        return {"msgid": self.msgid, "params": {k: _encode(v) for k, v in self.params.items()}}


def _kept(text: str, msgid: str, params: dict[str, Any]) -> Said:
    """A sentence unpickled: the words it was said in, and how to say it again."""
    self = str.__new__(Said, text)
    self.msgid, self.params = msgid, params
    return self


def say(msgid: str, **params: Any) -> Said:
    """`_(msgid).format(**params)` that remembers how it was said. Write the message as
    ``say(N_("…"), …)`` so the catalog finds it; a parameter is a plain value (a name, an id,
    a file), a `Num`, a `Data`, a `Named`, another `Said` (a code's words: ``say(N_("low"))``)
    or a list of these (written comma-separated)."""
    return Said(msgid, params)


def _words(msgid: str, params: dict[str, Any]) -> str:
    shown = {k: _shown(v) for k, v in params.items()}
    return _(msgid).format(**shown) if shown else _(msgid)


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):  # a list of items: comma-separated in any language
        return ", ".join(_shown(v) for v in value)
    return value.again() if isinstance(value, Said) else str(value)


def _encode(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Said):
        return value.record()
    if isinstance(value, Num):
        return {"number": value.value, "digits": value.digits, "style": value.style}
    if isinstance(value, Data):
        return {"data": value.text}
    if isinstance(value, Named):
        return {"vi": value.vi, "en": value.en}
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return str(value)
    if "msgid" in value:
        return from_record(value)
    if "number" in value:
        return Num(float(value["number"]), int(value.get("digits", 0)),
                   value.get("style", "num"))
    if "data" in value:
        return Data(str(value["data"]))
    return Named(str(value.get("vi", "")), str(value.get("en", "")))


def from_record(record: Any) -> str:
    """A sentence as `Said.record()` kept it, said in the language in use; a plain text (a
    message kept before kcopt recorded how it was said) as it is."""
    if isinstance(record, dict) and isinstance(record.get("msgid"), str):
        params = record.get("params") or {}
        try:
            return Said(record["msgid"], {k: _decode(v) for k, v in params.items()})
        except (KeyError, IndexError, ValueError):  # a catalog whose placeholders differ
            return str(record["msgid"])
    return "" if record is None else str(record)
