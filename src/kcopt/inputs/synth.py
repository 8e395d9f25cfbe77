"""Seeded synthetic project lists and budgets in realistic ranges (docs/contract.md §8): the
bundled demo and the national-scale inputs of the benchmark come from here, so anyone can
regenerate them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kcopt.core.geo import load_geography
from kcopt.rules.rates import load_rules

# category: (share of projects, level mix (share central), cost range, requested share of cost)
MIX = {
    "machinery": (0.30, 0.5, (350, 1600), (0.45, 0.5)),
    "technology_line": (0.07, 0.95, (600, 2500), (0.45, 0.5)),
    # national projects in the demo; provinces may fund these too (tests/test_rules.py), but
    # moving some to local funds here would leave the demo's central budget unspent under its
    # NMM floor
    "demo_model": (0.05, 1.0, (1500, 4500), (0.28, 0.3)),
    "cleaner_production": (0.05, 1.0, (800, 2200), (0.28, 0.3)),
    "replication_model": (0.03, 1.0, (200, 600), (0.3, 0.5)),
    "pollution_treatment": (0.06, 0.3, (300, 1200), (0.28, 0.3)),
    "training": (0.07, 0.2, (120, 500), (0.5, 0.9)),
    "management_capacity": (0.03, 0.3, (100, 400), (0.5, 0.9)),
    "establish_enterprise": (0.02, 0.0, (20, 60), (0.3, 0.5)),
    "digital_transformation": (0.05, 0.4, (200, 900), (0.4, 0.6)),
    "sustainable_production": (0.03, 0.4, (200, 900), (0.4, 0.6)),
    "typical_product": (0.03, 0.3, (60, 250), (0.5, 0.8)),
    "fair_domestic": (0.03, 0.4, (200, 900), (0.4, 0.6)),
    "fair_abroad": (0.02, 1.0, (700, 2200), (0.6, 0.9)),
    "branding": (0.04, 0.2, (100, 400), (0.4, 0.6)),
    "information": (0.02, 0.3, (100, 500), (0.5, 0.8)),
    "ccn_infrastructure": (0.04, 0.0, (20000, 90000), (0.05, 0.12)),
    "ccn_pollution_treatment": (0.01, 0.0, (2000, 6000), (0.28, 0.3)),
    "relocation": (0.01, 0.0, (500, 3000), (0.2, 0.3)),
}
SECTORS = {
    "agro_food_processing": ["chè", "cà phê", "gạo sạch", "nước mắm", "hạt điều", "miến dong",
                             "trái cây sấy", "bánh tráng"],
    "handicrafts": ["mây tre đan", "gốm sứ", "dệt thổ cẩm", "sơn mài", "đồ gỗ mỹ nghệ", "cói"],
    "small_mechanics": ["cơ khí nông nghiệp", "máy sấy nông sản", "khung nhà thép"],
    "building_materials": ["gạch không nung", "đá ốp lát"],
    "textiles": ["may mặc", "thêu ren"],
    "chemicals": ["phân bón hữu cơ", "chế phẩm sinh học"],
}
TYPICAL_LEVELS = ["none", "none", "none", "commune", "provincial", "regional", "national"]
VI_HEADERS = {
    "project_id": "Mã đề án", "name": "Tên đề án", "province": "Tỉnh/Thành phố",
    "category": "Nội dung", "level": "Cấp", "funds": "Nguồn vốn",
    "total_cost": "Tổng kinh phí", "requested": "Kinh phí đề nghị hỗ trợ",
    "appraisal": "Điểm thẩm định", "green": "Sản xuất sạch hơn", "circular": "Kinh tế tuần hoàn",
    "digital": "Chuyển đổi số", "sector": "Ngành", "typical_product": "Sản phẩm CNNT tiêu biểu",
    "disadvantaged_area": "Địa bàn khó khăn", "women_or_ethnic_owned": "Phụ nữ/DTTS làm chủ",
    "infra_investment": "Tổng mức đầu tư", "other_state_support": "Hỗ trợ từ chương trình khác",
    "must_fund": "Chuyển tiếp", "note": "Ghi chú", "establishments": "Số cơ sở",
    "all_or_nothing": "Hỗ trợ trọn gói", "min_fraction": "Tỷ lệ tối thiểu",
    "requires": "Phụ thuộc", "group": "Nhóm loại trừ", "year": "Năm thực hiện",
    "latest_year": "Năm muộn nhất", "profile": "Tiến độ giải ngân",
}
OLD_NAMES = ["Bình Dương", "Hải Dương", "Quảng Nam", "Bắc Giang", "Kiên Giang"]


def generate_projects(n: int, seed: int = 2026, vietnamese: bool = True,
                      old_names: int = 5) -> pd.DataFrame:
    """`n` candidate projects over the 34 provinces; amounts in million VND."""
    # one random stream, drawn in a fixed order: the bundled demo is these draws
    rng = np.random.default_rng(seed)
    rules = load_rules()
    provinces = list(load_geography().provinces)
    cat, prov = _draw_categories_and_provinces(rng, n, provinces)
    cost, requested, is_central, both = _draw_money(rng, cat, n)
    sector, products = _draw_sectors(rng, n)
    code = np.array(list(MIX), dtype=object)[cat]
    infra, other = _draw_infrastructure(rng, code, cost, n)
    prov_names = np.array(provinces, dtype=object)[prov]
    _rename_old_provinces(rng, prov_names, n, old_names)
    frame = pd.DataFrame({
        "project_id": [f"P-{i + 1:04d}" if n < 10000 else f"P-{i + 1:06d}" for i in range(n)],
        "name": [f"{rules.rules[c].name_vi}: {p}" for c, p in zip(code, products, strict=True)],
        "province": prov_names,
        "category": [rules.rules[c].name_vi if vietnamese else c for c in code],
        "level": np.where(is_central, "central", "local"),
        "funds": np.where(both, "both", np.where(is_central, "central", "local")),
        "total_cost": cost,
        "requested": requested,
        **_draw_criteria(rng, code, np.array(list(SECTORS), dtype=object)[sector], n),
        "infra_investment": infra,
        "other_state_support": other,
        "must_fund": (rng.random(n) < 0.02).astype(int),
        "note": np.where(rng.random(n) < 0.1, "đề án chuyển tiếp từ 2025", ""),
    })
    # keep must-fund projects away from the heavy infrastructure requests
    frame.loc[code == "ccn_infrastructure", "must_fund"] = 0
    _add_group_projects(frame, code, seed, n)
    return _in_vietnamese(frame) if vietnamese else frame


def _draw_categories_and_provinces(rng: np.random.Generator, n: int,
                                   provinces: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each project's content type (by the mix's shares) and province (the two largest cities
    three times as likely), as indices."""
    weights = np.array([3.0 if p in ("Hà Nội", "Thành phố Hồ Chí Minh") else 1.0
                        for p in provinces])
    share = np.array([MIX[c][0] for c in MIX])
    cat = rng.choice(len(MIX), size=n, p=share / share.sum())
    prov = rng.choice(len(provinces), size=n, p=weights / weights.sum())
    return cat, prov


def _draw_money(rng: np.random.Generator, cat: np.ndarray,
                n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each project's cost (log-uniform in its type's range), request, and whether it is on
    central funds (and on both)."""
    cats = list(MIX)
    lo = np.array([MIX[c][2][0] for c in cats])[cat]
    hi = np.array([MIX[c][2][1] for c in cats])[cat]
    cost = np.round(lo * np.exp(rng.uniform(0, np.log(hi / lo), n)), 0)
    rlo = np.array([MIX[c][3][0] for c in cats])[cat]
    rhi = np.array([MIX[c][3][1] for c in cats])[cat]
    requested = np.round(cost * rng.uniform(rlo, rhi), 0)
    central_p = np.array([MIX[c][1] for c in cats])[cat]
    is_central = rng.random(n) < central_p
    both = is_central & (rng.random(n) < 0.15)
    return cost, requested, is_central, both


def _draw_sectors(rng: np.random.Generator, n: int) -> tuple[np.ndarray, list[str]]:
    """Each project's sector (as an index) and product."""
    sector_names = list(SECTORS)
    sector = rng.choice(len(sector_names), size=n, p=[0.4, 0.25, 0.12, 0.08, 0.08, 0.07])
    products = [SECTORS[sector_names[s]][rng.integers(len(SECTORS[sector_names[s]]))]
                for s in sector]
    return sector, products


def _draw_infrastructure(rng: np.random.Generator, code: np.ndarray, cost: np.ndarray,
                         n: int) -> tuple[np.ndarray, np.ndarray]:
    """The total investment of industrial-cluster infrastructure projects, and the other state
    support some of them have."""
    infra = np.where(code == "ccn_infrastructure", np.round(cost * rng.uniform(1.0, 1.2, n)),
                     np.nan)
    other = np.where((code == "ccn_infrastructure") & (rng.random(n) < 0.4),
                     np.round(infra * rng.uniform(0.22, 0.29, n)), np.nan)
    return infra, other


def _rename_old_provinces(rng: np.random.Generator, prov_names: np.ndarray, n: int,
                          old_names: int) -> None:
    """Give `old_names` projects a province name from before the 2025 merger."""
    if old_names:
        idx = rng.choice(n, size=min(old_names, n), replace=False)
        for k, i in enumerate(idx):
            old = OLD_NAMES[k % len(OLD_NAMES)]
            prov_names[i] = old


def _draw_criteria(rng: np.random.Generator, code: np.ndarray, sector: np.ndarray,
                   n: int) -> dict[str, Any]:
    """The priority criteria columns, from appraisal score to women or ethnic-minority owners
    (the sector among them, in the list's column order)."""
    return {
        "appraisal": np.round(rng.uniform(50, 96, n), 1),
        "green": (rng.random(n) < 0.25).astype(int),
        "circular": (rng.random(n) < 0.15).astype(int),
        "digital": ((rng.random(n) < 0.15) | (code == "digital_transformation")).astype(int),
        "sector": sector,
        "typical_product": rng.choice(TYPICAL_LEVELS, size=n),
        "disadvantaged_area": (rng.random(n) < 0.3).astype(int),
        "women_or_ethnic_owned": (rng.random(n) < 0.15).astype(int),
    }


def _add_group_projects(frame: pd.DataFrame, code: np.ndarray, seed: int, n: int) -> None:
    """A few equipment grants shared by 2–4 establishments: the `establishments` column."""
    # their own stream, so the columns above stay as they were
    extra = np.random.default_rng(seed + 13)
    group = np.isin(code, ["machinery", "technology_line"]) & (extra.random(n) < 0.06)
    frame.insert(list(frame.columns).index("note"), "establishments",
                 np.where(group, extra.integers(2, 5, n), 1))


def _in_vietnamese(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as a Vietnamese planner writes it: Vietnamese headers, levels and sources."""
    frame["level"] = frame["level"].map({"central": "Trung ương", "local": "Địa phương"})
    frame["funds"] = frame["funds"].map({"central": "Trung ương", "local": "Địa phương",
                                         "both": "Cả hai"})
    return frame.rename(columns=VI_HEADERS)


def generate_local_budgets(seed: int = 2026, scale: float = 1.0) -> pd.DataFrame:
    """Provincial budgets, 1,500–10,000 million VND (the two largest cities at the top)."""
    rng = np.random.default_rng(seed + 1)
    rows = []
    for name in load_geography().provinces:
        if name in ("Hà Nội", "Thành phố Hồ Chí Minh"):
            amount = rng.uniform(8000, 10000)
        else:
            amount = 1500 * np.exp(rng.uniform(0, np.log(4000 / 1500)))
        rows.append({"province": name, "budget": float(np.round(amount * scale, -1))})
    return pd.DataFrame(rows)


def add_integer_columns(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Equipment grants all-or-nothing, some projects viable only above 60% of their cap,
    relocations that need their province's cluster infrastructure, alternative sites that
    compete in exclusive groups. Expects canonical (English) column names."""
    rng = np.random.default_rng(seed + 7)
    n = len(frame)
    out = frame.copy()
    cats = out["category"].to_numpy()
    equipment = np.isin(cats, ["machinery", "technology_line"])
    out["all_or_nothing"] = (equipment & (rng.random(n) < 0.6)).astype(int)
    out["min_fraction"] = np.where(~equipment & (rng.random(n) < 0.15), 0.6, np.nan)
    requires = np.full(n, "", dtype=object)
    infra: dict[str, str] = {}
    provinces = out["province"].to_numpy(dtype=object)
    ids = out["project_id"].to_numpy(dtype=object)
    for i in np.flatnonzero(cats == "ccn_infrastructure"):
        infra.setdefault(str(provinces[i]), str(ids[i]))
    for i in np.flatnonzero(cats == "relocation"):
        requires[i] = infra.get(str(provinces[i]), "")
    out["requires"] = requires
    group = np.full(n, "", dtype=object)
    for k, (_, idx) in enumerate(out.groupby(["province", "category"]).indices.items()):
        if len(idx) >= 2 and rng.random() < 0.25:
            pair = rng.choice(idx, size=2, replace=False)
            group[pair] = f"G{k:03d}"
    out["group"] = group
    return out


def add_year_columns(frame: pd.DataFrame, years: list[int], seed: int) -> pd.DataFrame:
    """Start years over the plan, two- and three-year disbursement profiles, and projects that
    may start any time in a window of up to three years."""
    rng = np.random.default_rng(seed + 11)
    n = len(frame)
    out = frame.copy()
    profile = rng.choice(["", "60/40", "50/30/20"], size=n, p=[0.6, 0.3, 0.1])
    length = np.array([1 if p == "" else len(p.split("/")) for p in profile])
    latest_start = years[-1] - length + 1
    start = np.array([rng.integers(years[0], ls + 1) for ls in latest_start])
    window = rng.random(n) < 0.2
    latest = np.where(window, np.minimum(start + rng.integers(1, 3, n), latest_start), np.nan)
    out["year"] = start
    out["latest_year"] = latest
    out["profile"] = profile
    return out


def _to_vietnamese(frame: pd.DataFrame) -> pd.DataFrame:
    rules = load_rules()
    out = frame.copy()
    out["category"] = [rules.rules[c].name_vi for c in out["category"]]
    out["level"] = out["level"].map({"central": "Trung ương", "local": "Địa phương"})
    out["funds"] = out["funds"].map({"central": "Trung ương", "local": "Địa phương",
                                     "both": "Cả hai"})
    return out.rename(columns=VI_HEADERS)


def write_demo(folder: Path, n: int = 800, seed: int = 2026) -> None:
    """The demo's files: the annual plan, its MIP variant, and a 2026–2030 programme."""
    folder.mkdir(parents=True, exist_ok=True)
    def write(frame: pd.DataFrame, name: str) -> None:
        frame.to_csv(folder / name, index=False, encoding="utf-8", lineterminator="\n")

    write(generate_projects(n, seed), "projects.csv")
    base = generate_projects(n, seed, vietnamese=False)
    write(_to_vietnamese(add_integer_columns(base, seed)), "projects-mip.csv")
    five = generate_projects(5 * n, seed + 1, vietnamese=False)
    write(_to_vietnamese(add_year_columns(five, list(range(2026, 2031)), seed)),
          "projects-2026-2030.csv")
    generate_local_budgets(seed).to_csv(folder / "local-budgets.csv", index=False,
                                        encoding="utf-8", lineterminator="\n")
