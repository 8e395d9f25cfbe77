"""Text normalisation for Vietnamese names and headers: NFC/NFD, diacritics, spacing, case."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s_\-./,;:()\[\]]+")
_COMBINING = re.compile("[\u0300-\u036f]")  # the combining diacritical marks (category Mn)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ASCII key of `text`: diacritics removed (đ → d), punctuation and spaces collapsed.

    >>> fold("Tỉnh/Thành phố") == fold("tinh thanh pho")
    True
    >>> fold("Đắk  Lắk")
    'dak lak'
    """
    text = str(text)
    if not text.isascii():  # ASCII (most ids and headers) has no diacritics to drop
        text = _COMBINING.sub("", unicodedata.normalize("NFD", text))
        text = text.replace("đ", "d").replace("Đ", "D")
        if not text.isascii():  # a mark outside the combining block Vietnamese uses
            text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.casefold()).strip()


def ascii_name(text: str) -> str:
    """ASCII identifier fragment of `text` (for solver files that reject non-ASCII names).

    >>> ascii_name("budget:local:Lâm Đồng")
    'budget_local_Lam_Dong'
    """
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
