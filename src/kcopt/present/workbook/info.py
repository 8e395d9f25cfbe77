"""The last sheets of `allocation.xlsx`: the constraints with their shadow prices, in words, and
the run's information (provenance, warnings, the resolved scenario)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from kcopt.core.language import using
from kcopt.core.vocabulary import FAMILY_VI, NO, STATUS_VI, YES
from kcopt.core.words import get_language, vietnam_time
from kcopt.present.workbook.base import (
    EN_ROW,
    FIRST_ROW,
    LEFT,
    MONEY,
    MONO,
    NOTE,
    NOTE_ROW,
    PERCENT,
    PRICE,
    STRONG,
    TITLE,
    TITLE_ROW,
    VI_ROW,
    AllocationRefs,
    BlockColumn,
    Book,
    Column,
    column_letter,
    finish,
    header_rows,
    heading,
    plain,
)
from kcopt.present.workbook.facts import column_cells
from kcopt.present.workbook.formats import PER_1000
from kcopt.present.workbook.sheets import Totals

if TYPE_CHECKING:
    from kcopt.analysis.summary import Summary
    from kcopt.pipeline import Run


CONSTRAINT_COLUMNS = [  # the constraints sheet's columns
    Column("name", "Ràng buộc", "Constraint", None, 34),
    Column("family_vi", "Nhóm", "Family", None, 20),
    Column("meaning", "Diễn giải", "Meaning (English)", None, 48),
    Column("sense", "Chiều", "Sense", None, 6),
    Column("rhs", "Vế phải", "Right-hand side", MONEY, 13),
    Column("activity", "Giá trị đạt được", "Activity", MONEY, 13),
    Column("slack", "Phần dư", "Slack", MONEY, 12),
    Column("binding", "Đang ràng buộc", "Binding", None, 10),
    Column("shadow_price", "Giá bóng (điểm/triệu đồng)",
           "Shadow price (points per million VND)", PRICE, 16),
    Column("per_1000", "Điểm thêm cho mỗi 1.000 triệu đồng",
           "Points per extra 1,000 million VND", PER_1000, 16),
    Column("price_basis", "Giá bóng tính trên", "Prices from", None, 14),
    Column("share_required", "Tỷ lệ yêu cầu", "Share required", PERCENT, 11),
    Column("share_achieved", "Tỷ lệ đạt được", "Share achieved", PERCENT, 11)]


def constraints_sheet(book: Book, cons: pd.DataFrame) -> None:
    # start-up: scipy only when this runs
    from kcopt.analysis.wording import duals_name

    ws = book.sheet("constraints")
    cols = CONSTRAINT_COLUMNS
    ws.write(TITLE_ROW, 1, "CÁC RÀNG BUỘC VÀ GIÁ BÓNG", style=TITLE)
    ws.write(NOTE_ROW, 1, "Constraints and shadow prices — a binding budget's shadow price is "
             "the score gained per extra million VND", style=NOTE)
    header_rows(ws, cols, VI_ROW, EN_ROW)
    prices = [plain(p) if isinstance(p, int | float) else None
              for p in cons["shadow_price"].tolist()]  # ±inf as text, NaN as a blank
    finite = [isinstance(p, int | float) for p in prices]
    letter = {c.key: column_letter(j) for j, c in enumerate(cols, 1)}["shadow_price"]

    def per_1000(r: int) -> str | None:
        return f"{letter}{r}*1000" if finite[r - FIRST_ROW] else None

    binding = cons["binding"].tolist()  # lists: a pandas column is slow to walk
    bases = cons["price_basis"].tolist() if "price_basis" in cons else None
    basis_words = {b: duals_name(b) for b in set(bases or ())}  # a few, each worded once
    meaning = _meanings(cons["name"].tolist(), cons["rhs"].tolist(), binding)
    values: dict[str, list[Any]] = {
        "family_vi": [FAMILY_VI.get(f, f) for f in cons["family"].tolist()],
        "meaning": meaning,
        "binding": [YES if b else NO for b in binding],
        "price_basis": [basis_words[b] for b in bases] if bases is not None
        else [None] * len(cons),
        "shadow_price": prices,
        "per_1000": [p * 1000 if isinstance(p, int | float) else None for p in prices],
    }
    book.block(ws, FIRST_ROW, [
        BlockColumn(j, values[c.key] if c.key in values else
                    column_cells(cons[c.key]) if c.key in cons else [None] * len(cons), c.fmt,
                    per_1000 if c.key == "per_1000" else None)
        for j, c in enumerate(cols, 1)])
    finish(ws, cols, FIRST_ROW, FIRST_ROW + max(len(cons), 1) - 1, freeze="B")


def _meanings(names: list[str], rhs: list[float], binding: list[bool]) -> list[str]:
    """Each row in planners' words (`describe_row`); the rows of a family said the same
    whatever their project (a support cap: most of the rows) worded once."""
    # start-up: scipy only when this runs
    from kcopt.analysis.wording import FIXED_FAMILIES, describe_row

    said: dict[str, str] = {}
    out = []
    with using(get_language()):  # the language looked up once, not per row
        for name, value, bound in zip(names, rhs, binding, strict=True):
            family = name.partition(":")[0]
            if family in FIXED_FAMILIES:
                if family not in said:
                    said[family] = describe_row(name, float(value), bool(bound))
                out.append(said[family])
            else:
                out.append(describe_row(name, float(value), bool(bound)))
    return out


def run_sheet(book: Book, run: Run, refs: AllocationRefs, totals: Totals) -> None:
    """The "run" sheet: what was solved, how and from what, the totals allocated (formulas on
    the allocation sheet), the warnings and the resolved scenario."""
    s = run.summary
    assert s is not None, "a solved run has a summary"
    ws = book.sheet("run")
    cols = [Column("item", "Mục", "Item", None, 44), Column("value", "Giá trị", "Value", None, 70)]
    heading(ws, run, "THÔNG TIN LẦN CHẠY", "Run information", cols)
    r = FIRST_ROW
    for item, value in _run_items(run, s):
        book.put(ws, r, 1, item)
        book.put(ws, r, 2, value, MONEY if "budget" in item.lower() else None,
                 None if isinstance(value, str | type(None)) else LEFT)
        r += 1
    for item, key, value in (("Đã phân bổ trung ương / Central allocated", "central",
                              totals.central),
                             ("Đã phân bổ địa phương / Local allocated", "local", totals.local),
                             ("Tổng hỗ trợ / Total allocated", "total", totals.total)):
        book.put(ws, r, 1, item)
        book.formula(ws, r, 2, refs.total(key), value, MONEY)
        r += 1
    last = r - 1
    _warnings_and_scenario(book, ws, run, s, r + 1)
    finish(ws, cols, FIRST_ROW, last, freeze=None, filters=False)


def _run_items(run: Run, s: Summary) -> list[tuple[str, Any]]:
    """The run's items, bilingual label and value: scenario, solve, provenance, budgets,
    resolutions, top-slices, input files, project counts and count targets met or missed."""
    # start-up: scipy only when this runs
    from kcopt.analysis.wording import count_verdict, duals_name

    prov = s.provenance
    rows: list[tuple[str, Any]] = [
        ("Kịch bản / Scenario", run.scenario.name),
        ("Mô tả / Description", run.scenario.description),
        ("Trạng thái lời giải / Solver status", s.status),
        ("Giá trị mục tiêu / Objective", s.objective),
        ("Loại mục tiêu / Objective kind", s.objective_kind),
        ("Bài toán / Problem", "MIP" if s.mip else "LP"),
        ("Khoảng cách MIP / MIP gap", s.mip_gap),
        ("Giá bóng tính trên / Shadow prices from", duals_name(s.duals)),
        ("Bộ giải / Solver", f"{prov.solver} {prov.solver_version}"),
        ("Phiên bản kcopt / kcopt version", prov.kcopt_version),
        ("Bộ định mức / Rule-set version", prov.rules_version),
        ("Thời điểm tạo / Created", vietnam_time(prov.created)),
        ("Hạt giống / Seed", prov.seed),
        ("Ngân sách trung ương / Central budget", s.budgets.central),
        ("Ngân sách địa phương / Local budgets", s.budgets.local),
        ("Quy định có hiệu lực ngày / Rules in force on",
         prov.rules.get("in_force_on")),
    ]
    rows += [(f"Nghị quyết HĐND áp dụng / Provincial resolution {k + 1}", label)
             for k, label in enumerate(prov.rules.get("resolutions_applied", []))]
    slice_ = s.top_slice or {}
    for fund, vi in (("central", "trung ương"), ("local", "địa phương")):
        if fund in slice_:
            rows += [(f"Trích quản lý (cơ quan quản lý) {vi} / Management top-slice, {fund} "
                      "budget", slice_[fund]["management"]),
                     (f"Trích quản lý (đơn vị thực hiện) {vi} / Implementer top-slice, {fund} "
                      "budget", slice_[fund]["implementer"])]
    rows += [(f"Tệp đầu vào (SHA-256) / Input file: {name}", digest)
             for name, digest in prov.inputs_sha256.items()]
    rows += [(f"Số đề án {STATUS_VI[k].lower()} / Projects {k}", v)
             for k, v in s.as_dict()["counts"].items()]
    rows += [(f"Chỉ tiêu số lượng / Count target: {c['name']}", count_verdict(c))
             for c in s.count_targets or []]
    return rows


def _warnings_and_scenario(book: Book, ws: Any, run: Run, s: Summary, r: int) -> None:
    """From row `r` down: how many warnings (each one is a row of the "Cảnh báo" sheet), then
    the resolved scenario as YAML."""
    book.put(ws, r, 1, f"Cảnh báo / Warnings ({len(s.warnings)})", style=STRONG)
    book.put(ws, r, 2, "xem trang 'Cảnh báo' / see the 'Cảnh báo' sheet" if s.warnings
             else "—")
    r += 2
    book.put(ws, r, 1, "Kịch bản đã giải (YAML) / Resolved scenario", style=STRONG)
    text = yaml.safe_dump(s.scenario or run.scenario.resolved(), allow_unicode=True,
                          sort_keys=False, width=200)
    for line in text.splitlines():
        r += 1
        book.put(ws, r, 2, line, style=MONO)
