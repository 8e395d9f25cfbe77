"""After approval (issue 25): the approved plan a re-plan starts from, the `approved:` and
`budget_change:` keys, and the project list's implementation status.

`approved: {plan: PATH, keep: prefer|fixed, lock: [ids], tolerance: 1e-6, fewest_changes: false}`
names the plan (an output folder, its allocation.csv or allocation.xlsx, kcopt's annex.xlsx, or
a planner's `--into` copy) and how to keep it; `budget_change: {central: -5%, local: -10%,
provinces: {"Hà Nội": +200}}` cuts or tops up the budgets, by a percentage or an amount in
million VND (the scenario's units). `read_plan` reads the plan's amounts per project and fund.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from kcopt.core.errors import InputError, Problem
from kcopt.core.limits import read_input_bytes
from kcopt.core.parse import parse_number_text
from kcopt.core.text import fold
from kcopt.core.vocabulary import canonical_column
from kcopt.core.words import N_, _, num
from kcopt.inputs.schema import read_projects
from kcopt.io.folders import MARKER
from kcopt.io.formlayout import UNIT_SCALES

Keep = Literal["prefer", "fixed"]
KEEPS: tuple[str, ...] = get_args(Keep)
# relative: the score a re-plan may give up to move less money. 0: the best score exactly (an
# LP's optimal face), so no money is left unspent to move less (docs/replan.md, "Tolerance")
DEFAULT_TOLERANCE = 0.0
FUNDS = ("central", "local")
FUND_CODE = {"central": N_("KCQG"), "local": N_("KCĐP")}  # the funds' names in a reason


@dataclass(frozen=True)
class Approved:
    """How a re-plan keeps an approved plan (docs/replan.md)."""

    plan: Path
    keep: Keep = "prefer"
    lock: tuple[str, ...] = ()
    tolerance: float = DEFAULT_TOLERANCE
    fewest_changes: bool = False
    executed_through: int | None = None  # a multi-year programme: the years already executed
    carry_over: bool = False  # their unspent money goes to the first year re-planned
    # the plan file's bytes as read (and hashed into the scenario's `input_hashes`) at load,
    # with the file: the re-plan parses these, so the hash recorded is of the plan used
    plan_bytes: tuple[Path, bytes] | None = field(default=None, compare=False, repr=False)
    # the simplex basis kcopt kept with the plan in its output folder (`kept_basis`): where
    # the re-plan's first stage starts; never changes the best score, only how fast it is found
    kept: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def plan_data(self) -> bytes | None:
        """The plan file's content as read when the scenario was loaded, if `plan` still names
        that file (None: read it from `plan`)."""
        if self.plan_bytes is None:
            return None
        file, data = self.plan_bytes
        return data if file == plan_file(Path(self.plan)) else None

    def resolved(self) -> dict[str, object]:
        return {"plan": str(self.plan), "keep": self.keep, "lock": list(self.lock),
                "tolerance": self.tolerance, "fewest_changes": self.fewest_changes,
                "executed_through": self.executed_through, "carry_over": self.carry_over}


@dataclass(frozen=True)
class Change:
    """One budget's change: a share of it (−0.05 for a 5% cut) or an amount (million VND)."""

    share: float | None = None
    amount: float | None = None

    def apply(self, budget: float) -> float:
        return budget * (1.0 + self.share) if self.share is not None \
            else budget + (self.amount or 0.0)

    @property
    def is_cut(self) -> bool:
        return (self.share if self.share is not None else (self.amount or 0.0)) < 0

    def size(self) -> str:
        """The change's size in words, without its sign: "5%" or "200 million VND"."""
        if self.share is not None:
            return num(abs(self.share) * 100, 2) + "%"
        return _("{amount} million VND").format(amount=num(abs(self.amount or 0.0), 3))


@dataclass(frozen=True)
class BudgetChange:
    """`budget_change:` / `--budget`: the central budget, every local budget, and single
    provinces' local budgets changed (a province's own line wins over `local`)."""

    central: Change | None = None
    local: Change | None = None
    provinces: dict[str, Change] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.central is not None or self.local is not None or bool(self.provinces)

    def then(self, other: BudgetChange) -> BudgetChange:
        """This change with `other`'s lines taking over (the command line over the file)."""
        return BudgetChange(other.central or self.central, other.local or self.local,
                            {**self.provinces, **other.provinces})

    def of_local(self, province: str) -> Change | None:
        return self.provinces.get(province, self.local)


_CHANGE = re.compile(r"^([+\-−]?)\s*([0-9][0-9.,\s]*)\s*(%?)$")


def parse_change(value: object) -> Change | None:
    """A budget change as a planner writes it: "-5%", "+10 %", "-1.500" or a number (million
    VND); None when it is none of these.

    >>> parse_change("-5%"), parse_change(200), parse_change("+1.500")
    (Change(share=-0.05, amount=None), Change(share=None, amount=200.0), \
Change(share=None, amount=1500.0))
    >>> parse_change("cut") is None, parse_change(True) is None
    (True, True)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Change(amount=float(value)) if np.isfinite(value) else None
    m = _CHANGE.match(str(value).strip())
    if not m:
        return None
    number = parse_number_text(m.group(2).strip(), thousands=not m.group(3))
    if number is None:
        return None
    sign = -1.0 if m.group(1) in ("-", "−") else 1.0
    if m.group(3):
        return Change(share=round(sign * number / 100.0, 12))
    return Change(amount=sign * number)


def change_fix() -> str:
    """How to write a budget change, for an error about one."""
    return _("Write a percentage such as -5% or +10%, or an amount in million VND such as "
             "-1500 or +200")


# ---------------------------------------------------------------------------------------------
# Reading the approved plan

@dataclass
class ApprovedPlan:
    """An approved plan's money: one row per project (project_id, central, local, million VND)
    and where it was read from."""

    amounts: pd.DataFrame
    path: Path
    index: pd.Index = field(init=False, repr=False)  # the project ids, for look-ups

    def __post_init__(self) -> None:
        self.index = pd.Index(self.amounts["project_id"])

    def where(self, ids: np.ndarray) -> np.ndarray:
        """The plan's row of each of `ids` (−1: not in the plan), one hash look-up each."""
        return self.index.get_indexer(pd.Index(ids))

    def of(self, ids: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Projects × funds (central, local): the approved amounts of `ids` (0 when not in
        the plan); `rows`: their `where`, when known."""
        rows = self.where(ids) if rows is None else rows
        out = np.zeros((len(rows), len(FUNDS)))
        hit = rows >= 0
        out[hit] = self.amounts[list(FUNDS)].to_numpy(float)[rows[hit]]
        return out

    def starts(self, ids: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray | None:
        """The approved start year of `ids` (NaN: none, or not in the plan); None when the plan
        has no start years (a one-year plan)."""
        if "start_year" not in self.amounts:
            return None
        rows = self.where(ids) if rows is None else rows
        out = np.full(len(rows), np.nan)
        hit = rows >= 0
        out[hit] = self.amounts["start_year"].to_numpy(float)[rows[hit]]
        return out


# pandas' own reader skips a UTF-8 byte-order mark (kcopt writes one, for Excel); naming the
# codec "utf-8-sig" instead sends every byte through Python's decoder, 2.5x slower at 10,000 rows
CSV_ENCODING = "utf-8"
CENTRAL_HEADERS = {"central", "trung uong kcqg", "kinh phi ho tro kcqg", "kcqg"}
LOCAL_HEADERS = {"local", "dia phuong kcdp", "kinh phi ho tro kcdp", "kcdp"}
PROPOSAL = "de xuat ho tro"  # the --into copy's column, in the form's unit


BASIS_FILE = ".kcopt-basis.json"  # beside allocation.csv: the simplex basis at that plan


def read_approved_plan(file: Path) -> tuple[bytes, dict[Path, str], dict[str, Any] | None]:
    """An approved plan's file read once, when the scenario is loaded: its bytes (which the
    re-plan parses), the SHA-256 of each file read for it — the plan, and the basis kept beside
    it when its folder vouches for both (`_kept_basis`), an input of the re-plan too — and that
    basis (None: the re-plan starts from a basis guessed from the plan)."""
    data = read_input_bytes(file, _("approved plan"))
    digest = hashlib.sha256(data).hexdigest()
    hashes = {file: digest}
    found = _kept_basis(file, digest)
    if found is None:
        return data, hashes, None
    basis, basis_file, hashes[basis_file] = found
    return data, hashes, basis


def _kept_basis(file: Path, plan_sha256: str) -> tuple[dict[str, Any], Path, str] | None:
    """The simplex basis kcopt kept beside an approved plan (`BASIS_FILE`), with its file and
    SHA-256: only when the output folder's own record says both files are as that run wrote
    them — the plan the one read (its hash `plan_sha256`), the basis unchanged. Anything else
    (a plan from elsewhere, a planner's edited copy, no record): None, and the re-plan starts
    from a basis guessed from the plan, as it always can."""
    folder = file.parent
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        data = (folder / BASIS_FILE).read_bytes()
    except (OSError, ValueError):
        return None
    hashes = record.get("sha256") if isinstance(record, dict) else None
    digest = hashlib.sha256(data).hexdigest()
    if not isinstance(hashes, dict) or hashes.get(file.name) != plan_sha256 \
            or hashes.get(BASIS_FILE) != digest:
        return None
    try:
        basis = json.loads(data)
    except ValueError:
        return None
    return (basis, folder / BASIS_FILE, digest) if isinstance(basis, dict) else None


def plan_file(path: Path) -> Path:
    """The file of an approved plan: an output folder's allocation.csv, or the file itself."""
    return path / "allocation.csv" if path.is_dir() else path


def read_plan(path: str | Path, data: bytes | None = None) -> ApprovedPlan:
    """Read an approved plan: a kcopt output folder or its allocation.csv, allocation.xlsx,
    annex.xlsx, or a planner's `--into` copy of their annex (its "Đề xuất hỗ trợ" column).
    `data`: the file's content when already read (`Approved.plan_data()`, the bytes hashed when
    the scenario was loaded), so the file is not read again."""
    file = plan_file(Path(path))
    if data is None and not file.is_file():
        raise InputError([Problem(str(file), _("approved plan not found"), _(
            "Give an output folder of `kcopt solve`, its allocation.csv or allocation.xlsx, its "
            "annex.xlsx or your --into copy"), column="approved.plan", column_label="key")])
    csv = file.suffix.lower() == ".csv"
    amounts = _plan_from_csv(file, data) if csv else _plan_from_workbook(file, data)
    plan = ApprovedPlan(amounts, file)
    if not plan.index.is_unique:  # a project paid from both funds in an annex is one row here
        ids = amounts["project_id"]
        dup = ids[ids.duplicated()].unique()
        raise InputError([Problem(str(file), _("project ids repeated in the approved plan"),
                                  _("Each project once, with its central and local amounts"),
                                  value=", ".join(map(str, dup[:5])))])
    return plan


def _plan_from_csv(file: Path, data: bytes | None = None) -> pd.DataFrame:
    """A plan's csv: kcopt's allocation.csv (or a planner's table with a project id and the
    funds' columns). Typed first — the amounts parsed as numbers by the csv reader itself, the
    names and reasons not kept — and, only when a cell is not a plain non-negative number
    ("1.200,5" as a planner types it, a word), cell by cell with every bad cell said."""
    if data is None:
        data = read_input_bytes(file, _("approved plan"))
    try:
        headers = _headers(data)
        found = {col: h for h in headers if (col := _plan_column(h)) is not None}
        if "project_id" not in found or not ({"central", "local"} & set(found)):
            raise _no_amounts(file, headers)
        wanted = [*found.values(), *(["start_year"] if "start_year" in headers else [])]
        out = _typed_plan(data, found, wanted)
        if out is None:
            raw = pd.read_csv(io.BytesIO(data), encoding=CSV_ENCODING, dtype=str,
                              keep_default_na=False, usecols=wanted)
            out = _plan_from_cells(file, raw, found)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise InputError([Problem(str(file), _("cannot be read as an approved plan: {error}")
                                  .format(error=exc))]) from None
    blank = (out["project_id"] == "").to_numpy(bool)
    return out[~blank].reset_index(drop=True) if blank.any() else out


def _typed_plan(data: bytes, found: dict[str, str], wanted: list[str]) -> pd.DataFrame | None:
    """The plan with its amounts read as float64 by the csv reader (an empty cell is 0); None
    when a cell is no plain non-negative number, for `_plan_from_cells` to say which."""
    amounts = [found[f] for f in FUNDS if f in found]
    raw = _arrow_read(data, amounts, wanted)
    if raw is None:
        types: dict[str, Any] = {found["project_id"]: object,
                                 **dict.fromkeys(amounts, "float64")}
        try:
            frame = pd.read_csv(io.BytesIO(data), encoding=CSV_ENCODING, usecols=wanted,
                                keep_default_na=False, dtype=types,
                                na_values={h: [""] for h in amounts})
        except ValueError:
            return None
        raw = {h: frame[h].to_numpy(float) if h in amounts else frame[h].tolist()
               for h in wanted}
    n = len(raw[found["project_id"]])
    columns: dict[str, Any] = {"project_id": _ids(raw[found["project_id"]])}
    for fund in FUNDS:
        values = np.array(raw[found[fund]], dtype=float) if fund in found else np.zeros(n)
        values[np.isnan(values)] = 0.0
        if not (np.isfinite(values) & (values >= 0)).all():
            return None
        columns[fund] = values
    if "start_year" in raw:
        columns["start_year"] = pd.to_numeric(pd.Series(raw["start_year"], dtype=object),
                                              errors="coerce").to_numpy(float)
    return pd.DataFrame(columns)


def _arrow_read(data: bytes, amounts: list[str], wanted: list[str]) -> dict[str, Any] | None:
    """The wanted columns by Arrow's csv reader, one thread (about 40% less CPU than pandas'
    C reader over kcopt's 3.5 MB allocation.csv at 10,000 projects, most of it reason text):
    the ids as text, the amounts as float64 (an empty cell NaN). None when pyarrow is not
    installed or a cell is not what the column's type says: pandas' reader then, which says
    the same of every file this one reads."""
    try:
        import pyarrow as pa  # optional: pandas installs it with its string columns
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    types = {h: pa.float64() if h in amounts else pa.string() for h in wanted}
    try:
        table = pcsv.read_csv(
            io.BytesIO(data), read_options=pcsv.ReadOptions(use_threads=False),
            convert_options=pcsv.ConvertOptions(include_columns=wanted, column_types=types,
                                                null_values=[""], strings_can_be_null=False))
    except (pa.ArrowException, ValueError, KeyError):
        return None
    return {h: table.column(h).to_numpy(zero_copy_only=False) if h in amounts
            else table.column(h).to_pylist() for h in wanted}


def _headers(data: bytes) -> list[str]:
    """A csv's header, read from its first line alone (the whole file is read once, after,
    for the columns wanted): split at its commas when it has no quote, no empty and no
    repeated name (what the csv reader itself would give); else the reader's own pass."""
    end = data.find(b"\n")
    line = data[:end] if end >= 0 else data
    if b'"' not in line:
        try:
            names = line.decode("utf-8-sig").rstrip("\r").split(",")
        except UnicodeDecodeError:
            names = []
        if all(names) and len(set(names)) == len(names) and "\r" not in "".join(names):
            return names
    head = data if end < 0 or b'"' in line else data[:end + 1]
    return list(pd.read_csv(io.BytesIO(head), encoding=CSV_ENCODING, nrows=0).columns)


def _ids(col: pd.Series | list[Any]) -> np.ndarray:
    """Project ids as text: stripped, and NFC (as the project list's are) when they are not
    already — checked at once over all of them (a line break between two ids is a starter,
    so the joined text is NFC exactly when each id is)."""
    values = col if isinstance(col, list) else col.tolist()
    ids = [v.strip() if isinstance(v, str) else str(v).strip() for v in values]
    if not unicodedata.is_normalized("NFC", "\n".join(ids)):
        ids = [unicodedata.normalize("NFC", v) for v in ids]
    return np.array(ids, dtype=object)


def _plan_from_cells(file: Path, raw: pd.DataFrame, found: dict[str, str]) -> pd.DataFrame:
    """The plan from its cells as text: a number as pandas reads it, else as a planner types
    it ("1.200,5"); every cell that is neither, or negative, said at once."""
    out = pd.DataFrame({"project_id": _ids(raw[found["project_id"]])})
    bad: list[Problem] = []
    for fund in FUNDS:
        cells = raw[found[fund]] if fund in found else pd.Series([""] * len(raw))
        values = pd.to_numeric(cells.where(cells.str.strip() != "", "0"),
                               errors="coerce").to_numpy(float, copy=True)
        for i in np.flatnonzero(~np.isfinite(values) | (values < 0)).tolist():
            v = parse_number_text(str(cells.iat[i]))  # "1.200,5" as a planner types it
            if v is None or v < 0:
                bad.append(Problem(str(file), _("not an amount in million VND"),
                                   _("Write a number such as 1200 or 1,200.5"), row=i + 2,
                                   column=found[fund], value=cells.iat[i]))
            values[i] = v if v is not None and v >= 0 else 0.0
        out[fund] = values
    if bad:
        raise InputError(bad)
    if "start_year" in raw:  # a multi-year programme's plan
        out["start_year"] = pd.to_numeric(raw["start_year"], errors="coerce").to_numpy(float)
    return out


@lru_cache(maxsize=1024)
def _plan_column(header: str) -> str | None:
    key = fold(header)
    if key in CENTRAL_HEADERS:
        return "central"
    if key in LOCAL_HEADERS:
        return "local"
    return "project_id" if canonical_column(header) == "project_id" else None


def _plan_from_workbook(file: Path, data: bytes | None = None) -> pd.DataFrame:
    """A plan read back as a project list (kcopt's workbooks and annexes are such lists): the
    amounts in its extra columns, in the sheet's unit."""
    projects = read_projects(file, data=data)
    frame = projects.frame
    scale = projects.form.scale if projects.form is not None and projects.form.scale else 1.0
    by_fund: dict[str, np.ndarray] = {}
    for h in projects.extra_columns:
        key = fold(h)
        fund = "central" if key in CENTRAL_HEADERS else "local" if key in LOCAL_HEADERS \
            else None
        if fund is not None:
            by_fund[fund] = _numbers(frame[h]) * scale
        elif key.startswith(PROPOSAL):
            unit = key[len(PROPOSAL):].strip()
            amount = _numbers(frame[h]) * UNIT_SCALES.get(unit, scale)
            central = frame["level"].astype(str).to_numpy() == "central"
            by_fund.setdefault("central", np.where(central, amount, 0.0))
            by_fund.setdefault("local", np.where(central, 0.0, amount))
    if not by_fund:
        raise _no_amounts(file, projects.extra_columns)
    zero = np.zeros(len(frame))
    return pd.DataFrame({"project_id": frame["project_id"].astype(str).to_numpy(),
                         "central": by_fund.get("central", zero),
                         "local": by_fund.get("local", zero)})


def _numbers(col: pd.Series) -> np.ndarray:
    values = [v if isinstance(v, int | float) and not isinstance(v, bool)
              else parse_number_text(str(v)) if str(v).strip() not in ("", "None", "nan")
              else 0.0 for v in col]
    return np.nan_to_num(np.array([v if v is not None else np.nan for v in values],
                                  dtype=float))


def _no_amounts(file: Path, headers: list[str]) -> InputError:
    return InputError([Problem(str(file), _(
        "no approved amounts found: expected a project id and the columns 'central' / 'local' "
        "(allocation.csv), 'Trung ương (KCQG)' / 'Địa phương (KCĐP)' (allocation.xlsx), "
        "'Kinh phí hỗ trợ KCQG' / 'Kinh phí hỗ trợ KCĐP' (annex.xlsx) or 'Đề xuất hỗ trợ' "
        "(an --into copy)"), _("Give the plan as kcopt wrote it"),
        value=", ".join(map(str, headers[:12])))])
