"""The three PNG plots of a solve: allocation by content type and fund, by region, budget use.
Titles in Vietnamese with English; amounts in million VND with thousands separators."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kcopt.io.write import atomic_write

FUND_COLOURS = {"central": "#1f5fa8", "local": "#e08a1e"}
FUND_LABELS = {"central": "Trung ương / central", "local": "Địa phương / local"}
MILLIONS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def category_colours() -> dict[str, str]:
    """One fixed colour per content type, the same in every plot."""
    from matplotlib import colormaps

    from kcopt.rules import load_rules

    palette = [colormaps["tab20"](i) for i in range(20)] + [colormaps["tab20b"](i)
                                                              for i in range(20)]
    return {code: matplotlib.colors.to_hex(palette[i])
            for i, code in enumerate(load_rules().rules)}


def _bars(ax, labels: list[str], table: pd.DataFrame, demand: pd.Series | None) -> None:
    left = pd.Series(0.0, index=table.index)
    for fund in ("central", "local"):
        ax.barh(labels, table[fund], left=left, color=FUND_COLOURS[fund], label=FUND_LABELS[fund])
        left = left + table[fund]
    if demand is not None:
        ax.barh(labels, demand, fill=False, edgecolor="#555555", linewidth=0.8,
                label="Nhu cầu (trần hỗ trợ) / demand (caps)")
    ax.xaxis.set_major_formatter(MILLIONS)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("triệu đồng / million VND")
    ax.invert_yaxis()
    ax.legend(loc="lower right", fontsize=8)


def plot_by_category(by_category: pd.DataFrame) -> Figure:
    t = by_category.sort_values("total", ascending=False).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.35 * len(t) + 1.8))
    _bars(ax, [f"{v} ({c})" for v, c in zip(t["name_vi"], t["category"], strict=True)], t,
          t["demand"])
    ax.set_title("Phân bổ theo nội dung và nguồn vốn\nAllocation by content type and fund")
    fig.tight_layout()
    return fig


def plot_by_region(by_region: pd.DataFrame) -> Figure:
    t = by_region.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 4))
    _bars(ax, [f"{n} ({r})" for n, r in zip(t["name_vi"], t["region"], strict=True)], t,
          t["demand"])
    ax.set_title("Phân bổ theo vùng\nAllocation by region")
    fig.tight_layout()
    return fig


def plot_budget_use(by_province: pd.DataFrame, central_used: float,
                    central_budget: float) -> Figure:
    t = by_province.sort_values("local_budget", ascending=False).reset_index(drop=True)
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(12, 0.3 * len(t) + 2),
                                   gridspec_kw={"width_ratios": [1, 3]})
    ax0.bar(["Ngân sách\nbudget", "Đã phân bổ\nallocated"], [central_budget, central_used],
            color=["#bbbbbb", FUND_COLOURS["central"]])
    ax0.yaxis.set_major_formatter(MILLIONS)
    ax0.set_title("Trung ương / central\n(triệu đồng / million VND)", fontsize=10)
    ax1.barh(t["province"], t["local_budget"], color="#dddddd",
             label="Ngân sách địa phương / local budget")
    ax1.barh(t["province"], t["local"], color=FUND_COLOURS["local"], height=0.5,
             label="Đã phân bổ / allocated")
    ax1.xaxis.set_major_formatter(MILLIONS)
    ax1.invert_yaxis()
    ax1.set_xlabel("triệu đồng / million VND")
    ax1.legend(loc="lower right", fontsize=8)
    ax1.set_title("Địa phương theo tỉnh / local, by province", fontsize=10)
    fig.suptitle("Sử dụng ngân sách / Budget use")
    fig.tight_layout()
    return fig


def save_png(fig: Figure, path: Path) -> Path:
    atomic_write(path, lambda p: fig.savefig(p, format="png", dpi=110,
                                             metadata={"Software": None}))
    plt.close(fig)
    return path
