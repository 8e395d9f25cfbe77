"""The "Dự phòng" sheet of `allocation.xlsx`: the reserve list (`kcopt.reserve_list`), per
fund the waiting projects in the order they enter as that fund grows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kcopt.core.vocabulary import STATUS_VI
from kcopt.core.words import fund_name
from kcopt.present.workbook.base import MONEY, SCORE, Book, Column, heading, table

if TYPE_CHECKING:
    from kcopt.pipeline import Run


def reserve_sheet(book: Book, run: Run) -> None:
    """One row per (fund, waiting project): the fund, its place in line, the project, what it
    has and misses, the extra money of that fund at which it enters and is funded in full."""
    reserve = run.reserve
    if reserve is None:
        return
    ws = book.sheet("reserve")
    cols = [Column("fund", "Nguồn kinh phí", "Fund", None, 9),
            Column("fund_province", "Tỉnh (KCĐP)", "Province (local fund)", None, 16),
            Column("year", "Năm", "Year", None, 6),
            Column("rank", "Thứ tự", "Rank", None, 7),
            Column("project_id", "Mã đề án", "Project", None, 11),
            Column("name", "Tên đề án", "Name", None, 34),
            Column("province", "Tỉnh/Thành phố", "Province", None, 16),
            Column("score", "Điểm ưu tiên", "Score", SCORE, 9),
            Column("status", "Trạng thái", "Status", None, 12),
            Column("allocated", "Đã phân bổ", "Allocated", MONEY, 12),
            Column("cap", "Mức hỗ trợ tối đa", "Cap", MONEY, 12),
            Column("missing", "Còn thiếu", "Missing", MONEY, 12),
            Column("enters_at", "Bắt đầu được hỗ trợ khi nguồn tăng thêm",
                   "Enters when the fund grows by", MONEY, 16),
            Column("funded_at", "Đủ mức khi nguồn tăng thêm",
                   "Funded in full when the fund grows by", MONEY, 16),
            Column("paid_from", "Nguồn trả phần tăng", "New money from", None, 10),
            Column("reason", "Lý do chờ", "Why it waits", None, 60)]
    heading(ws, run, "DANH SÁCH DỰ PHÒNG", "Reserve list: per fund, the waiting projects in "
            "the order they enter as that fund grows", cols)
    values: dict[str, list[Any]] = {
        "fund": [fund_name(str(f)) for f in reserve["fund"]],
        "paid_from": [fund_name(str(f)) for f in reserve["paid_from"]],
        "status": [STATUS_VI.get(s, s) for s in reserve["status"]],
        "year": [None if y != y or y is None else int(y) for y in reserve["year"]],
        "funded_at": [None if v != v else float(v) for v in reserve["funded_at"]],
    }
    table(book, ws, cols, {c.key: values[c.key] if c.key in values else reserve[c.key].tolist()
                           for c in cols}, freeze="F")
