"""docs/api.md, the public API on one page: one section per name of `kcopt.__all__` and no
other, every signature (the `py` blocks) as the code has it, the fields a record section
names are the record's, and every example (the `python` blocks) runs, in order, in one
namespace, from the repository root, in Vietnamese (the default a planner gets), writing
under a temporary folder instead of `out/`."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import kcopt

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api.md"
HEADING = re.compile(r"^### `kcopt\.(\w+)`[ \t]*$", re.M)
FENCE = re.compile(r"^```(\w*)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
SIGNATURE_START = re.compile(r"^(kcopt(?:\.\w+)+)\(", re.M)
FIELDS = re.compile(r"Fields(?: used most)?:(.*?)(?:\.\s|\.$)", re.S)
OUT = 'Path("out/'


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def blocks(text: str, lang: str) -> list[tuple[int, str]]:
    """The fenced blocks of one language, each with the line its code starts on."""
    return [(text.count("\n", 0, m.start(2)) + 1, m.group(2)) for m in FENCE.finditer(text)
            if m.group(1) == lang]


def section_names(text: str) -> list[str]:
    return HEADING.findall(text)


def coverage(text: str, public: list[str]) -> dict[str, list[str]]:
    """What the page gets wrong about `public`: names with no section, sections of names not
    exported, names with more than one section."""
    names = section_names(text)
    return {"missing": sorted(set(public) - set(names)),
            "not exported": sorted(set(names) - set(public)),
            "twice": sorted(n for n, k in Counter(names).items() if k > 1)}


def test_every_public_name_has_one_section_and_nothing_else_has_one() -> None:
    assert coverage(page(), list(kcopt.__all__)) == {"missing": [], "not exported": [],
                                                      "twice": []}


def test_the_coverage_check_sees_a_missing_an_extra_and_a_doubled_section() -> None:
    text = page()
    assert "### `kcopt.resolve`\n" in text
    broken = (text.replace("### `kcopt.resolve`\n", "### resolving\n")
              + "\n### `kcopt.private_helper`\n\n### `kcopt.solve`\n")
    assert coverage(broken, list(kcopt.__all__)) == {
        "missing": ["resolve"], "not exported": ["private_helper"], "twice": ["solve"]}


def index_names(text: str) -> list[str]:
    """The names of the index table at the top of the page, in order."""
    table = text[text.index("| stage | names |"):]
    table = table[:table.index("\n\n")]
    return [n for row in table.splitlines()[2:] for n in
            re.findall(r"`(\w+)`", row.split("|")[2])]


def test_the_index_lists_every_section_in_the_pages_order() -> None:
    assert index_names(page()) == section_names(page())


def sections(text: str) -> dict[str, str]:
    """Name → the text of its section (up to the next heading)."""
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.M)
    found: dict[str, str] = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        m = HEADING.match(heading)
        if m:
            found[m.group(1)] = body
    return found


def signatures(text: str) -> list[tuple[int, str, str]]:
    """(line, dotted name, `def` source) for every signature in the `py` blocks."""
    found = []
    for line, code in blocks(text, "py"):
        starts = list(SIGNATURE_START.finditer(code))
        assert starts, f"docs/api.md line {line}: a py block holds signatures only"
        assert not code[:starts[0].start()].strip(), f"docs/api.md line {line}"
        for m, nxt in zip(starts, [*starts[1:], None], strict=True):
            end = nxt.start() if nxt else len(code)
            one = code[m.start():end].strip()
            found.append((line + code.count("\n", 0, m.start()), m.group(1),
                          "def _" + one[len(m.group(1)):] + ": ..."))
    return found


def resolve_name(dotted: str) -> Any:
    obj: Any = kcopt
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def _text(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, str):
        return ast.unparse(ast.parse(annotation, mode="eval"))
    return inspect.formatannotation(annotation)


def documented(source: str) -> tuple[list[tuple[str, str, str, Any]], str]:
    """Parameters (name, kind, annotation, default) and return annotation of a `def`."""
    fn = ast.parse(source).body[0]
    assert isinstance(fn, ast.FunctionDef)
    a = fn.args

    def text(node: ast.expr | None) -> str:
        return "" if node is None else ast.unparse(node)

    positional = [*a.posonlyargs, *a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    params = [(p.arg, "POSITIONAL_ONLY" if p in a.posonlyargs else "POSITIONAL_OR_KEYWORD",
               text(p.annotation), d) for p, d in zip(positional, defaults, strict=True)]
    if a.vararg:
        params.append((a.vararg.arg, "VAR_POSITIONAL", text(a.vararg.annotation), None))
    params += [(p.arg, "KEYWORD_ONLY", text(p.annotation), d)
               for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)]
    if a.kwarg:
        params.append((a.kwarg.arg, "VAR_KEYWORD", text(a.kwarg.annotation), None))
    return ([(n, k, ann, inspect.Parameter.empty if d is None else ast.literal_eval(d))
             for n, k, ann, d in params], text(fn.returns))


def actual(obj: Any) -> tuple[list[tuple[str, str, str, Any]], str]:
    sig = inspect.signature(obj)
    return ([(p.name, p.kind.name, _text(p.annotation), p.default)
             for p in sig.parameters.values()], _text(sig.return_annotation))


def mismatches(text: str) -> list[str]:
    wrong = []
    for line, dotted, source in signatures(text):
        try:
            obj = resolve_name(dotted)
        except AttributeError:
            wrong.append(f"line {line}: {dotted} does not exist")
            continue
        doc, code = documented(source), actual(obj)
        if doc != code:
            wrong.append(f"line {line}: {dotted}\n  page: {doc}\n  code: {code}")
    return wrong


def test_every_signature_is_the_codes() -> None:
    assert mismatches(page()) == []


def test_every_function_has_a_signature_and_so_has_every_plot() -> None:
    documented_names = {dotted for _, dotted, _ in signatures(page())}
    functions = {f"kcopt.{n}" for n in kcopt.__all__
                 if inspect.isfunction(getattr(kcopt, n))}
    plots = {f"kcopt.plots.{n}" for n in kcopt.plots.__all__}
    assert functions | plots <= documented_names


def test_the_signature_check_sees_a_wrong_default_annotation_or_name() -> None:
    text = page()
    for old, new in [("draws: int = 200,", "draws: int = 100,"),
                     ("time_limit: float | None = None,\n            mip_gap",
                      "time_limit: float = None,\n            mip_gap"),
                     ("kcopt.get_language() -> str", "kcopt.get_language() -> None"),
                     ("kcopt.plots.tornado(source", "kcopt.plots.tornados(source"),
                     ("(self, **weights: float)", "(self, *weights: float)")]:
        assert old in text, old
        assert len(mismatches(text.replace(old, new))) == 1, new


def named_fields(body: str) -> list[str]:
    """The names in backticks of a section's "Fields:" sentence (parentheses left out)."""
    found = FIELDS.search(re.sub(r"\([^()]*\)", "", body))
    return re.findall(r"`(\w+)`", found.group(1)) if found else []


@pytest.mark.parametrize("name", [n for n in kcopt.__all__
                                  if dataclasses.is_dataclass(getattr(kcopt, n))])
def test_the_fields_a_record_section_names_are_the_records(name: str) -> None:
    body = sections(page())[name]
    fields = {f.name for f in dataclasses.fields(getattr(kcopt, name))}
    named = named_fields(body)
    assert named, f"the section of {name} names no Fields:"
    assert set(named) <= fields, sorted(set(named) - fields)


def rewrite_out(code: str, tmp: Path) -> str:
    """Every `Path("out/…")` of an example under `tmp`; an example may write nowhere else."""
    code = code.replace(OUT, f'Path(r"{tmp}/out/')
    assert '"out' not in code and "'out" not in code, code
    return code


@pytest.mark.slow
def test_every_example_runs_in_order_in_one_namespace(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.pyplot as plt

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("KCOPT_LANG", "vi")  # what a planner gets: the page's default language
    had_out = (ROOT / "out").exists()
    namespace: dict[str, Any] = {"__name__": "api_doc"}
    examples = blocks(page(), "python")
    assert len(examples) >= len(kcopt.__all__)
    try:
        for line, code in examples:
            exec(compile(rewrite_out(code, tmp_path), f"docs/api.md:{line}", "exec"), namespace)
    finally:
        kcopt.set_language(None)
        plt.close("all")
    assert {"allocation.csv", "summary.json", "report.html"} <= {
        p.name for p in (tmp_path / "out" / "demo").iterdir()}
    assert (ROOT / "out").exists() == had_out, "an example wrote into the repository"


def test_every_section_has_an_example() -> None:
    for name, body in sections(page()).items():
        assert blocks(body, "python"), f"the section of kcopt.{name} has no example"
