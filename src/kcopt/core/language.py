"""Choosing the language kcopt speaks: `set_language` (notebooks, ``--lang``), the scenario's
``language:`` key, and `using` for a block. A language without a catalog is an input error;
the words themselves, and the language in use, are `kcopt.core.words`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kcopt.core.errors import InputError
from kcopt.core.words import _, _chosen, _scenario, _using, known, languages


def check_language(lang: str) -> str:
    code = known(lang)
    if code is None:
        raise InputError(_("language {lang} is not available; use one of {languages}").format(
            lang=repr(lang), languages=", ".join(languages())))
    return code


def set_language(lang: str | None) -> None:
    """Choose the language of every message, table word and figure (``"vi"`` or ``"en"``);
    ``None`` goes back to the scenario's ``language:``, then ``KCOPT_LANG``, then Vietnamese.

    >>> import kcopt
    >>> kcopt.set_language("en"); kcopt.get_language()
    'en'
    >>> kcopt.set_language(None)
    """
    _chosen["explicit"] = check_language(lang) if lang else None


def set_scenario_language(lang: str | None) -> None:
    """The language a scenario file asks for, from now on in the running thread (or asyncio
    task) only; `set_language` and ``--lang`` win over it."""
    _scenario.set(check_language(lang) if lang else None)


@contextmanager
def scenario_language(lang: str | None) -> Iterator[None]:
    """Speak a scenario's `language:` inside the block (``None``: the scenario names none),
    below `using`, `set_language` and ``--lang``; then restore. Per thread, as `using`."""
    token = _scenario.set(check_language(lang) if lang else None)
    try:
        yield
    finally:
        _scenario.reset(token)


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block (tests, side-by-side outputs, one app rerun), then
    restore. The choice holds for the running thread (or asyncio task) only: another thread
    keeps its own language, so concurrent app sessions cannot speak each other's."""
    token = _using.set(check_language(lang))
    try:
        yield
    finally:
        _using.reset(token)
