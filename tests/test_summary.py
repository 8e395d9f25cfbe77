"""The typed run summary: `summary.json` made from it byte for byte, read back into the same
record, and a file with a key missing or of the wrong type named by `load_output`."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

import kcopt
from kcopt.analysis.summary import Budgets, Counts, Provenance, Summary, Totals
from kcopt.core.errors import OutputError
from kcopt.io.folders import MARKER

DEMOS = sorted(kcopt.demo_scenario_path().parent.glob("*.yaml"))


@pytest.fixture(scope="module", params=[p.name for p in DEMOS])
def solved(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           ) -> tuple[kcopt.Run, Path]:
    out = tmp_path_factory.mktemp("summary") / "out"
    scenario = kcopt.demo_scenario_path().parent / request.param
    return kcopt.run(scenario, out=out, plots=False, xlsx=False), out


def test_three_demos_make_summary_json_and_read_it_back(solved: tuple[kcopt.Run, Path]) -> None:
    run, out = solved
    s = run.summary
    assert isinstance(s, Summary) and isinstance(s.totals, Totals)
    assert isinstance(s.budgets, Budgets) and isinstance(s.counts, Counts)
    assert isinstance(s.provenance, Provenance) and s.provenance.solver == "highs"
    text = (out / "summary.json").read_text(encoding="utf-8")
    assert s.to_json() == text  # the record writes the file, byte for byte
    data = json.loads(text)
    back = Summary.from_json(data, out / "summary.json")
    assert back.to_json() == text  # file → record → file
    assert back == replace(s, timings_s=None)
    assert kcopt.load_output(out).summary == back
    # the record's fields are the file's numbers
    alloc = run.allocation
    assert alloc is not None
    assert s.totals.central == pytest.approx(alloc["central"].sum(), abs=1e-5)
    assert s.totals.local == data["totals"]["local"] and s.budgets.local == data["budgets"]["local"]
    assert s.counts.funded == int((alloc["status"] == "funded").sum())
    assert (s.by_year is not None) == bool(run.scenario.years) == ("by_year" in data)
    assert s.timings_s is not None and "timings_s" not in data  # in memory, not in the file


def test_string_keys_still_read_the_json_view_with_a_warning(solved: tuple[kcopt.Run, Path],
                                                            ) -> None:
    s = solved[0].summary
    assert s is not None
    with pytest.warns(DeprecationWarning, match="summary.totals.central"):
        central = s["totals"]["central"]
    assert central == s.totals.central
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert s["counts"] == vars(s.counts)
        assert s["provenance"]["created"] == s.provenance.created
        assert s.get("top_slice") is None and s.get("nothing", 1) == 1
        with pytest.raises(KeyError):
            s["nothing"]


def _edited(out: Path, change) -> Path:
    """The folder with summary.json changed and its marker's hashes gone (so the check of
    the summary itself is what answers, not the manifest)."""
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    change(data)
    (out / "summary.json").write_text(json.dumps(data), encoding="utf-8")
    (out / MARKER).unlink()
    return out


@pytest.mark.parametrize(("change", "named"), [
    (lambda d: d.pop("totals"), "'totals'"),
    (lambda d: d["budgets"].pop("local"), "'budgets.local'"),
    (lambda d: d.update(counts={"funded": "many"}), "'counts.funded'"),
    (lambda d: d.update(provenance="kcopt"), "'provenance'"),
    (lambda d: d.update(objective="high", by_region={}), "'objective', 'by_region'"),
])
def test_load_output_names_the_missing_or_wrong_key(tmp_path: Path, change, named: str) -> None:
    out = tmp_path / "out"
    kcopt.run(kcopt.demo_scenario_path(), out=out, plots=False, xlsx=False)
    _edited(out, change)
    with pytest.raises(OutputError) as err:
        kcopt.load_output(out)
    message = str(err.value)
    assert named in message and str(out / "summary.json") in message


def test_an_infeasible_run_has_no_summary(tmp_path: Path) -> None:
    """An infeasible scenario writes diagnosis.json, not summary.json: nothing to round-trip,
    and load_output says why."""
    sc = tmp_path / "tight.yaml"
    sc.write_text(f"extends: {kcopt.demo_scenario_path()}\ntargets:\n  - {{name: too_much, "
                  "kind: share_min, of: [green], amount: 500000}\n", encoding="utf-8")
    with pytest.raises(kcopt.InfeasibleError):
        kcopt.run(sc, out=tmp_path / "out", plots=False, xlsx=False)
    assert (tmp_path / "out" / "diagnosis.json").exists()
    assert not (tmp_path / "out" / "summary.json").exists()
    with pytest.raises(OutputError, match=r"diagnosis\.json"):
        kcopt.load_output(tmp_path / "out")


def test_a_key_the_record_has_no_field_for_is_refused_when_made_and_kept_out_when_read(
        solved: tuple[kcopt.Run, Path]) -> None:
    """A key added to report.summary() without a field would vanish from summary.json: making
    the record refuses it. A file of a newer kcopt with an extra key still reads."""
    run, out = solved
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    data["new_table"] = []
    data["totals"]["extra"] = 1.0
    with pytest.raises(ValueError, match=r"new_table, totals\.extra"):
        Summary.from_dict(data)
    assert run.summary is not None
    assert Summary.from_json(data, out / "summary.json") == replace(run.summary, timings_s=None)
