"""The corpus of published plans (tests/corpus/plans.py, plans2.py): each file is read without
edits, every project, amount, province and content type is checked against the published
figures (and the published total support, where there is one), and it solves with `kcopt solve`
after `kcopt init`.

A file whose layout needs a reader another part of issue #24 adds (`CorpusFile.needs`: section
titles in a province's words, group lines and structure rows — branch `sections`; dự toán and
places without a province column — branch `dutoan`) fails here, saying which, until that part
is merged. Its expectations are the published facts all the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.plans import corpus
from corpus.sheet import CorpusFile, Fact
from kcopt.cli import app
from kcopt.core.errors import InputError
from kcopt.inputs.schema import Projects, read_projects

FILES = {f.name: f for f in corpus()}
BRANCH = {"sections": "sections", "group_lines": "sections", "structure_rows": "sections",
          "dutoan": "dutoan", "gazetteer": "dutoan", "support_only": "dutoan"}


@pytest.fixture(scope="module")
def built(libreoffice, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every corpus file written, and saved by LibreOffice as .xls or .ods where it is kept so."""
    src = tmp_path_factory.mktemp("corpus")
    out = {f.name: f.build(src / f"{f.name}.xlsx") for f in FILES.values()}
    for to in ("xls", "ods"):
        names = [f.name for f in FILES.values() if f.fmt == to]
        if names:
            saved = libreoffice.convert([out[n] for n in names], src / to, to)
            out.update(dict(zip(names, saved, strict=True)))
    return out


def test_the_corpus_covers_the_published_layouts() -> None:
    files = list(FILES.values())
    assert len(files) >= 8
    published = [f for f in files if f.published != "layout only"]
    assert len(published) >= 8, [f.name for f in published]
    assert {f.fmt for f in files} >= {"xlsx", "xls", "ods"}
    for f in files:
        assert f.source and f.facts, f.name
        assert set(f.needs) <= set(BRANCH), f.name


def test_every_sheet_cites_its_source(built: dict[str, Path]) -> None:
    from kcopt.io.read import _calamine_book, _read_xlsx

    for name, path in built.items():
        opener = {"xls": _calamine_book, "ods": _calamine_book}.get(FILES[name].fmt)
        data = path.read_bytes()
        grid, _ = (_read_xlsx(path, data, None, lambda c: True, opener) if opener
                   else _read_xlsx(path, data, None, lambda c: True))
        cells = [c for row in grid.cells for c in row if c.startswith("Nguồn: ")]
        assert cells == ["Nguồn: " + FILES[name].source], name


def _needs(f: CorpusFile, what: str) -> str:
    if not f.needs:
        return what
    parts = ", ".join(f"{n} (branch {BRANCH[n]})" for n in f.needs)
    return f"{f.name} needs {parts}: {what}"


@pytest.mark.parametrize("name", list(FILES))
def test_each_file_reads_as_published(built: dict[str, Path], name: str) -> None:
    f = FILES[name]
    try:
        projects = read_projects(built[name])
    except InputError as exc:
        pytest.fail(_needs(f, f"not read: {exc}"))
    wrong = _compare(projects, f.facts, f.not_projects)
    if f.total is not None:
        read = float(projects.frame["requested"].sum())
        if abs(read - f.total) > 1e-6 or abs(sum(x.requested for x in f.facts) - f.total) > 1e-6:
            wrong.append(f"total support read {read}, published {f.total}")
    assert not wrong, _needs(f, "\n".join(wrong))


def _compare(projects: Projects, facts: list[Fact], not_projects: list[str]) -> list[str]:
    """Every difference between what was read and the published facts."""
    frame = projects.frame
    names = frame["name"].astype(str).str.strip().tolist()
    wrong = [f"{len(frame)} projects read, {len(facts)} published"] if len(frame) != len(
        facts) else []
    wrong += [f"read as a project: {n!r}" for n in not_projects if n in names]
    seen: dict[str, int] = {}  # a name published twice (two group projects) is read in order
    for fact in facts:
        k = seen[fact.name] = seen.get(fact.name, -1) + 1
        published = sum(f.name == fact.name for f in facts)
        if names.count(fact.name) != published:
            if k == 0:
                wrong.append(f"{fact.name!r} read {names.count(fact.name)} times, published "
                             f"{published}")
            continue
        row = frame.iloc[[i for i, n in enumerate(names) if n == fact.name][k]]
        want = {"province": fact.province, "category": fact.category, "level": fact.level,
                "requested": fact.requested, "establishments": fact.establishments}
        if fact.total_cost is not None:
            want["total_cost"] = fact.total_cost
        for key, value in want.items():
            got = row.get(key)
            same = abs(float(got) - float(value)) < 1e-9 if isinstance(value, (int, float)) \
                else got == value
            if not same:
                wrong.append(f"{fact.name!r}: {key} read {got!r}, published {value!r}")
    return wrong


@pytest.mark.parametrize("name", list(FILES))
def test_each_file_solves_after_init(built: dict[str, Path], name: str,
                                     tmp_path: Path) -> None:
    f = FILES[name]
    runner = CliRunner()
    scenario = tmp_path / "kich-ban.yaml"
    init = runner.invoke(app, ["init", str(built[name]), "-o", str(scenario)])
    assert init.exit_code == 0, _needs(f, f"kcopt init: {init.output[-1500:]}")
    solved = runner.invoke(app, ["solve", str(scenario), "-o", str(tmp_path / "out"),
                                 "--no-plots"])
    assert solved.exit_code == 0, _needs(f, f"kcopt solve: {solved.output[-1500:]}")
    assert (tmp_path / "out" / "annex.xlsx").exists()
