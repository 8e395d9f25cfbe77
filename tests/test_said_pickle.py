"""A sentence said (`kcopt.core.said.Said`) crosses a process boundary whole: a sensitivity
run's `--jobs 2` sends the plan, warnings included, to worker processes, and str's own pickling
called `Said.__new__` with the text alone (the MIP demo's `kcopt sensitivity --jobs 2` stopped
with "internal error: BrokenProcessPool")."""

from __future__ import annotations

import pickle

from kcopt.core.language import using
from kcopt.core.said import Num, Said, say
from kcopt.core.words import N_

MSG = N_("{count} project(s) state a selection level but are not of the content "
         "'typical rural industrial products'; the selection level is ignored")


def _echo(sentence: Said) -> tuple[str, str, str]:
    """In a worker process: the sentence as received, its message, and said again in English."""
    with using("en"):
        return str(sentence), sentence.msgid, sentence.again()


def test_pickled_sentence_keeps_its_words_and_its_message() -> None:
    with using("vi"):
        s = say(MSG, count=Num(1985))
    back = pickle.loads(pickle.dumps(s))
    assert isinstance(back, Said) and back == s and back.startswith("1.985 ")
    assert back.msgid == MSG and back.params == s.params
    with using("en"):
        assert back.again().startswith("1,985 project(s)")


def test_sentence_goes_to_a_worker_process_and_back() -> None:
    from joblib.externals.loky import get_reusable_executor

    with using("vi"):
        s = say(MSG, count=Num(7))
    text, msgid, english = get_reusable_executor(max_workers=1).submit(_echo, s).result()
    assert (text, msgid) == (str(s), MSG)
    assert english.startswith("7 project(s)")
