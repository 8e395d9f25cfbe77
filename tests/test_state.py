"""No process-wide state behind a planner's back: the scenario's language holds for the thread
that loaded it (and for `kcopt.run` of that scenario, wherever it runs); the what-if's warm start
and the reasons' cap words ride on the records they describe, never in a table keyed by `id()`,
where an object made at a freed object's address would read the freed one's entry."""

from __future__ import annotations

import ast
import dataclasses
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import kcopt
from addresses import made_at_a_freed_address
from kcopt.analysis.report import allocation_table
from kcopt.core.language import set_scenario_language, using
from kcopt.core.words import get_language
from kcopt.rules.caps import CapTable

SRC = Path(kcopt.__file__).parent


def _scenario(folder: Path, language: str) -> Path:
    """Three projects of which the budget funds two in full (their reasons are words)."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{"project_id": f"P-{i}", "name": f"đề án {i}", "province": "Lâm Đồng",
                   "category": "training", "level": "local", "total_cost": 100,
                   "requested": 60, "score": 3 - i} for i in range(3)]).to_csv(
        folder / "p.csv", index=False)
    path = folder / "s.yaml"
    path.write_text(yaml.safe_dump({"name": language, "projects": "p.csv", "language": language,
                                    "budgets": {"central": 0, "local": {"Lâm Đồng": 150}}}),
                    encoding="utf-8")
    return path


@pytest.fixture
def no_language_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KCOPT_LANG", raising=False)
    kcopt.set_language(None)
    set_scenario_language(None)


def test_two_threads_each_speak_their_own_scenarios_language(no_language_chosen: None,
                                                             tmp_path: Path) -> None:
    """Two sessions load scenarios in different languages at the same time: each speaks its
    own, before and after the other loads, and the thread that loaded neither speaks its own."""
    paths = {lang: _scenario(tmp_path / lang, lang) for lang in ("en", "vi")}
    both_loaded = threading.Barrier(2)
    seen: dict[str, tuple[str, str, str]] = {}
    errors: list[BaseException] = []

    def session(lang: str) -> None:
        try:
            sc = kcopt.load_scenario(paths[lang])
            both_loaded.wait(timeout=60)  # the other thread has loaded its scenario too
            spoken = get_language()
            r = kcopt.run(sc, out=None)
            assert r.allocation is not None
            seen[lang] = (spoken, get_language(), r.allocation["reason"].iloc[0])
        except BaseException as exc:  # said in the main thread
            errors.append(exc)
            both_loaded.abort()

    threads = [threading.Thread(target=session, args=(lang,)) for lang in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert seen["en"][:2] == ("en", "en") and seen["en"][2].startswith("funded in full")
    assert seen["vi"][:2] == ("vi", "vi") and seen["vi"][2].startswith("được hỗ trợ đủ")
    assert get_language() == "vi"  # this thread loaded no scenario
    sc = kcopt.load_scenario(paths["en"])  # ... and a scenario's language goes with it
    set_scenario_language(None)
    with using("vi"):
        assert kcopt.run(sc).allocation["reason"].iloc[0].startswith("được hỗ trợ đủ")
    assert kcopt.run(sc).allocation["reason"].iloc[0].startswith("funded in full")
    assert get_language() == "vi"


def test_cap_words_are_kept_with_their_table_not_at_its_address(tmp_path: Path) -> None:
    """The reasons' cap words are cached with the cap table: a table made where a described
    one was freed (the same `id()`) is described afresh."""
    r = kcopt.run(_scenario(tmp_path, "en"))
    model = r.result.model
    fields = {f.name: getattr(model.caps, f.name) for f in dataclasses.fields(CapTable)
              if f.init}
    by_rate = {**fields, "limit": np.full_like(fields["limit"], "rate")}  # the rate caps each

    def described() -> CapTable:
        model.caps = CapTable(**fields)
        with using("en"):
            assert "cap: the amount requested" in allocation_table(r.result)["reason"].iloc[0]
        assert model.caps.words
        caps, model.caps = model.caps, None  # type: ignore[assignment]
        return caps

    model.caps = made_at_a_freed_address(described, lambda: CapTable(**by_rate))
    with using("en"):
        after = allocation_table(r.result)["reason"].iloc[0]
    assert "of cost" in after and "the amount requested" not in after


def _module_containers(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets = ([node.target] if isinstance(node, ast.AnnAssign)
                   else node.targets if isinstance(node, ast.Assign) else [])
        value = getattr(node, "value", None)
        mutable = isinstance(value, ast.Dict | ast.Set | ast.List) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
            and value.func.id in ("dict", "set", "list", "WeakValueDictionary"))
        if mutable:
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_no_module_level_table_is_keyed_by_id() -> None:
    """A function that takes an object's `id()` and reads or writes a module-level mapping is
    a cache keyed by address: keep what belongs to a record on the record, or key by content."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        containers = _module_containers(tree)
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            nodes = list(ast.walk(fn))
            takes_id = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                           and n.func.id == "id" for n in nodes)
            uses = {n.id for n in nodes if isinstance(n, ast.Name)} & containers
            if takes_id and uses:
                found.append(f"{path.relative_to(SRC)}:{fn.name} ({', '.join(sorted(uses))})")
    assert not found, found
