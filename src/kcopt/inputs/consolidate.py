"""One national list from the provinces' registrations (`kcopt consolidate`, issue 26).

Each province sends its own workbook in its own layout; every file is read as `read_projects`
reads it (official annexes with fund and content sections, flat CSV/XLSX lists), the province
of each project from its column, the title, or the place names. The projects get ids unique
across provinces (the province's code before the file's own id, which is kept beside it), and
likely duplicates — the same content type, a similar name and the same beneficiary (or
implementing unit) where both rows give one — are listed, never merged.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from kcopt.core.errors import InputError, Problem
from kcopt.core.geo import load_geography
from kcopt.core.text import fold
from kcopt.core.words import _, num
from kcopt.inputs.schema import Projects, read_projects
from kcopt.io.formlayout import LOCATION_HEADERS, PROVINCE_UNKNOWN

SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods")
BENEFICIARY = ("don vi thu huong", "doi tuong thu huong", "co so thu huong", "beneficiary",
               "don vi huong loi")
IMPLEMENTER = ("don vi thuc hien", "don vi chu tri", "co quan chu tri", "don vi chu tri thuc hien",
               "implementing unit", "co quan thuc hien")
SIMILAR = 0.85  # difflib ratio of two folded names (or beneficiaries) read as the same
BIGRAMS_ALIKE = 0.6  # letter pairs two names must share (Dice) to be compared letter by letter
WORDS_ALIKE = 0.6  # and of their words: "máy sấy cà phê" is not "máy sấy chè" (0.88 by letters)
# columns the consolidated frame adds to the validated ones
PROVENANCE = ("original_id", "source_file", "source_sheet", "source_row", "implementer",
              "beneficiary", "location")


@dataclass(frozen=True)
class Source:
    """One file read: where, how many projects, which provinces."""

    path: Path
    sheet: str | None
    projects: int
    provinces: tuple[str, ...]


@dataclass(frozen=True)
class Duplicate:
    """Two projects that look like the same registration: positions in `Consolidated.frame`."""

    first: int
    second: int
    similarity: float  # of the folded names, 0…1


@dataclass
class Consolidated:
    """The national list: validated project columns, the files' own extra columns that all
    lists share in meaning (`PROVENANCE`), the files read and the likely duplicates."""

    frame: pd.DataFrame
    sources: list[Source]
    duplicates: list[Duplicate] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def input_files(paths: Iterable[Path], skip: Path | None = None) -> list[Path]:
    """The files named, a folder standing for its .csv/.xlsx files (sorted; lock files and
    hidden files left out, and `skip`, the output, never read as an input)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file()
                          and p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".")))
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen and (skip is None or key != skip.resolve()):
            seen.add(key)
            unique.append(p)
    return unique


@cache
def province_codes() -> dict[str, str]:
    """A short code for each of the 34 provinces, unique among them: the initials of its
    ASCII name ("Đắk Lắk" → "DL"; "Huế" → "HUE"), lengthened from the last word where two
    would meet.

    >>> province_codes()["Đắk Lắk"], province_codes()["Hà Nội"]
    ('DL', 'HN')
    """
    provinces = load_geography().provinces.values()
    words = {p.name: p.name_ascii.upper().split() for p in provinces}
    codes = {name: "".join(w[0] for w in ws) if len(ws) > 1 else ws[0][:3]
             for name, ws in words.items()}
    while True:
        taken: dict[str, list[str]] = {}
        for name, code in codes.items():
            taken.setdefault(code, []).append(name)
        clash = [names for names in taken.values() if len(names) > 1]
        if not clash:
            return codes
        for names in clash:
            for name in names[1:]:  # the first keeps its initials
                last = words[name][-1]
                extra = len(codes[name]) - len(words[name]) + 1
                codes[name] += last[extra:extra + 1] or str(names.index(name))


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """`--province FILE=PROVINCE` items → {file: province}; the province resolved by name."""
    geo = load_geography()
    out: dict[str, str] = {}
    problems = []
    for item in items:
        file, sep, name = item.rpartition("=")
        res = geo.resolve(name.strip()) if sep else None
        if not sep or not file.strip() or res is None or res.name is None:
            problems.append(Problem("--province", "expected FILE=PROVINCE with one of the 34 "
                                    "provinces", "Write e.g. --province dak-lak.xlsx=\"Dak Lak\"",
                                    value=item))
            continue
        out[file.strip()] = res.name
    if problems:
        raise InputError(problems)
    return out


def _given(path: Path, provinces: Mapping[str, str]) -> str | None:
    for key in (str(path), path.name, str(path.resolve())):
        if key in provinces:
            return provinces[key]
    return None


def _no_province(problem: Problem) -> bool:
    """A problem that says the reader could not tell a project's province."""
    if problem.column == "province" and (problem.value in ("", None) or problem.row is None):
        return True
    return problem.code == PROVINCE_UNKNOWN


def read_file(path: Path, province: str | None) -> Projects:
    """One province's list as `read_projects` reads it; a list whose province cannot be told
    is one error naming the file and the fix, instead of one per project."""
    try:
        return read_projects(path, province=province)
    except InputError as exc:
        unknown = [p for p in exc.problems if _no_province(p)]
        if not unknown:
            raise
        rest = [p for p in exc.problems if not _no_province(p)]
        rows = sorted({p.row for p in unknown if p.row is not None})
        shown = ", ".join(map(str, rows[:8])) + (" …" if len(rows) > 8 else "")
        message = _("cannot tell which province the projects belong to: the list has no "
                    "province column, and neither its title nor 'Địa điểm' names one (rows "
                    "{rows})").format(rows=shown or "—")
        fix = _("Name it on the command line: --province {file}=<province>, or add a column "
                "'Tỉnh/Thành phố'").format(file=path.name)
        raise InputError([*rest, Problem(str(path), message, fix, unknown[0].sheet)],
                         exc.warnings) from None


def _text_column(projects: Projects, keys: tuple[str, ...]) -> np.ndarray:
    frame = projects.frame
    for header in projects.extra_columns:
        if fold(header) in keys:
            return frame[header].fillna("").astype(str).str.strip().to_numpy(object)
    return np.full(len(frame), "", dtype=object)


def _provenance(projects: Projects, path: Path) -> pd.DataFrame:
    """The validated columns, the ids made national and the file's place of each project."""
    frame = projects.frame[[c for c in projects.frame.columns
                            if c not in projects.extra_columns]].copy()
    codes = province_codes()
    frame.insert(1, "original_id", frame["project_id"].astype(str))
    frame["project_id"] = [f"{codes[p]}-{i}" for p, i in
                           zip(frame["province"], frame["original_id"], strict=True)]
    frame["source_file"] = path.name
    frame["source_sheet"] = projects.sheet or ""
    frame["source_row"] = projects.file_rows
    frame["implementer"] = _text_column(projects, IMPLEMENTER)
    frame["beneficiary"] = _text_column(projects, BENEFICIARY)
    frame["location"] = _text_column(projects, (*LOCATION_HEADERS, "dia diem thuc hien"))
    return frame


def _unique_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """Two files of one province may both number a project "A.I.1": the later one's id gets
    the file's number among that province's files ("DL-2.A.I.1")."""
    files: dict[str, list[str]] = {}
    ids = []
    seen: set[str] = set()
    for pid, prov, file in zip(frame["project_id"], frame["province"], frame["source_file"],
                               strict=True):
        order = files.setdefault(prov, [])
        if file not in order:
            order.append(file)
        if pid in seen:
            code, _sep, rest = pid.partition("-")
            pid = f"{code}-{order.index(file) + 1}.{rest}"
        seen.add(pid)
        ids.append(pid)
    return frame.assign(project_id=ids)


def consolidate(paths: Iterable[Path], provinces: Mapping[str, str] | None = None,
                skip: Path | None = None) -> Consolidated:
    """Read every list (folders for their files), give each project a national id, and find
    likely duplicates; raise `InputError` with every bad cell of every file at once."""
    files = input_files(paths, skip)
    if not files:
        raise InputError([Problem("projects", "no project list to consolidate",
                                  "Name .csv/.xlsx files or a folder that holds them")])
    given = dict(provinces or {})
    unused = [k for k in given if not any(k in (str(p), p.name, str(p.resolve()))
                                          for p in files)]
    errors: list[Problem] = [Problem("--province", "names no file being consolidated",
                                     "Write the file's name as given on the command line",
                                     value=k) for k in unused]
    warnings: list[Problem] = []
    frames, sources = [], []
    for path in files:
        try:
            projects = read_file(path, _given(path, given))
        except InputError as exc:
            errors += exc.problems
            warnings += exc.warnings
            continue
        warnings += projects.warnings
        frames.append(_provenance(projects, path))
        sources.append(Source(path, projects.sheet, len(projects),
                              tuple(sorted(set(projects.frame["province"])))))
    if errors:
        raise InputError(errors, warnings)
    frame = _unique_ids(pd.concat(frames, ignore_index=True))
    return Consolidated(frame, sources, find_duplicates(frame), _scored_by_some(frame) + warnings)


def _scored_by_some(frame: pd.DataFrame) -> list[Problem]:
    """Appraisal scores given by some files only: the others' projects would score 0 on that
    criterion in a plan that weighs it, which the planner should know before solving."""
    has = frame["appraisal"].notna().groupby(frame["source_file"], sort=False).any()
    if not has.any() or has.all():
        return []
    return [Problem("projects", _(
        "appraisal scores are given by {some} of {files} file(s) ({with_scores}); the projects "
        "of the others ({without}) have none and score 0 on that criterion in a plan that "
        "weighs it").format(some=num(int(has.sum())), files=num(len(has)),
                            with_scores=", ".join(has.index[has]),
                            without=", ".join(has.index[~has])), severity="warning",
        code="appraisal_partial")]


def _alike(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def find_duplicates(frame: pd.DataFrame, threshold: float = SIMILAR) -> list[Duplicate]:
    """Pairs of projects of the same content type whose names are alike (diacritics, case and
    punctuation ignored; difflib ratio ≥ `threshold` by letters and ≥ `WORDS_ALIKE` by words,
    so that a short name one word apart is not alike) and whose beneficiaries — or, where a
    row names none, implementing units — are alike too when both rows name one; two rows that
    do not both name one must be of the same province.

    >>> f = pd.DataFrame({"name": ["Máy sấy cà phê", "MAY SAY CA PHE", "Máy sấy chè"],
    ...                   "category": ["machinery"] * 3, "beneficiary": ["HTX A", "htx a", ""],
    ...                   "implementer": [""] * 3})
    >>> [(d.first, d.second) for d in find_duplicates(f)]
    [(0, 1)]
    """
    names = [fold(n) for n in frame["name"].astype(str)]
    who = {k: [fold(v) for v in frame[k].astype(str)] if k in frame else [""] * len(frame)
           for k in ("beneficiary", "implementer", "province")}
    out = []
    for _cat, idx in frame.groupby("category", sort=False).indices.items():
        rows = [int(i) for i in idx]
        for a, b in _candidates([names[i] for i in rows]):
            i, j = rows[a], rows[b]
            if not _same_party(who, i, j, threshold):
                continue
            score = 1.0 if names[i] == names[j] else _alike(names[i], names[j])
            if score < threshold:
                continue
            words = difflib.SequenceMatcher(None, names[i].split(), names[j].split())
            if score < 1.0 and words.ratio() < WORDS_ALIKE:
                continue
            out.append(Duplicate(i, j, score))
    return sorted(out, key=lambda d: (d.first, d.second))


def _candidates(names: list[str], chunk: int = 2000) -> list[tuple[int, int]]:
    """Pairs (a < b) worth comparing letter by letter: names sharing enough words for a word
    ratio ≥ `WORDS_ALIKE` (Σ count·count ≥ the matched words ≥ WORDS_ALIKE/2 of all words) and
    at least `BIGRAMS_ALIKE` of their letter pairs (Dice). Sparse products, a block of rows at
    a time, instead of difflib on every pair: 6,400 names in seconds, not minutes."""
    if len(names) < 2:
        return []
    words, wsize = _bag([n.split() for n in names])
    grams, gsize = _bag([[p[k:k + 2] for k in range(len(p) - 1)] for p in
                         (f" {n} " for n in names)], binary=True)
    out: list[tuple[int, int]] = []
    for lo in range(0, len(names), chunk):
        hi = min(lo + chunk, len(names))
        shared_w = (words[lo:hi] @ words.T).toarray()
        shared_g = (grams[lo:hi] @ grams.T).toarray()
        word_ok = shared_w >= WORDS_ALIKE / 2 * (wsize[lo:hi, None] + wsize[None, :]) - 1e-9
        dice = 2 * shared_g / np.maximum(gsize[lo:hi, None] + gsize[None, :], 1)
        upper = np.arange(lo, hi)[:, None] < np.arange(len(names))[None, :]
        a, b = np.nonzero(word_ok & (dice >= BIGRAMS_ALIKE) & upper)
        out += [(int(x) + lo, int(y)) for x, y in zip(a, b, strict=True)]
    return out


def _bag(tokens: list[list[str]], binary: bool = False) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows of token counts (or presence) as a sparse matrix, and each row's total."""
    vocab: dict[str, int] = {}
    data: list[float] = []
    cols: list[int] = []
    ptr = [0]
    for toks in tokens:
        counts: dict[int, float] = {}
        for t in toks:
            k = vocab.setdefault(t, len(vocab))
            counts[k] = 1.0 if binary else counts.get(k, 0.0) + 1.0
        cols += counts
        data += counts.values()
        ptr.append(len(cols))
    m = sp.csr_matrix((data, cols, ptr), shape=(len(tokens), max(len(vocab), 1)))
    return m, np.asarray(m.sum(axis=1)).ravel()


def _same_party(who: dict[str, list[str]], i: int, j: int, threshold: float) -> bool:
    """The same beneficiary (else implementing unit) where both rows name one; otherwise the
    same province (two provinces may well register alike training courses)."""
    for key in ("beneficiary", "implementer"):
        a, b = who[key][i], who[key][j]
        if a and b:
            return a == b or _alike(a, b) >= threshold
    return who["province"][i] == who["province"][j]
