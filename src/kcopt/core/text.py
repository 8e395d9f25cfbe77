"""Text normalisation for Vietnamese names and headers: NFC/NFD, diacritics, spacing, case."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s_\-./,;:()\[\]]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ASCII key of `text`: diacritics removed (đ → d), punctuation and spaces collapsed.

    >>> fold("Tỉnh/Thành phố") == fold("tinh thanh pho")
    True
    >>> fold("Đắk  Lắk")
    'dak lak'
    """
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").casefold()
    return _SPACES.sub(" ", text).strip()


def ascii_name(text: str) -> str:
    """ASCII identifier fragment of `text` (for solver files that reject non-ASCII names).

    >>> ascii_name("budget:local:Lâm Đồng")
    'budget_local_Lam_Dong'
    """
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
