"""`core.text.fold`, the key every header, place and subtotal word is matched by: its fast
paths (ASCII as it is; Vietnamese marks removed by one pattern) give what the plain
definition gives — NFD, every nonspacing mark (Mn) dropped, đ → d, case folded, spaces and
punctuation collapsed — on any text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kcopt.core.text import _SPACES, fold


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").casefold()
    return _SPACES.sub(" ", text).strip()


VIETNAMESE = "ĐđÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶàáảãạâầấẩẫậăằắẳẵặèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(VIETNAMESE + "aZ09 -_/.,;:()[]\t\n")) |
               st.characters(), max_size=30))
def test_fold_is_the_plain_definition(text: str) -> None:
    assert fold(text) == _plain(text)
    assert fold(unicodedata.normalize("NFD", text)) == _plain(unicodedata.normalize("NFD", text))


def test_fold_examples() -> None:
    for text in ("Tổng cộng", "TỔNG CỘNG", "Cộng", "P-000123", "İstanbul", "Straße",
                 "Huyện Đắk R'Lấp", "x\u20d7y", "a\u1dc4b", "Thành phố Hồ Chí Minh"):
        assert fold(text) == _plain(text), text
    assert all(unicodedata.category(chr(c)) == "Mn" for c in range(0x300, 0x370))


SUBTOTAL_WORDS = ["Tổng cộng", "TỔNG SỐ", "Cộng", "cộng dồn", "Total", "grand total",
                  "Sub total", "subtotal", "Tổng cộng / Total", "Cộng I", "Tổng KCĐP"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["", " ", "(", "-", "_", ". ", "\u00a0", "[", "*"]),
       st.sampled_from(SUBTOTAL_WORDS) | st.text(alphabet=st.sampled_from(
           list(VIETNAMESE + "aTtCcSsGgoOnN09 -_/.,;:()[]")) | st.characters(), max_size=20),
       st.sampled_from(["", " I", " nhóm 2", " toàn tỉnh", " x"]))
def test_a_subtotal_word_is_never_passed_over(before: str, text: str, after: str) -> None:
    """`io.layout` folds a project line's id only when `_MAY_BE_SUBTOTAL` says it may be a
    subtotal word: every id whose fold `_SUBTOTAL` matches is one it says so of."""
    from kcopt.io.layout import _MAY_BE_SUBTOTAL, _SUBTOTAL

    value = (before + text + after).strip()
    if _SUBTOTAL.match(fold(value)):
        assert _MAY_BE_SUBTOTAL.match(value), value


def test_subtotal_words_are_seen_in_a_list() -> None:
    from kcopt.io.layout import _MAY_BE_SUBTOTAL, _SUBTOTAL

    for word in SUBTOTAL_WORDS:
        assert _MAY_BE_SUBTOTAL.match(word) and _SUBTOTAL.match(fold(word)), word
    for pid in ("P-0001", "12", "KC-2026-001", "DA01"):
        assert not _MAY_BE_SUBTOTAL.match(pid), pid
