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
