"""Output folders, written whole or not at all (what goes in them: `kcopt.outputs`).

A command writes its files into a private staging folder beside the output folder
(`.<name>.kcopt-new-…`) and, when everything is written, swaps it in for the output folder under
a lock (`.<name>.kcopt-lock` beside it): readers and later runs see either the previous set of
files or the new one, never a mix, and files of an earlier run that the new one does not write (a
stale `diagnosis.json`, sensitivity tables of another scenario) disappear with the old set. A
failure or an interruption part-way leaves the previous outputs untouched; a run killed outright
leaves its staging folder, which the next run into the same folder removes. Two runs into one
folder never interleave: each writes its own staging folder and the swaps take turns, the last
to finish wins.

An output folder holds only kcopt's files. kcopt refuses (and touches nothing) when the folder
holds other files — they would be lost with the old set — or when an input of the run (the
scenario, the project list, a budget file, the planner's workbook) is inside the folder or is the
folder itself. `.kcopt-run.json` in each folder lists the files of its run and the run's id.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import hashlib
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from kcopt.core.errors import InfeasibleError, OutputError
from kcopt.core.words import N_, _, ngettext, num
from kcopt.io.locks import WRITE_ERRNOS, folder_lock, hold, write_error
from kcopt.io.write import sync

Family = Literal["solve", "compare"]
MARKER = ".kcopt-run.json"
# files each command may find in its folder, besides those the marker lists: what kcopt writes
# (also what earlier versions wrote, without a marker) and temporary files of older versions
KNOWN: dict[Family, tuple[str, ...]] = {
    "solve": ("allocation.csv", "constraints.csv", "allocation_by_year.csv", "summary.json",
              "allocation.xlsx", "annex.xlsx", "adjustment.xlsx", "diagnosis.json",
              "sensitivity.json",
              "sensitivity.xlsx", "report.html", "ranging_projects.csv",
              "ranging_constraints.csv", "budget_sweep.csv", "weight_robustness.csv",
              "tornado.csv", "policy_prices.csv", "selection_margins.csv", "reserve.csv",
              "nestedness.csv",
              "*-kcopt.xlsx", "*-kcopt.xlsm",
              "*.lp", "*.mps", "plots/*.png"),
    "compare": ("compare_*.csv", "compare.json", "compare.txt", "compare.png"),
}
_ALWAYS = (MARKER, ".*.tmp", "plots/.*.tmp")
_ACTIVE: dict[Path, OutputFolder] = {}  # staging folder -> its transaction (this process)


def _name(path: Path) -> str:
    return str(path)


class OutputFolder:
    """One run's output folder, written through a staging folder and swapped in by `commit`."""

    def __init__(self, target: Path, inputs: Iterable[Path] = (), family: Family = "solve",
                 command: str = ""):
        # a symlinked output folder: its real folder is replaced, the link stays
        self.target = Path(os.path.realpath(target))
        self.inputs = [Path(os.path.abspath(p)) for p in inputs]
        self.family = family
        self.command = command or family
        self.staging: Path | None = None
        self._stage_lock: IO[bytes] | None = None
        self.run_id = uuid.uuid4().hex

    # -- checks ------------------------------------------------------------------------------
    def check(self) -> None:
        """Refuse, before any work, what would lose a file: an input inside the folder, a file
        where the folder should be, a read-only folder, files kcopt did not write."""
        check_not_input(self.target, self.inputs)
        t = self.target
        if t.exists() and not t.is_dir():
            raise OutputError(_("'{name}' is a file, not a folder: choose an output folder with "
                                "-o").format(name=_name(t)))
        if t.is_dir():
            _check_writable(t)
            foreign = foreign_files(t, self.family)
            if foreign:
                more = len(foreign) - 5
                shown = ", ".join(foreign[:5]) + (" " + ngettext(
                    "(and {count} more file)", "(and {count} more files)", more).format(
                    count=num(more)) if more > 0 else "")
                raise OutputError(_(
                    "the output folder '{name}' holds files this kcopt command did not write: "
                    "{files}. kcopt replaces the whole folder on every run, so they would be "
                    "lost: move them or choose another folder with -o").format(
                    name=_name(t), files=shown))

    # -- the transaction -----------------------------------------------------------------------
    def open(self) -> Path:
        self.check()
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            with folder_lock(self.target):  # no other run's clean-up sees it half made
                _recover(self.target)
                staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.kcopt-new-",
                                                dir=parent))
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(staging, 0o777 & ~umask)
                self._stage_lock = hold(staging / ".kcopt-stage-lock")
        except OSError as exc:
            raise write_error(exc, self.target) from None
        self.staging = staging
        _ACTIVE[staging] = self
        return staging

    def commit(self) -> None:
        assert self.staging is not None
        staging = self.staging
        try:
            files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*")
                           if p.is_file() and p.name != ".kcopt-stage-lock")
            marker = {"run_id": self.run_id, "command": self.command, "family": self.family,
                      "created": datetime.now(UTC).isoformat(timespec="seconds"),
                      "files": files, "sha256": {f: file_hash(staging / f) for f in files}}
            (staging / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=2)
                                          + "\n", encoding="utf-8")
            with folder_lock(self.target):
                _recover(self.target)
                self.check()  # another run may have left files meanwhile
                self._release_stage_lock()
                if self.target.is_dir():  # a shared folder keeps its permissions
                    shutil.copymode(self.target, staging)
                _swap(staging, self.target)
        except OSError as exc:
            self.abort()
            raise write_error(exc, self.target) from None
        except BaseException:
            self.abort()
            raise
        _ACTIVE.pop(staging, None)
        self.staging = None

    def abort(self) -> None:
        if self.staging is not None:
            self._release_stage_lock()
            shutil.rmtree(self.staging, ignore_errors=True)
            _ACTIVE.pop(self.staging, None)
            self.staging = None

    def _release_stage_lock(self) -> None:
        if self._stage_lock is not None:
            self._stage_lock.close()
            self._stage_lock = None
            assert self.staging is not None
            (self.staging / ".kcopt-stage-lock").unlink(missing_ok=True)


@contextlib.contextmanager
def writing(target: Path, inputs: Iterable[Path] = (), family: Family = "solve",
            command: str = "") -> Iterator[Path]:
    """The folder to write a run's files into; on leaving the block they replace `target` whole.

    On an error the previous outputs stay as they were (an infeasible scenario's diagnosis is
    an outcome, not an error: it is committed). Inside another `writing` block for the same
    outputs (its staging folder given as `target`), the files go straight into that block's set.
    """
    if Path(os.path.abspath(target)) in _ACTIVE:
        yield Path(target)
        return
    tx = OutputFolder(target, inputs, family, command)
    staging = tx.open()
    try:
        yield staging
    except InfeasibleError:
        tx.commit()
        raise
    except OSError as exc:
        tx.abort()
        if exc.errno in WRITE_ERRNOS or str(staging) in str(exc.filename or ""):
            raise write_error(exc, tx.target) from None
        raise
    except BaseException:
        tx.abort()
        raise
    tx.commit()


SENSITIVITY_FILES = ("ranging_projects.csv", "ranging_constraints.csv", "budget_sweep.csv",
                     "weight_robustness.csv", "tornado.csv", "policy_prices.csv",
                     "selection_margins.csv", "nestedness.csv", "sensitivity.xlsx",
                     "sensitivity.json",
                     "report.html", "plots/budget_frontiers.png", "plots/budget_heatmap.png",
                     "plots/tornado.png", "plots/robustness.png")


@contextlib.contextmanager
def amending(target: Path, drop: Iterable[str], command: str = "") -> Iterator[Path]:
    """Add files to a run's output set (the library's `write_sensitivity` after `run`): the
    set's other files are carried over (hard links where possible), those matching `drop` are
    not, and the new set replaces the old whole. The folder's lock is held throughout, so no
    other run's set is swapped in meanwhile and lost."""
    if staged(target):
        yield Path(target)
        return
    patterns = tuple(drop)
    with folder_lock(target), writing(target, family="solve", command=command) as stage:
        real = Path(os.path.realpath(target))
        if real.is_dir():
            for p in sorted(real.rglob("*")):
                rel = p.relative_to(real).as_posix()
                if not p.is_file() or rel == MARKER or any(
                        fnmatch.fnmatchcase(rel, pat) for pat in patterns):
                    continue
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(p, stage / rel)
                except OSError:
                    shutil.copy2(p, stage / rel)
        yield stage


def staged(path: Path) -> bool:
    """Whether `path` is the staging folder of a `writing` block open in this process."""
    return Path(os.path.abspath(path)) in _ACTIVE


def target_of(path: Path) -> Path:
    """The output folder a staging folder will replace (any other path: itself)."""
    tx = _ACTIVE.get(Path(os.path.abspath(path)))
    return tx.target if tx is not None else Path(path)


def add_file(folder: Path | None, path: Path, inputs: Iterable[Path] = (),
             write: Any = None) -> Path:
    """Write one more file from a run's folder (the committee report), atomically; into the
    folder itself under its lock, listed in its marker. `write(path)` writes it."""
    # start-up: pandas only when this runs
    from kcopt.io.write import atomic_write

    check_not_input(path, inputs, "file")
    if folder is None:
        try:
            return atomic_write(path, write)
        except OSError as exc:
            raise write_error(exc, path) from None
    folder = Path(os.path.realpath(folder))
    real = Path(os.path.realpath(path))
    if real.parent == folder:
        _check_writable(folder)
    try:
        with folder_lock(folder):
            atomic_write(path, write)
            marker = folder / MARKER
            if marker.is_file() and folder in real.parents:
                with contextlib.suppress(ValueError, AttributeError):
                    info = json.loads(marker.read_text(encoding="utf-8"))
                    rel = real.relative_to(folder).as_posix()
                    info["files"] = sorted({*info.get("files", []), rel})
                    if isinstance(info.get("sha256"), dict):
                        info["sha256"][rel] = file_hash(real)
                    text = json.dumps(info, ensure_ascii=False, indent=2) + "\n"

                    def write_marker(p: Path) -> None:
                        p.write_text(text, encoding="utf-8")

                    atomic_write(marker, write_marker)
    except OSError as exc:
        raise write_error(exc, path) from None
    return path


# -- ownership and integrity --------------------------------------------------------------------
def file_hash(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def changed_files(folder: Path) -> list[tuple[str, str]]:
    """Files of a run's folder that are not as the run wrote them: (relative path, "changed" or
    "missing"), from the hashes in its marker. A folder written before kcopt kept hashes, or
    not by kcopt, has nothing to compare with: []."""
    marker = Path(folder) / MARKER
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    hashes = info.get("sha256") if isinstance(info, dict) else None
    if not isinstance(hashes, dict):
        return []
    out = []
    for rel, digest in sorted(hashes.items()):
        path = Path(folder) / rel
        if not path.is_file():
            out.append((rel, "missing"))
        elif file_hash(path) != digest:
            out.append((rel, "changed"))
    return out


def foreign_files(folder: Path, family: Family) -> list[str]:
    """Files in an output folder that the command family does not write (relative paths)."""
    listed: set[str] = set()
    marker = folder / MARKER
    if marker.is_file():
        with contextlib.suppress(OSError, ValueError, AttributeError):
            info = json.loads(marker.read_text(encoding="utf-8"))
            if info.get("family", "solve") == family:
                listed = {str(f) for f in info.get("files", [])}
    patterns = (*KNOWN[family], *_ALWAYS)
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_dir():
            continue
        rel = p.relative_to(folder).as_posix()
        if rel in listed or any(fnmatch.fnmatchcase(rel, pat) for pat in patterns):
            continue
        out.append(rel)
    return out


OUTPUT_WORDS = {"folder": N_("the output folder"), "file": N_("the output file"),
                "model": N_("the --write-model file")}


def check_not_input(target: Path, inputs: Iterable[Path], what: str = "folder") -> None:
    """Refuse an output path that is an input or holds one (it would be replaced or lost),
    naming the output and every input in the way."""
    t = Path(os.path.abspath(target))
    tr = t.resolve()
    hit: list[str] = []
    for p in inputs:
        pa = Path(os.path.abspath(p))
        pr = pa.resolve()
        if (pr == tr or tr in pr.parents or pa == t or t in pa.parents) and str(p) not in hit:
            hit.append(str(p))
    if hit:
        names = ", ".join(f"'{h}'" for h in hit)
        raise OutputError(_(
            "{what} '{name}' is or holds the input {inputs}, which writing there would "
            "replace: choose another place with -o").format(
            what=_(OUTPUT_WORDS.get(what, what)), name=_name(target), inputs=names))


def check_model_path(path: Path, inputs: Iterable[Path]) -> None:
    """`--write-model PATH`: its folder exists, it is not an input, and it is a file."""
    check_not_input(path, inputs, "model")
    parent = Path(os.path.abspath(path)).parent
    if Path(path).is_dir():
        raise OutputError(_("--write-model '{path}' is a folder: give a file name ending in .lp "
                            "or .mps").format(path=path))
    if not parent.is_dir():
        raise OutputError(_("--write-model '{path}': the folder '{folder}' does not exist: "
                            "create it or choose another place").format(path=path,
                                                                        folder=parent))


def scenario_inputs(scenario: Any) -> list[Path]:
    """Every file a scenario reads: the scenario (and what it extends), the project list, the
    budget and rules files."""
    paths: list[Path] = []
    if scenario.projects is not None:
        paths.append(Path(str(scenario.projects).partition("#")[0]))
    if scenario.path is not None:
        paths.append(Path(scenario.path))
        base = Path(scenario.path).parent
        paths += [base / k for k in scenario.input_hashes]
    unique: dict[Path, Path] = {}
    for p in paths:
        unique.setdefault(Path(os.path.abspath(p)), p)
    return list(unique.values())


@contextlib.contextmanager
def reading(folder: Path) -> Iterator[None]:
    """Read an output folder whole: no run swaps a new set in meanwhile."""
    if staged(folder) or not Path(folder).parent.is_dir():
        yield
        return
    with folder_lock(folder, shared=True):
        yield


# -- swapping ----------------------------------------------------------------------------------
def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False when unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                   ctypes.c_uint]
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(staging: Path, target: Path) -> None:
    """Put the staging folder in the place of `target`: one atomic exchange where the system
    has one (Linux), else two renames `_recover` can undo; the new files and the folder entry
    reach the disk first."""
    for path in sorted(staging.rglob("*"), reverse=True):  # files first, then their folders
        sync(path)
    sync(staging)
    if not target.exists():
        os.rename(staging, target)
    else:
        _replace(staging, target)
    sync(target.parent)


def _replace(staging: Path, target: Path) -> None:
    if _exchange(staging, target):  # tests force the two renames by making this False
        shutil.rmtree(staging, ignore_errors=True)  # now the previous set
        return
    old = target.parent / f".{target.name}.kcopt-old-{uuid.uuid4().hex[:8]}"
    os.rename(target, old)  # a kill between the two renames is undone by `_recover`
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _recover(target: Path) -> None:
    """Under the folder lock: put back a previous set a killed swap left aside, and remove the
    staging folders of runs that are no longer running."""
    parent = target.parent
    olds = sorted(parent.glob(f".{glob_escape(target.name)}.kcopt-old-*"),
                  key=lambda p: p.stat().st_mtime)
    if olds and not target.exists():
        os.rename(olds.pop(), target)
    for p in olds:
        shutil.rmtree(p, ignore_errors=True)
    for p in parent.glob(f".{glob_escape(target.name)}.kcopt-new-*"):
        if p in _ACTIVE:
            continue
        lock = p / ".kcopt-stage-lock"
        fh = hold(lock, wait=False) if lock.exists() else None
        if lock.exists() and fh is None:
            continue  # a run still writing it
        if fh is not None:
            fh.close()
        shutil.rmtree(p, ignore_errors=True)


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _check_writable(folder: Path) -> None:
    mode = folder.stat().st_mode
    if not os.access(folder, os.W_OK) or not mode & 0o222:
        raise OutputError(_("the output folder '{name}' is read-only: kcopt does not overwrite "
                            "it. Make it writable or choose another folder with -o").format(
                                name=_name(folder)))
