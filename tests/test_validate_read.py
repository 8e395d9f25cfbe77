"""`kcopt validate FILE` shows what it understood of an official form, as the planner checks it
against the paper: per section the content type and the words that chose it, the projects,
group projects and structure rows, the unit, and the amounts read against the printed sums."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from forms import national_list, provincial_plan
from kcopt.analysis.understood import matched_words, understood
from kcopt.inputs.schema import read_projects

ROOT = Path(__file__).resolve().parents[1]


def _validate(path: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("KCOPT_LANG", None)  # the planner's default: Vietnamese
    proc = subprocess.run([sys.executable, "-m", "kcopt", *args, "validate", str(path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def _saved(path: Path) -> Path:
    """The builder's formulas have no saved value; the sums here are plain numbers."""
    wb = openpyxl.load_workbook(path)
    del wb["Thuyết minh"]
    wb.save(path)
    return path


def test_sections_counts_and_printed_sums(tmp_path: Path) -> None:
    path, _ = provincial_plan(tmp_path / "tinh.xlsx")
    recs = understood(read_projects(_saved(path)))
    by_path = {r.path: r for r in recs}
    assert [r.path for r in recs] == ["A", "A.I", "B", "B.I", "B.II", "B.III", "B.IV", ""]
    assert (by_path["A.I"].category, by_path["A.I"].projects, by_path["A.I"].groups) == (
        "machinery", 2, 1)
    assert by_path["B.I"].why == "Đào tạo nghề, truyền nghề"
    # B.I: its heading's sums, one district line and its "Cộng mục I"
    assert by_path["B.I"].structure == 2
    assert by_path["B.I"].printed["requested"] == [(17, 200.0), (21, 200.0)]
    whole = by_path[""]
    assert (whole.projects, whole.read["total_cost"]) == (7, 4910.0)


def test_validate_prints_the_table_in_vietnamese_and_english(tmp_path: Path) -> None:
    path, _ = national_list(tmp_path / "qg.xlsx")
    out = _validate(path)
    assert "Những gì kcopt đọc được trong qg.xlsx" in out
    assert "đơn vị: đồng" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("I Hỗ trợ"))
    assert "machinery" in line and "khớp cụm từ 'ứng dụng máy móc" in line
    assert line.split()[-3:] == ["2", "1", "1"]  # projects, groups, structure rows
    # "Cộng mục I" prints 1.100 million support, the projects add up to 1.300
    assert "kinh phí hỗ trợ: đọc được 1.300 — dòng 14 ghi 1.100: lệch +200" in out
    # a shortfall with the true minus sign, as every signed amount (not "-200")
    assert "vốn đối ứng: đọc được 1.700 — dòng 14 ghi 1.900: lệch −200" in out
    assert "tổng kinh phí: đọc được 6.500 — dòng 18: bằng" in out
    en = _validate(path, "--lang", "en")
    assert "What kcopt read in qg.xlsx" in en
    assert "support requested: read 1,300 — row 14 prints 1,100: differs by +200" in en


def test_matched_words_keep_the_heading_spelling() -> None:
    assert matched_words("II. ĐÀO TẠO NGHỀ, TRUYỀN NGHỀ") in ("ĐÀO TẠO NGHỀ, TRUYỀN NGHỀ",
                                                              "ĐÀO TẠO NGHỀ")
    assert matched_words("Nuôi cá lồng") is None
    # a type chosen from keywords: the heading's words that belong to that type's phrases
    why = matched_words("V. MÁY MÓC CHẾ BIẾN CHO CÁC CƠ SỞ", "machinery")
    assert why is not None and set(why.split()) <= {"MÁY", "MÓC", "CHẾ", "BIẾN", "CƠ", "SỞ"}
    assert {"MÁY", "MÓC"} <= set(why.split())
