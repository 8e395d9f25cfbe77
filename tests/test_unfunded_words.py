"""The unfunded projects' reasons worded together (`kcopt.analysis.unfunded`): the amounts kept
with a what-if chain are kept by number, digits and language, so a kept amount is never said in
another language or to other digits."""

from __future__ import annotations

import numpy as np

from kcopt.analysis.unfunded import unfunded_reason, unfunded_reasons
from kcopt.core.language import using

HELD = ["the central budget fully allocated"]


def _words(memo: dict) -> list[str]:
    # project 0: score 0; 1: held, would earn 0.6294 against 0.9161; 2: no holding rows;
    # 3: held, 1.6801 against 1.6849 (alike to 3 digits); 4: held, earns more than the margin
    return unfunded_reasons(np.arange(5), np.array([0.0, 1, 1, 1, 1]),
                            {1: HELD, 3: HELD, 4: HELD},
                            np.array([1e-4, 6.294e-4, 1e-3, 1.6801e-3, 2e-3]),
                            np.array([np.inf, 9.161e-4, np.inf, 1.6849e-3, 1e-3]), memo)


def test_amounts_kept_in_one_language_are_not_said_in_another() -> None:
    memo: dict = {}
    with using("vi"):
        vi = _words(memo)
    with using("en"):
        en = _words(memo)
        fresh = _words({})
        assert [unfunded_reason(s, h, c, p) for s, h, c, p in [
            (0.0, None, 1e-4, np.inf), (1, HELD, 6.294e-4, 9.161e-4), (1, None, 1e-3, np.inf),
            (1, HELD, 1.6801e-3, 1.6849e-3), (1, HELD, 2e-3, 1e-3)]] == fresh
    assert en == fresh
    assert "0.629 points per 1,000 million, below the 0.916" in en[1]
    assert "0,629" in vi[1] and "0,916" in vi[1]
    assert "1.68 points" in en[3] and "below the 1.685" in en[3]  # a 4th digit to tell apart
    assert en[4] == "not funded: " + HELD[0]
    assert en[2].startswith("not funded: other projects") and "score 0" in en[0]
