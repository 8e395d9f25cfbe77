"""Every word a planner reads, in the language in use: the command line's own usage errors and
help chrome, the messages found by hostile inputs, the commands' outputs.

Vietnamese by default; the mirror tests run the same with ``--lang en`` and expect English."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

import kcopt
from kcopt.cli import app
from kcopt.core.language import set_scenario_language
from test_language import english_words

DEMO = str(kcopt.demo_scenario_path())
# the framework's English (click, typer, pydantic) on top of test_language's list
FRAMEWORK = frozenset("""
invalid value such command try help missing argument unexpected extra option requires did you
mean input greater equal range valid number parse string got integer error usage
""".split())  # noqa: SIM905
BOX = re.compile("[│╭╮╰╯─]")
# an option, a quoted name (what the user typed) and the argument's name are codes
CODES = re.compile(r"--?[\w-]+|'[^']*'|\{\w+\}|\bSCENARIO\b|\bkcopt\b")


@pytest.fixture
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The user's default: no KCOPT_LANG, no --lang."""
    monkeypatch.delenv("KCOPT_LANG", raising=False)
    kcopt.set_language(None)
    set_scenario_language(None)
    yield
    kcopt.set_language(None)


def english(text: str) -> dict[str, str]:
    lines = [CODES.sub(" ", BOX.sub(" ", line)) for line in text.splitlines()]
    found = english_words(lines)
    for line in lines:
        for word in re.findall(r"[^\W\d_]+", line):
            if word.lower() in FRAMEWORK:
                found.setdefault(word.lower(), line.strip())
    return found


def flat(text: str) -> str:
    return " ".join(BOX.sub(" ", text).split())


# a usage error, what the planner reads in Vietnamese, and in English under --lang en
USAGE_ERRORS = [
    (["solve", DEMO, "--time-limit", "-1"],
     "Giá trị không hợp lệ cho '--time-limit':", "Invalid value for '--time-limit':"),
    (["solve", DEMO, "--time-limit", "x"],
     "Giá trị không hợp lệ cho '--time-limit':", "Invalid value for '--time-limit':"),
    (["solv"], "Không có lệnh 'solv'. Có phải là 'solve'?",
     "No such command 'solv'. Did you mean 'solve'?"),
    (["solve"], "Thiếu tham số 'scenario'.", "Missing argument 'scenario'."),
    (["solve", DEMO, "--foo"], "Không có tùy chọn --foo.", "No such option: --foo."),
    (["solve", DEMO, "a", "b"], "Thừa tham số (a b).", "Unexpected extra arguments (a b)."),
    (["solve", DEMO, "-o"], "Tùy chọn '-o' cần một giá trị.", "Option '-o' needs a value."),
    (["app", "--port", "0"], "Giá trị không hợp lệ cho '--port':", "Invalid value for '--port':"),
    (["--limit", "rows=abc", "rules"], "Giá trị không hợp lệ cho '--limit': giới hạn 'rows'",
     "Invalid value for '--limit': the limit 'rows'"),
]


@pytest.mark.parametrize(("args", "vi", "en"), USAGE_ERRORS,
                         ids=[" ".join(a[0:1] + a[2:]) for a, _, _ in USAGE_ERRORS])
def test_usage_errors_speak_the_language_in_use(vietnamese: None, args: list[str], vi: str,
                                               en: str) -> None:
    """Click's and typer's own words (the error, the hint, the panel, the usage line) are
    rebuilt through kcopt's catalog: no "Invalid value", "Try … for help", "Error" left."""
    runner = CliRunner()
    said = runner.invoke(app, args)
    assert said.exit_code == 2, said.output
    assert vi in flat(said.output), said.output
    assert not english(said.output), (english(said.output), said.output)
    if "Cách dùng" in said.output:  # the hint and usage line, where the framework prints them
        assert "Xem 'kcopt" in said.output and "để biết cách dùng" in said.output
        assert "[TÙY CHỌN]" in said.output and "╭─ Lỗi" in said.output
    mirror = runner.invoke(app, [*args, "--lang", "en"])
    assert mirror.exit_code == 2, mirror.output
    assert en in flat(mirror.output), mirror.output
    assert not re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", mirror.output,
                         flags=re.IGNORECASE), mirror.output


def test_a_bound_in_a_usage_error_reads_the_vietnamese_way(vietnamese: None) -> None:
    """typer ≥ 0.22 words a bound the pydantic way ("greater than or equal to 0"), click as a
    range ("-1.0 is not in the range x>=0"): either is said in the planner's words."""
    from kcopt.cli.usage import detail_words

    assert detail_words("Input should be greater than or equal to 1500") == (
        "phải lớn hơn hoặc bằng 1.500")
    assert detail_words("-1.0 is not in the range x>=0.") == "-1.0 nằm ngoài khoảng x>=0"
    assert detail_words("Input should be a valid number, unable to parse string as a number") \
        == "phải là một số"
    assert detail_words("'x' is not a valid float range.") == "'x' không phải là một số"
    assert detail_words("something new") == "something new"  # unknown: as the framework said
