"""Decode a text file (CSV) as it was encoded, or refuse it with a message about the encoding.

Planners' CSV files come from Excel ("CSV UTF-8", "Unicode text" = UTF-16 with a BOM), from
older Vietnamese Windows (Windows-1258, whose tone marks are separate combining bytes) and from
Western-European settings (Latin-1 / Windows-1252). UTF-8 and UTF-16 are recognised from their
byte-order mark or, without one, from their structure; a legacy 8-bit file is read as
Windows-1258 only when every tone-mark byte lands on a vowel it can mark, and as Latin-1 only when
that reading holds no letter foreign to both Vietnamese and Western text. What fits neither is
refused rather than guessed.

>>> decode_text("Hà Nội".encode("utf-16"), "f.csv")
('Hà Nội', 'utf-16')
>>> decode_text(b"Th\\xf4\\xf2i", "f.csv")
('Thội', 'cp1258')
>>> decode_text(b"B\\xf2 kh\\xf4", "f.csv")
('Bò khô', 'latin-1')
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from kcopt.core.errors import InputError, Problem
from kcopt.core.words import _


def _char(b: bytes, encoding: str) -> str | None:
    try:
        return b.decode(encoding)
    except UnicodeDecodeError:
        return None


_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
VIETNAMESE = frozenset(unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES) | {
    "đ", "Đ"}
# bytes 0x80–0xFF that read differently in Windows-1258 and Windows-1252 (or are undefined in one)
_DIFFERENT = frozenset(b for b in range(0x80, 0x100)
                       if _char(bytes([b]), "cp1258") != _char(bytes([b]), "cp1252"))
_MARK = re.compile("[\u0300-\u036f]")
_FOREIGN = frozenset("ðÐþÞ")  # letters that a Latin-1 reading of Vietnamese text produces
_FIX = ("Mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng \"CSV UTF-8\" (Excel: Lưu thành ▸ "
        "CSV UTF-8), hoặc gửi tệp .xlsx")


def decode_text(raw: bytes, file: str) -> tuple[str, str]:
    """(text, encoding name) of a file's bytes, the text NFC-normalised."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return _strict(raw, name, file), name
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return _strict(raw, utf16, file), utf16
    try:
        return _finish(raw.decode("utf-8"), "utf-8", file), "utf-8"
    except UnicodeDecodeError:
        pass
    return _legacy(raw, file)


def _finish(text: str, name: str, file: str) -> str:
    if "\x00" in text:
        raise InputError([Problem(file, _(
            "the file holds NUL characters when read as {encoding}: it is probably not a text "
            "(CSV) file").format(encoding=name), _FIX)])
    return unicodedata.normalize("NFC", text)


def _strict(raw: bytes, name: str, file: str) -> str:
    try:
        return _finish(raw.decode(name), name, file)
    except UnicodeDecodeError as exc:
        raise InputError([Problem(
            file, f"tệp có dấu hiệu mã hóa {name.upper()} nhưng byte {exc.start} không hợp lệ "
            "theo mã hóa đó", _FIX)]) from None


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text without a BOM: mostly ASCII, so every other byte is NUL."""
    head = raw[:8192]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > half // 4 and odd > 4 * even:
        return "utf-16-le"
    if even > half // 4 and even > 4 * odd:
        return "utf-16-be"
    return None


def _legacy(raw: bytes, file: str) -> tuple[str, str]:
    vietnamese, marks = _vietnamese_reading(raw)
    western = _char(raw, "cp1252")
    if western is None:
        western = raw.decode("latin-1")
    if not set(raw) & _DIFFERENT and vietnamese is not None:
        return _finish(vietnamese, "cp1258", file), "cp1258"  # both read these bytes alike
    western_ok = not set(western) & _FOREIGN and not any("\x80" <= c <= "\x9f" for c in western)
    if vietnamese is not None and (marks or not western_ok):
        return _finish(vietnamese, "cp1258", file), "cp1258"
    if western_ok:
        return _finish(western, "latin-1", file), "latin-1"
    raise InputError([Problem(
        file, "không nhận ra mã hóa của tệp: không phải UTF-8 hay UTF-16, và đọc theo "
        "Windows-1258 (tiếng Việt) hay Latin-1 đều cho chữ vô nghĩa", _FIX)])


def _vietnamese_reading(raw: bytes) -> tuple[str | None, int]:
    """The Windows-1258 reading and its number of tone marks, or None when a tone mark does not
    follow a vowel it combines with into a Vietnamese letter."""
    text = _char(raw, "cp1258")
    if text is None:
        return None, 0
    marks = 0
    for m in _MARK.finditer(text):
        i = m.start()
        prev = text[i - 1] if i else ""
        if unicodedata.normalize("NFC", prev + m.group()) not in VIETNAMESE:
            return None, 0
        marks += 1
    return text, marks
