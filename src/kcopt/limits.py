"""Resource limits on what kcopt reads, so a hostile or broken file is refused in seconds with a
clear message instead of filling the memory (a 12 KB workbook can claim a million rows, a 400 KB
one can hold a 400 MB cell, 1 KB of YAML anchors can expand to a billion nodes).

Every limit has a generous default and can be raised: for one command with
`kcopt --limit rows=500000 solve …`, for a session with the environment variable
`KCOPT_LIMIT_ROWS=500000`, or from Python with `kcopt.limits.set_limits(rows=500000)`.

>>> current().rows
100000
>>> with raised(rows=10):
...     current().rows
10
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path

from kcopt.errors import InputError, Problem


@dataclass(frozen=True)
class Limits:
    """What one input file may hold. Sizes are in bytes, lengths in characters."""

    rows: int = 100_000  # rows of a project list or budget table
    columns: int = 500  # columns of one
    cell_chars: int = 32_767  # characters in one cell (Excel's own limit)
    unzipped_bytes: int = 256 * 2**20  # a workbook's parts, decompressed; a CSV file's size
    zip_ratio: int = 200  # decompressed size of a workbook part ÷ its compressed size
    yaml_nodes: int = 100_000  # values in a scenario once its aliases (*anchor) are expanded
    yaml_depth: int = 50  # nesting depth of a scenario

    def describe(self) -> list[tuple[str, int, str]]:
        """(name, value, meaning) of every limit, for the README and error messages."""
        return [(f.name, getattr(self, f.name), DESCRIPTIONS[f.name]) for f in fields(self)]


DESCRIPTIONS = {
    "rows": "số dòng của một danh sách đề án hoặc bảng ngân sách",
    "columns": "số cột của một bảng",
    "cell_chars": "số ký tự trong một ô",
    "unzipped_bytes": "dung lượng sau giải nén của một tệp .xlsx (byte), dung lượng một tệp CSV",
    "zip_ratio": "tỉ lệ nén của một thành phần tệp .xlsx",
    "yaml_nodes": "số giá trị của tệp kịch bản sau khi khai triển các bí danh (*anchor)",
    "yaml_depth": "độ sâu lồng nhau của tệp kịch bản",
}
ENV_PREFIX = "KCOPT_LIMIT_"
_overrides: dict[str, int] = {}


def _parse(name: str, text: object, source: str) -> int:
    known = [f.name for f in fields(Limits)]
    if name not in known:
        raise InputError([Problem(source, f"không có giới hạn '{name}'", "Các giới hạn: "
                                  + ", ".join(known), value=name)])
    try:
        value = int(str(text).replace("_", ""))
    except ValueError:
        value = -1
    if value <= 0:
        raise InputError([Problem(source, f"giới hạn '{name}' phải là một số nguyên dương",
                                  f"Ví dụ: {name}={getattr(Limits(), name) * 2}", value=text)])
    return value


def current() -> Limits:
    """The limits in force: defaults, then `KCOPT_LIMIT_*` variables, then `set_limits`."""
    env = {}
    for f in fields(Limits):
        raw = os.environ.get(ENV_PREFIX + f.name.upper())
        if raw:
            env[f.name] = _parse(f.name, raw, ENV_PREFIX + f.name.upper())
    return replace(Limits(), **{**env, **_overrides})


def set_limits(**values: int) -> None:
    """Raise (or lower) limits for the rest of the process, e.g. `set_limits(rows=500000)`."""
    for name, value in values.items():
        _overrides[name] = _parse(name, value, "set_limits")


def reset_limits() -> None:
    """Back to the defaults and the `KCOPT_LIMIT_*` variables."""
    _overrides.clear()


def parse_assignment(text: str) -> tuple[str, int]:
    """'rows=500000' → ('rows', 500000); the form `kcopt --limit` takes."""
    name, sep, value = text.partition("=")
    if not sep:
        raise InputError([Problem("--limit", "viết tên=giá trị", "Ví dụ: --limit rows=500000",
                                  value=text)])
    name = name.strip().replace("-", "_")
    return name, _parse(name, value.strip(), "--limit")


@contextmanager
def raised(**values: int) -> Iterator[Limits]:
    """Limits changed inside a `with` block only."""
    saved = dict(_overrides)
    try:
        set_limits(**values)
        yield current()
    finally:
        _overrides.clear()
        _overrides.update(saved)


def exceeded(file: str, what: str, limit: str, value: object = None, sheet: str | None = None,
             row: int | None = None, column: str | None = None) -> InputError:
    """The error for an input beyond a limit: what was found, the limit, and how to raise it."""
    lim = getattr(current(), limit)
    return InputError([Problem(
        file, f"{what}, vượt giới hạn {limit} = " + f"{lim:,}".replace(",", "."),
        "Nếu tệp đúng là như vậy, nâng giới hạn: `kcopt --limit "
        f"{limit}={lim * 10} …` hoặc biến môi trường {ENV_PREFIX}{limit.upper()}={lim * 10}; "
        "nếu không, có lẽ tệp bị hỏng hoặc đã chỉ nhầm tệp",
        sheet=sheet, row=row, column=column, value=value)])


def check_input_path(path: Path, what: str) -> None:
    """Refuse, as an input error naming the path, a path that is missing, a folder, or not a
    readable file."""
    if not path.exists():
        raise InputError([Problem(str(path), f"không tìm thấy tệp {what}",
                                  "Kiểm tra đường dẫn (đường dẫn trong kịch bản tính từ thư mục "
                                  "của tệp kịch bản)")])
    if path.is_dir():
        raise InputError([Problem(str(path), f"đây là một thư mục, không phải tệp {what}",
                                  "Chỉ ra một tệp bên trong thư mục đó")])
    if not path.is_file():
        raise InputError([Problem(str(path), f"không phải một tệp thường (tệp {what})",
                                  "Chỉ ra một tệp .csv, .xlsx hoặc .yaml")])


def read_input_bytes(path: Path, what: str) -> bytes:
    """The bytes of an input file, within the size limit; OS errors become input errors."""
    check_input_path(path, what)
    try:
        size = path.stat().st_size
        if size > current().unzipped_bytes:
            raise exceeded(str(path), f"tệp {what} nặng {size:,} byte", "unzipped_bytes")
        return path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), f"không đọc được tệp {what} ({exc.strerror or exc})",
                                  "Kiểm tra quyền đọc tệp, hoặc đóng chương trình đang khóa nó")]
                         ) from None
