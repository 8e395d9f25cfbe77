"""Every phrase a person reads, and the language it is read in.

Messages are written in English in the code and wrapped in `_()`; their translations live in
gettext catalogs (`kcopt/locale/<lang>/LC_MESSAGES/kcopt.po`, compiled to `.mo` and shipped with
the package). Vietnamese is the default. Adding a language is a catalog, not code.

Which language, first that is set: `--lang` on the command line or `kcopt.set_language()`
in a notebook; the scenario's `language:` key; the `KCOPT_LANG` environment variable;
Vietnamese.

Numbers written into sentences go through Babel, so a Vietnamese reader sees "105.000" and
"86,2%", an English one "105,000" and "86.2%".

Choosing the language (and refusing one without a catalog) is `kcopt.core.language`.

Examples
--------
>>> from kcopt.core.language import using
>>> from kcopt.core.words import num, pct
>>> with using("vi"):
...     num(105000), pct(0.862, 1)
('105.000', '86,2%')
>>> with using("en"):
...     num(105000), pct(0.862, 1)
('105,000', '86.2%')
"""

from __future__ import annotations

import gettext
import math
import os
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

Language = Literal["vi", "en"]
DOMAIN = "kcopt"
DEFAULT: Language = "vi"
LOCALE_DIR = Path(__file__).parents[1] / "locale"
ENV = "KCOPT_LANG"

# `set_language` (a notebook's or `--lang`'s choice): the one process-wide setting, on purpose
_chosen: dict[str, str | None] = {"explicit": None}
# `language.using()`'s language: per thread and per task, so two app sessions (each rerun in
# its own thread) each speak their own language
_using: ContextVar[str | None] = ContextVar("kcopt_language", default=None)
# the scenario's `language:` key, per thread and per task too: two threads loading scenarios
# in different languages each speak their own scenario's
_scenario: ContextVar[str | None] = ContextVar("kcopt_scenario_language", default=None)


def languages() -> list[str]:
    """The languages kcopt speaks: English (the source) and every shipped catalog."""
    return list(_shipped(LOCALE_DIR))


@cache
def _shipped(folder: Path) -> tuple[str, ...]:
    # the catalogs shipped in a folder do not change while kcopt runs; every `_()` asks (a
    # folder glob each time was a quarter of a what-if's time)
    found = {p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return tuple(sorted({"en", *found}))


def known(lang: str | None) -> str | None:
    """The catalog code of `lang` ("vi-VN" → "vi"), or None when kcopt does not speak it."""
    if not lang:
        return None
    return _known(str(lang), LOCALE_DIR)


@cache
def _known(lang: str, folder: Path) -> str | None:
    # every `_()` and number asks which language is in use: tens of thousands of times for a
    # national plan's reasons, so the answer for one spelling is worked out once
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code in _shipped(folder) else None


def get_language() -> str:
    """The language in use now."""
    for lang in (_using.get(), _chosen["explicit"], _scenario.get()):
        if lang and (code := _known(str(lang), LOCALE_DIR)):
            return code
    return known(os.environ.get(ENV)) or DEFAULT


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """`message` (English, as written in the code) in the language in use."""
    return _catalog(get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(get_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for the catalog where it is defined; translate it with `_()` when used."""
    return message


STATUS_WORDS = {"funded": N_("funded"), "partial": N_("partial"), "unfunded": N_("unfunded"),
                "ineligible": N_("ineligible"), "excluded": N_("excluded")}


SOLVE_WORDS = {"optimal": N_("optimal"), "feasible": N_("feasible, not proven optimal"),
               "infeasible": N_("infeasible"), "unbounded": N_("unbounded"),
               "time_limit": N_("stopped at the time limit"), "error": N_("solver error")}


def status_name(code: str) -> str:
    """A status code (`funded`, `partial`, … or a solve's `optimal`, `infeasible`, …) in words
    for a sentence; the code itself stays in every CSV/JSON column."""
    words = STATUS_WORDS.get(code) or SOLVE_WORDS.get(code)
    return _(words) if words else str(code)


def fund_name(fund: str) -> str:
    """A fund as a planner names it: KCQG (central) or KCĐP (local); other text unchanged."""
    return {"central": _("central"), "local": _("local")}.get(fund, fund)


def num(x: float, digits: int = 0) -> str:
    """A number for a sentence: thousands separated, `digits` decimals at most
    (Vietnamese "105.000", "1.234,5"; English "105,000", "1,234.5")."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    value = round(float(x), digits) + 0.0
    if 0 <= digits <= 12 and abs(value) < 10.0 ** (15 - digits):
        # a float already rounded to `digits` decimals, 15 significant digits at most: "%f"
        # writes the very decimal Babel reads from its repr (no half to round)
        text = f"{value:,.{digits}f}"
        if digits:
            text = text.rstrip("0").rstrip(".")
        point, group = _symbols(get_language())
        return text if (point, group) == (".", ",") else text.translate(
            {44: group, 46: point})
    return _decimal(value, 0, max(digits, 0))


def fixed(x: float, digits: int) -> str:
    """A number with exactly `digits` decimals ("0,50")."""
    return _decimal(float(x), max(digits, 0), max(digits, 0))


@cache
def _symbols(lang: str) -> tuple[str, str]:
    from babel.numbers import get_decimal_symbol, get_group_symbol  # on first use

    return get_decimal_symbol(lang), get_group_symbol(lang)


@cache
def _quantum(digits: int) -> Decimal:
    return Decimal(1).scaleb(-digits)


def _decimal(x: float, least: int, most: int) -> str:
    """`x` as Babel's `format_decimal` writes it with the pattern "#,##0.<least 0s><#s up to
    most>" in the language in use — the same steps (the float's shortest repr as a Decimal,
    rounded half to even, "-" kept on a negative that rounds to 0), without Babel's pattern
    parsing and locale look-ups on every call (a reason column of 10,000 projects formats
    tens of thousands of numbers)."""
    if not math.isfinite(x):
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * least + "#" * (most - least) if most else "")
        return format_decimal(x, format=pattern, locale=get_language())
    value = Decimal(repr(x))
    minus = "-" if value.is_signed() else ""
    whole, _dot, frac = f"{abs(value).normalize().quantize(_quantum(most)):,f}".partition(".")
    frac = frac.ljust(least, "0")
    if most == 0 or (least == 0 and not frac.strip("0")):
        frac = ""
    else:
        frac = frac[:least] + frac[least:].rstrip("0")
    point, group = _symbols(get_language())
    whole = whole.replace(",", group)
    return minus + (whole + point + frac if frac else whole)


def sig(x: float, digits: int = 3) -> str:
    """A number to `digits` significant digits (like Python's ``:.3g``, without exponents)."""
    if x == 0 or not math.isfinite(x):
        return num(x)
    places = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return num(round(x, places), places)


def sigs(values: list[float], digits: int = 3) -> list[str]:
    """`sig(x, digits)` of each of `values`, the same text, written together: the language
    looked up once, each number written once, column-wise where it can be (a what-if's table
    at 10,000 projects says ~3,000 amounts: a weight change moves every unfunded project's
    value per million)."""
    import numpy as np  # start-up: numpy only when a table is worded

    if not len(values):
        return []
    x, back = np.unique(np.asarray(values, dtype=float), return_inverse=True)
    texts = np.empty(len(x), dtype=object)
    with np.errstate(divide="ignore", invalid="ignore"):
        power = np.log10(np.abs(x))
        places = np.maximum(0, digits - 1 - np.floor(power))
        # `sig` itself where it takes another path (0, not finite, more than 12 places, 15
        # digits or more) and by a power of ten, where numpy's log10 and math's may floor apart
        fast = np.isfinite(power) & (places <= 12) & (np.abs(x) < 1e14) & \
            (np.abs(power - np.round(power)) > 1e-9) & (digits <= 12)
    places = np.where(fast, places, 0).astype(np.int64)
    point, group = _symbols(get_language())
    whole, part, plain = _rounded(x, places, fast)
    for p in np.unique(places[plain]).tolist():
        at = np.flatnonzero(plain & (places == p))
        texts[at] = _looked_up(x[at] < 0, whole[at], part[at], p, point)
    marks = None if (point, group) == (".", ",") else {44: group, 46: point}
    for p in np.unique(places[fast & ~plain]).tolist():
        at = np.flatnonzero(fast & ~plain & (places == p))
        form = f",.{p}f"  # `num`'s fast path: round, write, strip the trailing zeros
        said = [format(round(v, p) + 0.0, form) for v in x[at].tolist()]
        if p:
            said = [t.rstrip("0").rstrip(".") for t in said]
        texts[at] = said if marks is None else [t.translate(marks) for t in said]
    slow = np.flatnonzero(~fast)
    texts[slow] = [sig(v, digits) for v in x[slow].tolist()]
    return texts[back.ravel()].tolist()


_POW10 = [float(10**k) for k in range(13)]  # exact


def _rounded(x: Any, places: Any, fast: Any) -> tuple[Any, Any, Any]:
    """|x| rounded to `places` decimals as its whole part and its decimals (an integer), and
    where that is Python's `round` for sure: not within a rounding error of a half (a tie is
    Python's to break) and below 1,000 (no group separator to write)."""
    import numpy as np

    scale = np.asarray(_POW10)[places]
    y = np.where(fast, np.abs(x), 0.0) * scale
    m = np.rint(y)
    sure = fast & (np.abs(y - np.floor(y) - 0.5) > np.maximum(y, 1.0) * 2.0 ** -45)
    whole = np.floor(m / scale)
    part = m - whole * scale
    sure &= (whole < 1000) & (part >= 0) & (part < scale)
    return whole.astype(np.int64), part.astype(np.int64), sure


def _written(negative: Any, whole: Any, part: Any, places: int, point: str) -> list[str]:
    """The numbers of whole part `whole` and decimals `part` (an integer of `places` digits)
    as `num` writes them: the decimals' trailing zeros dropped, "-" before a number not 0."""
    import numpy as np

    text = whole.astype(str)
    if places:
        decimals = np.char.rstrip(np.char.zfill(part.astype(str), places), "0")
        text = np.where(decimals == "", text, np.char.add(np.char.add(text, point), decimals))
    return np.where(negative & ((whole > 0) | (part > 0)), np.char.add("-", text),
                    text).tolist()


_TABLED = 2048  # numbers of up to 3 significant digits (`sigs`' own) are read off a table


def _looked_up(negative: Any, whole: Any, part: Any, places: int, point: str) -> list[str]:
    """`_written`, read off the table of the texts of 0 … `_TABLED` − 1 with `places`
    decimals (`_table`) when every number is one of them and none is negative: a what-if
    writes ~3,000 amounts of 3 digits, of a thousand texts at most per number of decimals."""
    if len(whole) < 64 or negative.any():
        return _written(negative, whole, part, places, point)
    scaled = whole * 10**places + part  # the number's digits as one integer: whole < 1,000
    if scaled.max() >= _TABLED or scaled.min() < 0:
        return _written(negative, whole, part, places, point)
    texts: list[str] = _table(places, point)[scaled].tolist()
    return texts


@lru_cache(maxsize=64)
def _table(places: int, point: str) -> Any:
    """The texts `_written` gives 0 … `_TABLED` − 1 with `places` decimals, by number."""
    import numpy as np

    scaled = np.arange(_TABLED, dtype=np.int64)
    scale = 10**places
    return np.array(_written(np.zeros(_TABLED, dtype=bool), scaled // scale, scaled % scale,
                             places, point), dtype=object)


def pct(share: float, digits: int = 0) -> str:
    """A share as a percentage, "86,2%" in Vietnamese, "86.2%" in English."""
    if share is None or not math.isfinite(share):
        return "—"
    return fixed(share * 100, digits) + "%"


def million(x: float, digits: int = 0) -> str:
    """An amount in million VND ("105.000 triệu đồng" / "105,000 million")."""
    return _("{amount} million").format(amount=num(x, digits))


# what the system said when a file could not be read or written, in the planner's words (the
# system's own English, "Read-only file system", is for --debug)
OS_WORDS = {"EACCES": N_("permission denied"), "EPERM": N_("the system does not allow it"),
            "EROFS": N_("the disk is read-only"), "ENOSPC": N_("the disk is full"),
            "EDQUOT": N_("the disk quota is used up"), "ENOENT": N_("no such file or folder"),
            "ENOTDIR": N_("a part of the path is not a folder"),
            "EISDIR": N_("it is a folder, not a file"),
            "EEXIST": N_("a file or folder of that name already exists"),
            "EFBIG": N_("the file is too large"), "ENAMETOOLONG": N_("the name is too long"),
            "ELOOP": N_("too many symbolic links")}


def vietnam_time(stamp: str | None) -> str:
    """A run's time (summary.json keeps ISO UTC, "2026-12-06T14:05:00Z") as a planner reads
    it, in Vietnam's time: "06/12/2026 21:05 (giờ Việt Nam, UTC+7)". Vietnam keeps UTC+7 all
    year, so a computer without the time-zone database (Windows without tzdata) gives the same
    hour; text that is not a time is returned as it is."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        from zoneinfo import ZoneInfo

        zone: timezone | ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    except (ImportError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        zone = timezone(timedelta(hours=7))
    here = moment.astimezone(zone)
    return _("{day} {time} (Vietnam time, UTC+7)").format(
        day=here.strftime("%d/%m/%Y"), time=here.strftime("%H:%M"))


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in the language in use ("ổ đĩa chỉ cho phép
    đọc" for EROFS); the system's text when kcopt has no words for its error."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    return _(OS_WORDS[name]) if name in OS_WORDS else str(exc.strerror or exc)


_CITATION = ((r"\ba provincial resolution\b", N_("a provincial resolution")),
             (r"\bJoint Circular\b", N_("Joint Circular")), (r"\bCircular\b", N_("Circular")),
             (r"\bDecree\b", N_("Decree")), (r"\bDecision\b", N_("Decision")),
             (r"\bArt\.", N_("Art.")), (r"\bcl\.", N_("cl.")), (r"\bpt\.", N_("pt.")),
             (r"/ND-CP\b", N_("/ND-CP")))


def literal(text: str) -> str:
    """A message written as a plain literal (a Problem's message or fix) in the language in
    use; "%" is doubled in the catalog so gettext tools do not read "30% of" as a format.
    A sentence made by `kcopt.core.said.say` is said again in the language in use."""
    again = getattr(text, "again", None)
    if again is not None:
        return str(again())
    key = str(text).replace("%", "%%")
    found = _(key)
    return text if found == key else found.replace("%%", "%")


def data_text(text: str) -> str:
    """A phrase from the bundled rule data (a note, a legal basis) in the language in use: the
    whole phrase when the catalog has it, else its citation words ("Decree 45/2012 Art. 4" →
    "Nghị định 45/2012 Điều 4")."""
    if not text:
        return text
    return _data_text(get_language(), str(text))


@lru_cache(maxsize=4096)
def _data_text(lang: str, text: str) -> str:
    # worked out once per language and phrase: a national plan words each project's cap with
    # its legal basis, a few dozen phrases over tens of thousands of projects (each phrase
    # not in the catalog whole was 9 substitutions and 10 look-ups a time)
    import re

    catalog = _catalog(lang)
    # "%" is doubled in the catalog so gettext tools do not read "30% of" as a format
    whole = catalog.gettext(text.replace("%", "%%"))
    if whole != text.replace("%", "%%"):
        return whole.replace("%%", "%")
    for pattern, word in _CITATION:
        text = re.sub(pattern, catalog.gettext(word).replace("\\", "\\\\"), text)
    return text


def extract_rule_notes(fileobj, keywords, comment_tags, options):
    """Babel extractor for the rule data: each `note` of support_rates.csv and each `note` and
    `resolution` of provincial_rates.csv is a message (babel.cfg maps both files here); the
    data keep the shared reference wording, the catalog gives a planner's language."""
    import csv
    import io

    rows = csv.DictReader(io.TextIOWrapper(fileobj, encoding="utf-8-sig"))
    for line, row in enumerate(rows, start=2):
        for column in ("note", "resolution"):
            value = (row.get(column) or "").strip()
            if value and not value.replace(".", "").isdigit():
                yield line, "_", value.replace("%", "%%"), []


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel extractor for kcopt's Python: the `_()`/`N_()`/`ngettext()` messages, the CLI's
    help texts (`help=` of typer's Option/Argument/Typer, the docstring of each `…_command`),
    and the plain literal `message` and `fix` of every `Problem(...)`,
    `….err(key, message, value, fix)`, `….problem(row, column, message, value, fix)` and
    `…._bad(mask, column, message, fix)`
    (a Problem renders them through the catalog when it is shown)."""
    import ast

    from babel.messages.extract import extract_python as babel_python

    yield from babel_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    try:
        tree = ast.parse(fileobj.read().decode("utf-8"))
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_command"):
            doc = ast.get_docstring(node)  # a command's help: translated by `translate_help`
            if doc:
                yield node.lineno, "_", doc.replace("%", "%%"), []
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name == "Problem":
            spots = [node.args[i] for i in (1, 2) if len(node.args) > i]
        elif name == "err":
            spots = [node.args[i] for i in (1, 3) if len(node.args) > i]
        elif name == "problem":  # schema's validator: problem(row, column, message, value, fix)
            spots = [node.args[i] for i in (2, 4) if len(node.args) > i]
        elif name == "_bad":  # _bad(mask, column, message, fix)
            spots = [node.args[i] for i in (2, 3) if len(node.args) > i]
        elif name == "replace":
            spots = []
        elif name in ("Option", "Argument", "Typer"):  # the CLI's help texts
            spots = [k.value for k in node.keywords if k.arg == "help"]
        else:
            continue
        spots += [k.value for k in node.keywords if k.arg in ("message", "fix")]
        for spot in spots:
            if isinstance(spot, ast.Constant) and isinstance(spot.value, str) and spot.value:
                yield spot.lineno, "_", spot.value.replace("%", "%%"), []
