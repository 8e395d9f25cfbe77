"""Reading back the sentences of a plan's reasons and committee report (Vietnamese, numbers as
1.450,5) and checking each against the plan's own figures: used by tests/test_sentences.py, whose
docstring lists the kinds of sentence."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import kcopt
from kcopt.core.language import using

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
SHOWN = 0.5  # million VND: amounts in sentences are whole millions
BUDGET = re.compile(r"kinh phí khuyến công (quốc gia|địa phương của (.+?)) \((" + NUMBER
                    + r") triệu đồng\) đã phân bổ hết")
TARGET = re.compile(r"chỉ tiêu '([^']+)'(?: tại ([^()]+?))? (đã chạm mức tối đa|vừa đủ mức tối "
                    r"thiểu|đã dùng hết)")


def vn(text: str) -> float:
    """'1.450,5' → 1450.5 (Vietnamese grouping and decimal marks)."""
    return float(text.replace(".", "").replace(",", "."))


@dataclass
class Plan:
    """A solved scenario: the run in memory, and the files it wrote, read back."""

    run: kcopt.Run
    alloc: pd.DataFrame
    cons: pd.DataFrame
    page: str
    folder: Path

    @property
    def lp(self) -> Any:
        return self.run.result.model.lp

    def __post_init__(self) -> None:
        model, result = self.run.result.model, self.run.result
        self.x = np.asarray(result.x)
        self.pi = np.asarray(result.shadow_price)
        self.A = self.lp.A.tocsr()
        self.act = self.A @ self.x
        self.size = abs(self.A) @ np.abs(self.x)
        rows = {n: i for i, n in enumerate(self.lp.row_names)}
        # the share targets' totals: column T_t defined by row_t (Σ w·x − T = 0)
        self.totals = [(rows[n], j) for j, n in enumerate(self.lp.col_names)
                       if n in rows and self.lp.row_family[rows[n]] == "total"]
        self.rows = rows
        self.index = {pid: p for p, pid in enumerate(model.projects["project_id"].astype(str))}

    def columns(self, pid: str, fund: int | None = None, room: bool = False) -> list[int]:
        """A project's support columns (of one fund), those below their own bound if `room`."""
        model = self.run.result.model
        cols = [int(j) for j in model.x_columns if model.col_project[j] == self.index[pid]
                and (fund is None or model.col_fund[j] == fund)]
        if room:
            up = self.lp.col_upper
            cols = [j for j in cols if self.x[j] < up[j] - 1e-7 * max(1.0, abs(up[j]))]
        return cols

    def effect(self, r: int, j: int) -> float:
        """What a unit of column j does to row r, directly and through the totals."""
        a = float(self.A[r, j])
        for row_t, col_t in self.totals:
            a += float(self.A[r, col_t]) * float(self.A[row_t, j]) / -float(self.A[row_t, col_t])
        return a

    def binds(self, r: int) -> bool:
        lo, up = self.lp.row_lower[r], self.lp.row_upper[r]
        scale = 1e-6 * max(1.0, float(self.size[r]), abs(lo) if np.isfinite(lo) else 0.0,
                           abs(up) if np.isfinite(up) else 0.0)
        return bool(min(self.act[r] - lo, up - self.act[r]) <= scale)

    def holds_back(self, r: int, pids: list[str]) -> bool:
        """Row r binds, has a price, and funding one of `pids` would tighten it."""
        return self.binds(r) and abs(self.pi[r]) > 1e-12 and any(
            self.effect(r, j) * self.pi[r] > 0 for p in pids for j in self.columns(p, room=True))

    def waiting(self, budget: str) -> set[str]:
        """Projects not funded in full with a column in this budget below its own bound."""
        if budget not in self.rows:
            return set()
        r = self.rows[budget]
        status = self.alloc.set_index("project_id")["status"]
        cols = self.A.indices[self.A.indptr[r]:self.A.indptr[r + 1]]
        model = self.run.result.model
        ids = model.projects["project_id"].astype(str).to_numpy()
        out = set()
        for j in cols.tolist():
            pid = ids[model.col_project[j]]
            if status[pid] in ("partial", "unfunded") and j in self.columns(pid, room=True):
                out.add(pid)
        return out

    def payable(self, budget: str) -> set[str]:
        if budget not in self.rows:
            return set()
        r = self.rows[budget]
        model = self.run.result.model
        ids = model.projects["project_id"].astype(str).to_numpy()
        return {ids[model.col_project[j]] for j in
                self.A.indices[self.A.indptr[r]:self.A.indptr[r + 1]].tolist()}

    def allocated(self, budget: str) -> float:
        fund, _sep, province = budget.removeprefix("budget:").partition(":")
        if fund == "central":
            return float(self.alloc["central"].sum())
        return float(self.alloc.loc[self.alloc["province"] == province, "local"].sum())

    def budgets(self) -> dict[str, float]:
        """Every budget the scenario gives (single-period plans)."""
        sc = self.run.scenario
        out = {"budget:central": sc.budget("central")}
        out.update({f"budget:local:{p}": sc.budget("local", p) for p in sc.local_budgets})
        return out


def solve(scenario: Path, folder: Path, solver: str | None = None) -> Plan:
    """Solve, write the outputs and the committee report, all in Vietnamese, and read them."""
    with using("vi"):
        run = kcopt.run(scenario, out=folder, solver=solver, plots=False, xlsx=False)
        kcopt.write_report(folder)
    read = {"encoding": "utf-8-sig", "dtype": {"project_id": str}, "keep_default_na": False,
            "na_values": [""]}
    return Plan(run, pd.read_csv(folder / "allocation.csv", **read),
                pd.read_csv(folder / "constraints.csv", **read),
                (folder / "report.html").read_text(encoding="utf-8"), folder)


# ---- the reasons ------------------------------------------------------------------------------

INTEGER = [  # the rows of integer decisions a reason may name, and the row each phrase is
    (re.compile(r"quy định hỗ trợ đủ hoặc không hỗ trợ của đề án (\S+)"), "all_or_nothing:{}"),
    (re.compile(r"mức hỗ trợ tối thiểu để đề án (\S+) thực hiện được"), "min_fraction:{}"),
    (re.compile(r"dòng nội bộ: đề án (\S+) chỉ được chi khi được chọn"), "link:{}"),
    (re.compile(r"nhóm loại trừ '([^']+)'"), "group:{}")]


def named_rows(plan: Plan, reason: str, pids: list[str]) -> list[tuple[int, str]]:
    """The rows a reason names, with the side it says binds ('max', 'min' or 'any'); a budget's
    amount is checked against the row as it is read."""
    found: list[tuple[int, str]] = []
    for pattern, form in INTEGER:
        for m in pattern.finditer(reason):
            assert form.format(m[1]) in plan.rows, (reason, form.format(m[1]))
            found.append((plan.rows[form.format(m[1])], "any"))
    if "quy định vốn đối ứng" in reason:  # the co-financing row of one of the projects
        match = [plan.rows[f"match:{p}"] for p in pids if f"match:{p}" in plan.rows]
        assert match, reason
        found.append((next((r for r in match if plan.holds_back(r, pids)), match[0]), "any"))
    for m in BUDGET.finditer(reason):
        name = "budget:central" if m[2] is None else f"budget:local:{m[2]}"
        assert name in plan.rows, (reason, name)
        r = plan.rows[name]
        assert abs(vn(m[3]) - plan.lp.row_upper[r]) <= SHOWN, (reason, plan.lp.row_upper[r])
        found.append((r, "max"))
    labels = {(t.label or t.name): t.name for t in plan.run.scenario.targets}
    for m in TARGET.finditer(reason):
        assert m[1] in labels, (reason, m[1])
        name = labels[m[1]] + (f":{m[2]}" if m[2] else "")
        assert name in plan.rows, (reason, name)
        found.append((plan.rows[name], {"đã chạm mức tối đa": "max",
                                        "vừa đủ mức tối thiểu": "min"}.get(m[3], "any")))
    return found


def check_rows(plan: Plan, text: str, pids: list[str]) -> int:
    """Every row `text` names holds back one of `pids`, on the side it says; their count."""
    rows = named_rows(plan, text, pids)
    for r, side in rows:
        name = plan.lp.row_names[r]
        assert plan.holds_back(r, pids), (
            f"{pids}: '{name}' is named but funding them would not tighten it "
            f"(binds {plan.binds(r)}, price {plan.pi[r]:.3g}): {text}")
        if side != "any":
            assert (plan.pi[r] > 0) == (side == "max"), (pids, name, text)
    return len(rows)


def check_cap(plan: Plan, row: pd.Series) -> None:
    """A funded project's cap: the first stated binds its total; a fund's own is kept."""
    p = plan.index[row["project_id"]]
    projects = plan.run.result.model.projects
    cost = float(projects["total_cost"].iat[p])
    reason = row["reason"]
    parts = reason.split("mức hỗ trợ tối đa: ")
    for k, part in enumerate(parts[1:]):
        less = re.search(r"trừ (" + NUMBER + r") triệu đồng đã được hỗ trợ", part)
        less_v = vn(less[1]) if less else 0.0
        ceiling = re.match(r"trần (" + NUMBER + r") triệu đồng", part)
        rate = re.match(r"(" + NUMBER + r")% chi phí", part)
        stated = (vn(ceiling[1]) - less_v if ceiling else
                  vn(rate[1]) / 100 * cost - less_v if rate else None)
        if stated is None:
            continue
        slack = SHOWN + (0.005 * cost if rate else 0.0)  # a rate is shown to the whole percent
        fund = re.search(r"riêng kinh phí (KCQG|KCĐP) — $", parts[k])
        if fund is None and k == 0:  # the project's cap: the one that binds its total
            assert row["total"] <= stated + slack, (row["project_id"], row["total"], reason)
            assert abs(stated - row["cap"]) <= slack, (row["project_id"], row["cap"], reason)
        elif fund is not None:
            paid = row["central" if fund[1] == "KCQG" else "local"]
            assert paid <= stated + slack, (row["project_id"], paid, reason)


def check_reasons(plan: Plan) -> dict[str, int]:
    """Every reason of the plan, by kind; how many of each kind were checked."""
    seen = {"funded": 0, "both_funds": 0, "partial": 0, "rows": 0, "compare": 0}
    for _i, row in plan.alloc.iterrows():
        reason, status, pid = str(row["reason"]), row["status"], row["project_id"]
        if status == "funded" and "được hỗ trợ đủ" in reason:
            seen["funded"] += 1
            pair = re.search(r"được hỗ trợ đủ \(KCQG (" + NUMBER + r"), KCĐP ("
                             + NUMBER + r")\)", reason)
            if pair:
                seen["both_funds"] += 1
                assert abs(vn(pair[1]) - row["central"]) <= SHOWN, (pid, reason)
                assert abs(vn(pair[2]) - row["local"]) <= SHOWN, (pid, reason)
            check_cap(plan, row)
        elif status == "partial" and reason.startswith("được hỗ trợ một phần"):
            seen["partial"] += 1
            share = re.match(r"được hỗ trợ một phần \((\d+)% mức hỗ trợ tối đa\)", reason)
            assert share and abs(int(share[1]) - 100 * row["fraction"]) <= 0.5 + 1e-9, reason
            seen["rows"] += check_rows(plan, reason, [pid])
        elif status == "unfunded" and reason.startswith("không được hỗ trợ:"):
            seen["rows"] += check_rows(plan, reason, [pid])
            worth = re.search(r"đem lại (" + NUMBER + r") điểm ưu tiên .* thấp hơn mức ("
                              + NUMBER + r") điểm", reason)
            if worth:
                seen["compare"] += 1
                assert vn(worth[1]) < vn(worth[2]), reason
    return seen


# ---- the committee report ---------------------------------------------------------------------

def money_left_rows(page: str) -> list[tuple[str, float, float, str]]:
    """The money-left table: (budget row name, amount, left, why)."""
    start = page.find("Ngân sách còn dư")
    assert start >= 0, "no money-left table"
    table = page[start:page.find("</table>", start)]
    out = []
    for cells in re.findall(r"<tr>(.*?)</tr>", table)[1:]:
        texts = [html.unescape(re.sub(r"<[^>]+>", "", c))
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
        label, amount, left = texts[0], vn(texts[1]), vn(texts[2])
        why = texts[3] if len(texts) > 3 else ""
        name = ("budget:central" if label.startswith("KCQG") else
                "budget:local:" + label.split(": ", 1)[1])
        out.append((name, amount, left, why))
    return out


def check_why(plan: Plan, name: str, why: str) -> None:
    waiting = plan.waiting(name)
    if why.startswith("không có đề án nào"):
        assert not plan.payable(name), (name, why)
    elif why.startswith("mỗi đề án trong số"):
        count = re.match(r"mỗi đề án trong số (" + NUMBER + r") đề án", why)
        assert count and vn(count[1]) == len(plan.payable(name)), (name, why)
        assert not waiting, (name, sorted(waiting), why)
    else:
        said = re.match(r"(" + NUMBER + r") đề án đủ điều kiện có thể dùng khoản này \(([^)]*)\)",
                        why)
        assert said, (name, why)
        assert vn(said[1]) == len(waiting), (name, sorted(waiting), why)
        ids = [i.strip() for i in re.split(r",| và ", said[2]) if i.strip()
               and not i.strip().endswith("đề án khác")]
        assert ids and set(ids) <= waiting, (name, ids, sorted(waiting))
        if "không làm tăng giá trị mục tiêu" in why:
            scores = plan.alloc.set_index("project_id")["score"]
            assert all(scores[i] <= 0 for i in waiting), why
        else:
            assert check_rows(plan, why.split("chưa được hỗ trợ vì:", 1)[1], sorted(waiting)), why


def check_report(plan: Plan) -> dict[str, int]:
    page, alloc = plan.page, plan.alloc
    counts = {k: int((alloc["status"] == k).sum())
              for k in ("funded", "partial", "unfunded", "ineligible", "excluded")}
    head = re.search(r"Trong (" + NUMBER + r") đề án đề nghị, (" + NUMBER + r") đề án được hỗ trợ "
                     r"đủ và (" + NUMBER + r") đề án được hỗ trợ một phần; (" + NUMBER + r") đề án"
                     r" không được hỗ trợ.*?(" + NUMBER + r") đề án không đủ điều kiện.*?("
                     + NUMBER + r") đề án bị loại.*?sử dụng (" + NUMBER + r") triệu đồng kinh phí "
                     r"khuyến công quốc gia và (" + NUMBER + r") triệu đồng", page)
    assert head, "the headline sentence is missing"
    assert [vn(head[i]) for i in range(1, 7)] == [len(alloc), counts["funded"], counts["partial"],
                                                  counts["unfunded"], counts["ineligible"],
                                                  counts["excluded"]]
    assert abs(vn(head[7]) - alloc["central"].sum()) <= SHOWN
    assert abs(vn(head[8]) - alloc["local"].sum()) <= SHOWN
    budgets = plan.budgets()
    left = {n: b - plan.allocated(n) for n, b in budgets.items()}
    spent = sum(1 for n, b in budgets.items() if left[n] <= 1e-6 * max(1.0, b))
    used = re.search(r"Ngân sách đã dùng hết \((\d+) / (\d+)\)", page)
    assert used and (int(used[1]), int(used[2])) == (spent, len(budgets)), (used and used[0])
    rows = money_left_rows(page) if spent < len(budgets) else []
    listed = {n for n, *_rest in rows}
    assert listed == {n for n in budgets if left[n] > 1e-6 * max(1.0, budgets[n])}, listed
    for name, amount, shown_left, why in rows:
        assert abs(amount - budgets[name]) <= SHOWN, name
        assert abs(shown_left - left[name]) <= SHOWN, (name, shown_left, left[name])
        if "Ở các tỉnh này không còn đề án đủ điều kiện" in page:  # the old blanket sentence
            assert name != "budget:central", "the central fund is not a province"
            assert not plan.waiting(name), (name, sorted(plan.waiting(name)))
        else:
            check_why(plan, name, why)
    return {"money_left": len(rows), "budgets": len(budgets)}


def target_rows(page: str) -> dict[str, tuple[str, str, str]]:
    """The report's policy-target table: label → (binds, required, achieved) as shown."""
    start = page.find("Mục tiêu chính sách</h3>")
    if start < 0 or "<table" not in page[start:start + 400]:
        return {}
    table = page[start:page.find("</table>", start)]
    out = {}
    for cells in re.findall(r"<tr>(.*?)</tr>", table)[1:]:
        texts = [html.unescape(re.sub(r"<[^>]+>", "", c))
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
        label = re.match(r"<td><b>(.*?)</b>", cells)
        assert label, cells
        out[html.unescape(label[1])] = (texts[1], texts[2], texts[3])
    return out


def achieved_share(plan: Plan, t: Any) -> float:
    """A share target's share as the allocation gives it, counted here from the projects' flags,
    content types, regions and provinces (the model's rows are not read)."""
    frame = plan.run.result.model.projects.set_index("project_id")
    alloc = plan.alloc.set_index("project_id")
    paid = alloc["total" if t.fund == "all" else t.fund].astype(float)
    if t.kind == "province_max":
        return float(paid.groupby(alloc["province"]).sum().max() / paid.sum())
    sel = pd.Series(1.0, index=alloc.index)
    if t.of:
        sel *= pd.concat([(frame[f] != "none").astype(float) if f == "typical_product"
                          else frame[f].astype(float) for f in t.of], axis=1).max(axis=1)
    if t.category:
        sel *= alloc["category"].isin(t.category).astype(float)
    if t.region:
        sel *= (alloc["region"] == t.region).astype(float)
    if t.province:
        sel *= (alloc["province"] == t.province).astype(float)
    return float((sel * paid).sum() / paid.sum())


def check_targets(plan: Plan) -> int:
    """Each share target's line: the share required, the share achieved, and 'binds' exactly when
    the achieved share is at the required one."""
    shown = target_rows(plan.page)
    checked = 0
    for t in plan.run.scenario.targets:
        if t.share is None or t.share_of == "budget":
            continue
        binds, required, achieved = shown[t.label or t.name]
        got = achieved_share(plan, t)
        assert abs(vn(required.rstrip("%")) - 100 * t.share) <= 0.05 + 1e-9, (t.name, required)
        assert abs(vn(achieved.rstrip("%")) - 100 * got) <= 0.05 + 1e-9, (t.name, achieved, got)
        at = abs(got - t.share) <= 1e-6
        assert binds.startswith("có") == at, (t.name, binds, got, t.share)
        checked += 1
    return checked


def check_constraints(plan: Plan) -> None:
    """Every budget the scenario gives is a row of constraints.csv: its amount, what is
    allocated from it and what is left."""
    cons = plan.cons.set_index("name")
    for name, budget in plan.budgets().items():
        assert name in cons.index, f"{name} is missing from constraints.csv"
        assert cons.loc[name, "family"] == "budget"
        assert abs(cons.loc[name, "rhs"] - budget) <= 1e-3
        assert abs(cons.loc[name, "activity"] - plan.allocated(name)) <= 1e-3
        assert abs(cons.loc[name, "slack"] - (budget - plan.allocated(name))) <= 1e-3
