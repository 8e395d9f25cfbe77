"""The rule set as the regulations and the provinces have it: worked cases.

Every case is a project list and a scenario written as files, built (and where it matters
solved) through the public API; the caps are worked out by hand in each docstring.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import kcopt
import kcopt.core.language
import kcopt.rules.caps
from kcopt.cli import app
from kcopt.model import Model

HAI_DUONG = "Hải Dương HĐND resolution (number and date not retrieved)"
BUDGETS = {"central": 10000, "local": {"Sơn La": 5000, "Hải Phòng": 5000, "Đắk Lắk": 5000,
                                       "Đồng Tháp": 5000}}


def machinery(pid: str, province: str, cost: float = 1000, **extra: Any) -> dict[str, Any]:
    return {"project_id": pid, "name": f"Máy móc {pid}", "province": province,
            "category": "machinery", "total_cost": cost, **extra}


@pytest.fixture
def model_of(make_case: Callable[..., kcopt.Scenario]) -> Callable[..., Model]:
    def build(projects: list[dict[str, Any]], **scenario: Any) -> Model:
        sc = make_case(projects, {"budgets": BUDGETS, "weights": {"appraisal": 1},
                                  "plan_year": 2026, **scenario})
        return kcopt.build(kcopt.read_projects(sc.projects), sc)

    return build


def caps_of(model: Model) -> dict[str, float]:
    return dict(zip(model.projects["project_id"], model.projects["cap"], strict=True))


def test_local_machinery_national_level_former_territory_and_merged_province(model_of):
    """Local machinery, cost 1,000 (50% of cost = 500):

    S1  Sơn La, no resolution                       → national 50% / 300          → 300
    H1  'Hải Dương' in the province column           → Hải Dương resolution 50%/250 → 250
    H2  Hải Phòng + old_province Hải Dương           → the same resolution         → 250
    H3  Hải Phòng, outside the former Hải Dương      → national                    → 300
    H4  Hải Phòng + old_province Hải Phòng           → national                    → 300
    S2  Sơn La, cost 400                             → 50% × 400                   → 200
    """
    model = model_of([
        machinery("S1", "Sơn La"), machinery("H1", "Hải Dương"),
        machinery("H2", "Hải Phòng", old_province="Hải Dương"),
        machinery("H3", "Hải Phòng"), machinery("H4", "Hải Phòng", old_province="Hải Phòng"),
        machinery("S2", "Sơn La", cost=400)])
    assert caps_of(model) == {"S1": 300, "H1": 250, "H2": 250, "H3": 300, "H4": 300, "S2": 200}
    assert (model.projects["status"] == "").all()  # every one eligible from local funds
    basis = model.caps.basis[:, 1]
    assert HAI_DUONG in basis[1] and "former Hải Dương territory" in basis[1]
    assert basis[0] == basis[3] == "TT 28/2018/TT-BTC Art. 8 cl. 4"
    assert list(model.caps.limit[:, 1]) == ["ceiling"] * 5 + ["rate"]


def test_reason_names_the_resolution_and_provenance_records_the_rules(make_case):
    sc = make_case([machinery("H1", "Hải Phòng", old_province="Hải Dương", appraisal=80),
                    machinery("S1", "Sơn La", appraisal=70)],
                   {"budgets": BUDGETS, "weights": {"appraisal": 1}, "plan_year": 2026})
    run = kcopt.run(sc, out=None)
    assert run.allocation is not None and run.summary is not None
    reason = run.allocation.set_index("project_id").loc["H1", "reason"]
    assert "ceiling 250 million" in reason and HAI_DUONG in reason
    rules = run.summary.provenance.rules
    assert rules["in_force_on"] == "2026-01-01" and rules["plan_year"] == 2026
    assert any(HAI_DUONG in r for r in rules["resolutions_applied"])
    assert run.summary.scenario["plan_year"] == 2026


def test_old_province_column_is_checked(make_case):
    """'Tỉnh cũ' is read as old_province; a former province of another unit is an error."""
    folder = Path(make_case([machinery("X", "Sơn La")], {"budgets": BUDGETS}).path).parent
    path = folder / "tinh-cu.csv"
    path.write_text("Mã đề án,Tên đề án,Tỉnh/Thành phố,Tỉnh cũ,Nội dung,Tổng kinh phí\n"
                    "A,Máy A,Hải Phòng,Hai Duong,machinery,1000\n"
                    "B,Máy B,Sơn La,Hải Dương,machinery,1000\n"
                    "C,Máy C,Hải Phòng,Atlantis,machinery,1000\n", encoding="utf-8")
    with pytest.raises(kcopt.InputError) as info:
        kcopt.read_projects(path)
    problems = info.value.problems
    assert [(p.row, p.column) for p in problems] == [(4, "Tỉnh cũ"), (3, "Tỉnh cũ")]
    assert "not the name of a province before 1 July 2025" in problems[0].message
    assert "Hải Dương was merged into Hải Phòng, not Sơn La" in problems[1].message
    with kcopt.core.language.using("vi"), pytest.raises(kcopt.InputError) as info:
        kcopt.read_projects(path)
    problems = info.value.problems
    assert "không phải tên tỉnh trước ngày 01/7/2025" in problems[0].message
    assert "đã hợp nhất vào Hải Phòng, không phải Sơn La" in problems[1].message


def test_group_project_multiplies_the_per_establishment_ceiling(model_of, tmp_path):
    """A group project of 3 establishments, cost 3,000 (central machinery, 300 per
    establishment): min(50% × 3,000, 3 × 300) = 900. The reason says so. A resolution that
    sets a group ceiling of 600 caps a local group project at 600."""
    model = model_of([machinery("G1", "Sơn La", cost=3000, funds="central", establishments=3),
                      machinery("G0", "Sơn La", cost=3000, funds="central")])
    assert caps_of(model) == {"G1": 900, "G0": 300}
    assert "300 million × 3 establishments (group project)" in kcopt.rules.caps.describe_cap(
        model.caps, 0, 0)

    res = tmp_path / "nq-son-la.csv"
    res.write_text("province,resolution,effective,category,rate,cap_million_vnd,cap_unit,"
                   "group_cap_million_vnd\nSơn La,NQ 01/2025/NQ-HĐND,2025-01-01,machinery,0.5,"
                   "300,per establishment,600\n", encoding="utf-8")
    model = model_of([machinery("G2", "Sơn La", cost=3000, establishments=3)],
                     rules={"provincial": str(res)})
    assert caps_of(model) == {"G2": 600}
    assert model.caps.limit[0, 1] == "group_ceiling"


def test_priority_multiplier(model_of, make_case):
    """×1.5 for disadvantaged areas: ceiling 300 → 450 (cost 1,000: 50% = 500 → cap 450);
    a project outside the area keeps 300. A factor above 1.5 is refused."""
    model = model_of([machinery("D1", "Sơn La", disadvantaged_area=1),
                      machinery("D0", "Sơn La", disadvantaged_area=0)],
                     priority_multiplier=[{"factor": 1.5, "disadvantaged_area": True}])
    assert caps_of(model) == {"D1": 450, "D0": 300}
    assert "priority factor 1.5" in kcopt.rules.caps.describe_cap(model.caps, 0, 1)
    with kcopt.core.language.using("vi"), pytest.raises(kcopt.InputError, match=r"tối đa 1,5 lần"):
        make_case([machinery("D1", "Sơn La")],
                  {"budgets": BUDGETS, "priority_multiplier": {"factor": 1.6,
                                                               "provinces": ["Sơn La"]}})


def test_top_slice_is_reserved_before_the_allocation(make_case, tmp_path):
    """Central 10,000: management 1.5% reserves 150; implementers 2.5% of the support:
    9,850 / 1.025 = 9,609.76 for projects and 240.24 for implementers. Demand (20 × 900) is
    above it, so the allocation uses exactly 9,609.76."""
    projects = [machinery(f"P{i}", "Sơn La", cost=3000, funds="central", establishments=3,
                          appraisal=50 + i) for i in range(20)]
    sc = make_case(projects, {"budgets": {"central": 10000}, "weights": {"appraisal": 1},
                              "top_slice": {"management": 0.015, "implementer": 0.025}})
    run = kcopt.run(sc, out=tmp_path / "out", plots=False)
    assert run.summary is not None
    line = run.summary.top_slice["central"]
    assert line["management"] == pytest.approx(150)
    assert line["implementer"] == pytest.approx(9850 - 9850 / 1.025, abs=1e-4)
    assert line["allocatable"] == pytest.approx(9850 / 1.025, abs=1e-4)
    assert run.summary.totals.central == pytest.approx(9850 / 1.025, abs=1e-3)
    assert run.summary.budgets.central == pytest.approx(9850 / 1.025, abs=1e-3)
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "out" / "allocation.xlsx")["Thông tin chạy"]
    items = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert items["Trích quản lý (cơ quan quản lý) trung ương / Management top-slice, central "
                 "budget"] == pytest.approx(150)
    with pytest.raises(kcopt.InputError, match=r"at most 1.5%"):
        make_case(projects, {"budgets": {"central": 10000}, "top_slice": {"management": 0.02}})
    with kcopt.core.language.using("vi"), pytest.raises(kcopt.InputError, match=r"tối đa 1,5%"):
        make_case(projects, {"budgets": {"central": 10000}, "top_slice": {"management": 0.02}})


def test_superseded_level_is_used_but_flagged(model_of):
    """Branding: 50% / 35 per brand under TTLT 26/2014 (superseded, confidence low): a project
    costing 200 gets min(100, 35) = 35, flagged in the warnings and in the reason."""
    model = model_of([{"project_id": "B1", "name": "Nhãn hiệu", "province": "Sơn La",
                       "category": "branding", "total_cost": 200}])
    assert caps_of(model) == {"B1": 35}
    assert model.caps.flagged is not None and model.caps.flagged[0, 1]
    assert any("marks low" in w.message and "branding" in w.message for w in model.warnings)
    assert "low confidence" in kcopt.rules.caps.describe_cap(model.caps, 0, 1)
    with kcopt.core.language.using("vi"):
        assert "độ tin cậy thấp" in kcopt.rules.caps.describe_cap(model.caps, 0, 1)


def test_same_project_under_2017_and_2026_rules(model_of):
    """Local demonstration model in Đắk Lắk, cost 4,000 (30% = 1,200):

    2026: the merged Đắk Lắk's resolution (from 26 July 2025): 30% / 800 → 800
    2017: no resolution yet; TT 28/2018 (from 11 May 2018) not yet in force either, so its
          level stands in, flagged low: 30% / 1,000 → 1,000
    Machinery in Đồng Tháp follows NQ 08/2024 in 2026 and the national level in 2017."""
    projects = [{"project_id": "M1", "name": "Mô hình", "province": "Đắk Lắk",
                 "category": "demo_model", "total_cost": 4000},
                machinery("T1", "Đồng Tháp")]
    new, old = model_of(projects, plan_year=2026), model_of(projects, plan_year=2017)
    assert caps_of(new) == {"M1": 800, "T1": 300}
    assert caps_of(old) == {"M1": 1000, "T1": 300}
    assert "in force from 26/07/2025" in new.caps.basis[0, 1]
    assert "NQ 08/2024/NQ-HĐND" in new.caps.basis[1, 1]
    assert old.caps.basis[1, 1].startswith("TT 28/2018")
    assert new.caps.flagged is not None and old.caps.flagged is not None
    assert not new.caps.flagged[0, 1] and old.caps.flagged[0, 1]
    assert old.caps.confidence is not None and old.caps.confidence[0, 1] == "low"
    assert new.rules.today.isoformat() == "2026-01-01"


def test_merged_province_resolution_replaces_the_former_one(model_of, tmp_path):
    """A planner's own resolution for the whole of the merged Hải Phòng, in force from
    1 March 2026, machinery 40% / 280: in 2027 it applies in the former Hải Dương too
    (min(400, 280) = 280); in 2026 (rules of 1 January) Hải Dương's 250 still applies there."""
    res = tmp_path / "hai-phong.csv"
    res.write_text("Tỉnh,Nghị quyết,Ngày hiệu lực,Nội dung,Tỷ lệ hỗ trợ,Mức hỗ trợ tối đa\n"
                   "Hải Phòng,NQ 05/2026/NQ-HĐND,01/03/2026,machinery,40%,280\n",
                   encoding="utf-8")
    projects = [machinery("H1", "Hải Dương"), machinery("H3", "Hải Phòng")]
    assert caps_of(model_of(projects, rules={"provincial": str(res)}, plan_year=2027)) == {
        "H1": 280, "H3": 280}
    assert caps_of(model_of(projects, rules={"provincial": str(tmp_path)}, plan_year=2026)) == {
        "H1": 250, "H3": 300}


def test_bad_resolution_file_lists_every_problem(make_case, tmp_path):
    res = tmp_path / "nq.csv"
    res.write_text("province,territory,resolution,effective,category,rate,cap_million_vnd\n"
                   "Atlantis,,NQ 1,2025-01-01,machinery,0.5,300\n"
                   "Hải Phòng,Sơn La,NQ 1,2025-01-01,machinery,0.5,300\n"
                   "Sơn La,,NQ 2,31/02/2025,machinery,1.5,300\n"
                   "Sơn La,,NQ 3,2025-01-01,robots,0.5,300\n"
                   "Sơn La,,,2025-01-01,demo_model,,\n", encoding="utf-8")
    with pytest.raises(kcopt.InputError) as info:
        make_case([machinery("S1", "Sơn La")], {"budgets": BUDGETS,
                                                 "rules": {"provincial": str(res)}})
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(2, "province"), (3, "territory"), (4, "effective"), (4, "rate"),
                     (5, "category"), (6, "rate"), (6, "resolution")}
    text = str(info.value)
    assert "nq.csv" in text and "not a former province merged into Hải Phòng" in text


def test_every_both_content_type_is_eligible_for_a_local_project(model_of):
    """Every content type the national table pays from both funds, asked by a local project
    (with a requested amount where no level was retrieved), gets a positive local cap."""
    text = (resources.files("kcopt") / "data" / "support_rates.csv").read_text("utf-8")
    both = sorted({r["category"] for r in csv.DictReader(text.splitlines())
                   if r["fund"] == "both"})
    assert {"machinery", "technology_line", "demo_model", "replication_model",
            "cleaner_production"} <= set(both)
    projects = [{"project_id": c, "name": c, "province": "Sơn La", "category": c,
                 "total_cost": 5000, "requested": 100, "disadvantaged_area": 1,
                 "infra_investment": 10000} for c in both]
    model = model_of(projects)
    assert model.projects["status"].tolist() == [""] * len(both)
    assert (~np.isnan(model.caps.cap[:, 1])).all() and (model.caps.cap[:, 1] > 0).all()


def test_typical_product_vote_level_picks_the_fund(model_of):
    """Regional votes are paid from central funds (at most 100 a round), district votes from
    local funds; a local-only project with a national vote is ineligible, with the reason."""
    base = {"name": "Bình chọn", "province": "Sơn La", "category": "typical_product",
            "total_cost": 500, "requested": 150}
    model = model_of([{**base, "project_id": "V1", "vote_level": "khu vực", "funds": "both"},
                      {**base, "project_id": "V2", "vote_level": "cấp huyện"},
                      {**base, "project_id": "V3", "vote_level": "national", "funds": "local"}])
    caps = model.caps
    assert caps.cap[0, 0] == 100 and np.isnan(caps.cap[0, 1])
    assert np.isnan(caps.cap[1, 0]) and caps.cap[1, 1] == 150
    assert model.projects["status"].tolist() == ["", "", "ineligible"]
    assert "a vote at the national level is paid from central funds" in (
        model.projects["reason"].iloc[2])


def test_one_item_is_not_funded_twice(model_of):
    """Machinery already supported by another state programme: excluded, with the reason; CCN
    infrastructure keeps the reduced cap (Decree 32 counts all state support together)."""
    model = model_of([machinery("M1", "Sơn La", other_state_support=100),
                      {"project_id": "C1", "name": "Hạ tầng CCN", "province": "Sơn La",
                       "category": "ccn_infrastructure", "total_cost": 2000,
                       "infra_investment": 1000, "other_state_support": 100,
                       "funds": "central"}])
    assert model.projects["status"].tolist() == ["ineligible", ""]
    assert "not funded twice" in model.projects["reason"].iloc[0]
    assert caps_of(model)["C1"] == 200  # min(30% × 2,000 − 100, 30% × 1,000 − 100), central too
    assert model.caps.limit[1, 0] == "decree32"


def test_rules_command_shows_national_and_provincial_levels_side_by_side():
    runner = CliRunner()
    res = runner.invoke(app, ["rules", "--province", "Hai Phong", "--year", "2026",
                              "--lang", "vi"], catch_exceptions=False)
    assert res.exit_code == 0
    line = next(li for li in res.output.splitlines()
                if li.startswith("machinery") and "Nghị quyết HĐND tỉnh Hải Dương" in li)
    assert "50% /    300" in line and "50% /    250" in line and "vietnam.vn" in line
    assert "địa bàn Hải Dương" in res.output and "01/01/2026" in res.output
    res = runner.invoke(app, ["rules", "--province", "Sơn La", "--csv"],
                        catch_exceptions=False)
    assert "national_ceiling" in res.output.splitlines()[0]
    assert "chưa có trong bộ định mức" not in res.output


def test_package_rates_keep_every_shared_row_and_source_the_additions():
    """The package's support_rates.csv: the shared table's rows and columns, then added rows,
    each with its source."""
    text = (resources.files("kcopt") / "data" / "support_rates.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    shared = [r for r in rows if not r["source"]]
    assert len(shared) == 27 and all(r["source"] for r in rows[27:])
    assert {r["category"] for r in shared} >= {"ccn_detailed_planning", "study_tour_abroad"}
    per_fund = [(r["category"], r["fund"]) for r in shared if r["category"].startswith("ccn_")]
    # one national level for both funds; Hải Dương's 1,400 is its resolution, in
    # provincial_rates.csv for its former territory
    assert ("ccn_pollution_treatment", "both") in per_fund
    assert ("ccn_infrastructure", "central") in per_fund
    shared_file = Path("/work/shared/data/support_rates.csv")
    if shared_file.exists():  # the reference copy, where the team's shared data is mounted
        ref = list(csv.DictReader(shared_file.read_text("utf-8").splitlines()))
        assert [{k: r[k] for k in ref[0]} for r in shared] == ref


def test_rules_command_checks_and_shows_a_planners_resolution(tmp_path):
    """`kcopt rules --provincial FILE` lists every bad cell (exit 1), or shows the file's
    levels beside the national ones for its territory."""
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text("Tỉnh,Nghị quyết,Nội dung,Tỷ lệ\nXyz,,abc,2\n", encoding="utf-8")
    res = runner.invoke(app, ["rules", "--provincial", str(bad)])
    assert res.exit_code == 1
    assert all(c in res.output for c in ("'Nội dung'", "'Tỷ lệ'", "'Tỉnh'", "'Nghị quyết'"))
    good = tmp_path / "nq.csv"
    good.write_text("Tỉnh,Địa bàn cũ,Nghị quyết,Ngày hiệu lực,Nội dung,Tỷ lệ hỗ trợ,"
                    "Mức hỗ trợ tối đa\nĐồng Tháp,Tien Giang,NQ 15/2023/NQ-HĐND,01/01/2024,"
                    "Ứng dụng máy móc thiết bị tiên tiến,50%,200\n", encoding="utf-8")
    res = runner.invoke(app, ["rules", "--province", "Đồng Tháp", "--provincial", str(good),
                              "--year", "2026", "--lang", "vi"], catch_exceptions=False)
    assert res.exit_code == 0
    lines = [li for li in res.output.splitlines() if li.startswith("machinery")]
    assert len(lines) == 3  # central; local in the former Đồng Tháp; local in Tiền Giang
    assert "50% /    200" in lines[2] and "địa bàn Tiền Giang cũ" in lines[2]


def test_a_resolution_lets_local_funds_pay_what_the_national_table_does_not(model_of,
                                                                            tmp_path):
    """International cooperation is central-only nationally; a province whose resolution sets
    a local level (50% / 120) pays it locally: min(50% × 400, 120) = 120."""
    res = tmp_path / "nq.csv"
    res.write_text("province,resolution,effective,category,rate,cap_million_vnd\n"
                   "Sơn La,NQ 7/2025/NQ-HĐND,2025-03-01,international_cooperation,0.5,120\n",
                   encoding="utf-8")
    project = {"project_id": "I1", "name": "Hợp tác", "province": "Sơn La",
               "category": "international_cooperation", "total_cost": 400}
    assert model_of([project]).projects["status"].tolist() == ["ineligible"]
    model = model_of([project], rules={"provincial": str(res)})
    assert caps_of(model) == {"I1": 120} and "NQ 7/2025/NQ-HĐND" in model.caps.basis[0, 1]


def test_a_new_circular_is_one_national_file(model_of, tmp_path):
    """A circular replacing TT 28/2018 from 1 July 2026 raises machinery to 50% / 400: one file
    with `valid_from`. Plan year 2027 takes it (min(500, 400) = 400); 2026 keeps TT 28/2018's
    300. A national row without its start date is refused."""
    new = tmp_path / "tt-moi.csv"
    new.write_text("category,fund,rate,cap_million_vnd,cap_unit,basis,confidence,valid_from\n"
                   "machinery,both,0.5,400,per establishment,TT 99/2026/TT-BTC Art. 5,high,"
                   "2026-07-01\n", encoding="utf-8")
    projects = [machinery("S1", "Sơn La")]
    later = model_of(projects, rules={"national": str(new)}, plan_year=2027)
    assert caps_of(later) == {"S1": 400} and later.caps.basis[0, 1] == "TT 99/2026/TT-BTC Art. 5"
    assert caps_of(model_of(projects, rules={"national": str(new)}, plan_year=2026)) == {
        "S1": 300}
    undated = tmp_path / "undated.csv"
    undated.write_text("category,fund,rate,basis\nmachinery,local,0.4,TT 99/2026\n",
                       encoding="utf-8")
    with pytest.raises(kcopt.InputError, match="a national level needs the day it takes effect"):
        model_of(projects, rules={"national": str(undated)})


def test_the_national_table_cites_no_province():
    """The package's support_rates.csv holds national levels only: no row's basis may be a
    provincial resolution or name a province (today's or a merged one), and its note may name
    a province only as an example ("provincial resolutions e.g. …"), never as the row's own
    level ("provincial example"). One province's HĐND level applied to all 34 was issue 26's
    bug (Hải Dương's 30% / 1,400 for ccn_pollution_treatment's local fund); a province's own
    level belongs in provincial_rates.csv."""
    import io
    import re

    from kcopt.core.geo import load_geography
    from kcopt.core.text import fold

    text = (resources.files("kcopt") / "data" / "support_rates.csv").read_text(encoding="utf-8")
    geo = load_geography()
    names = {fold(n) for p in geo.provinces.values() for n in (p.name, *p.merged_from)}
    resolution = re.compile(r"\b(nghi quyet|resolution|hdnd|nq|provincial)\b")
    cited = []
    for row in csv.DictReader(io.StringIO(text)):
        basis = fold(row["basis"])
        note = fold(re.sub(r"e\.g\.[^)]*\)", ")", row["note"]))  # examples may name one
        if resolution.search(basis) or "provincial example" in note:
            cited.append((row["category"], row["fund"], row["basis"], row["note"]))
        for name in names:
            if f" {name} " in f" {basis} " or f" {name} " in f" {note} ":
                cited.append((row["category"], row["fund"], name))
    assert not cited, f"national rows citing a province as the level's source: {cited}"


def test_plans_from_2027_are_warned_of_tt_139_until_a_levels_file_covers_them(model_of,
                                                                             tmp_path):
    """TT 139/2026/TT-BTC is reported to replace TT 28/2018/TT-BTC; its levels are not in hand
    (legal_documents.csv). Plan year 2026: no warning. 2027: one warning naming it and both
    content types in use (machinery, demo_model). A national levels file with machinery rows
    from 2027-01-01 (40% / 350) changes S1's cap — min(40% × 1,000, 350) = 350, not TT 28's
    min(50% × 1,000, 300) = 300 — and leaves only demo_model in the warning; a scenario rate
    for demo_model silences it."""
    from kcopt.rules.pending import CODE

    projects = [machinery("S1", "Sơn La"),
                {"project_id": "D1", "name": "Mô hình trình diễn", "province": "Sơn La",
                 "category": "demo_model", "total_cost": 2000}]

    def pending(model: Model) -> list[str]:
        return [w.message for w in model.warnings if w.code == CODE]

    assert pending(model_of(projects, plan_year=2026)) == []
    warned = pending(model_of(projects, plan_year=2027))
    assert len(warned) == 1 and "TT 139/2026/TT-BTC" in warned[0]
    assert "(machinery)" in warned[0] and "(demo_model)" in warned[0]
    new = tmp_path / "tt-139.csv"
    new.write_text("category,fund,rate,cap_million_vnd,cap_unit,basis,confidence,valid_from\n"
                   "machinery,both,0.4,350,per establishment,TT 139/2026/TT-BTC Art. 8,high,"
                   "2027-01-01\n", encoding="utf-8")
    model = model_of(projects, plan_year=2027, rules={"national": str(new)})
    assert caps_of(model)["S1"] == 350
    warned = pending(model)
    assert len(warned) == 1 and "(machinery)" not in warned[0] and "(demo_model)" in warned[0]
    model = model_of(projects, plan_year=2027, rules={"national": str(new)},
                     rate_overrides=[{"category": "demo_model", "fund": "both", "rate": 0.3,
                                      "cap": 500}])
    assert pending(model) == []
