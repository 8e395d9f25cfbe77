"""The rows of a large block of `allocation.xlsx` as XML, a column at a time (about 0.3 µs a
cell instead of XlsxWriter's 10): numbers, texts and formulas whose values are all numbers are
checked and styled with NumPy over the whole column, and only a column that mixes kinds goes
cell by cell. A cell carries no `r=` unless its place does not follow from the cell before it.
The rows are built in chunks when the workbook is zipped (`workbook.stream_zip`), straight into
the sheet's zip entry, so the XML of a block is never all in memory nor on disk; there a column
of texts holds each distinct text once, in the workbook's shared strings (`SharedTexts`), and
its cells only their index. Equivalence with XlsxWriter's public API is tested
(tests/test_stream_xml.py, tests/test_xlsx.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np

from kcopt.io.sheets import get_column_letter as column_letter
from kcopt.present.workbook.formats import WHOLE, plain, whole_amount

StreamBook = Any  # workbook.base.StreamBook (imported from there, so not named here)
CHUNK = 4096  # rows built in memory at once
Cells = Sequence[Any] | np.ndarray  # a column's values: a list, or an array of numbers


@dataclass
class BlockColumn:
    """One column of `Book.block`: values (or formulas' expected values with `template`), a
    list or a NumPy array."""

    col: int
    values: Cells
    fmt: str | None = None
    template: Callable[[int], str | None] | None = None  # row → formula text (None: value)


def fast_rows_available(raw: Any) -> bool:
    """The XlsxWriter internals the fast rows rely on are there (else: the public API)."""
    return bool(getattr(raw, "constant_memory", False)) and all(
        hasattr(raw, a) for a in ("_write_single_row", "_check_dimensions",
                                  "_escape_control_characters", "fh", "previous_row", "table"))


_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_PRESERVE = ' xml:space="preserve"'
_NEEDS_CARE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_NUMBERS = {float, int}
_TEXTS = {str, type(None)}


def fast_rows(book: StreamBook, raw: Any, title: str, first: int, n: int,
              columns: Sequence[BlockColumn]) -> None:
    """The rows of a large block as XML built a column at a time, `CHUNK` rows at once, and
    appended to the worksheet's row stream."""
    rows = block_rows(book, title, first, n, columns)
    book.expected.update(expected_of(rows))
    write_rows(raw, rows)


def write_rows(raw: Any, rows: Rows) -> None:
    """`rows` appended to the worksheet's row stream as XML (the rows above go out first, in
    order), the sheet's dimensions and row cursor moved past them."""
    raw._write_single_row(rows.first - 1)
    write = raw.fh.write
    for text in rows_xml(rows):
        write(text)
    end_rows(raw, rows)


@dataclass
class Rows:
    """A block's rows, ready to be written as XML: the columns and their styles (resolved
    when the block is added: XlsxWriter numbers its formats before it writes the sheets); a
    formula's text is made from its column's template when its rows are (`formulas`)."""

    title: str
    first: int
    n: int
    columns: list[BlockColumn]
    styles: list[_Styles]
    shared: list[SharedColumn | None] | None = None  # per column: its texts, if shared
    heights: np.ndarray | None = None  # per row: its height in points (NaN: the default)


def block_rows(book: StreamBook, title: str, first: int, n: int,
               columns: Sequence[BlockColumn]) -> Rows:
    """The block's rows; the value kcopt expects of each formula is left to `expected_of`
    (only the checks read it: allocation.xlsx alone has no use for 150,000 keys), and the
    formulas' texts to when the rows are written (issue 28: two columns of them, a Python
    string a cell, were ~35 MB at 200,000 projects, held until the zip)."""
    return Rows(title, first, n, list(columns), [_Styles(book, c.fmt) for c in columns])


def formulas(column: BlockColumn, rows: range) -> list[str | None] | None:
    """The text of the column's formula on each of `rows` (None: a value), or None for a
    column of values."""
    template = column.template
    return None if template is None else [template(r) for r in rows]


def expected_of(rows: Rows) -> Iterator[tuple[tuple[str, str], Any]]:
    """(sheet, cell) → the value kcopt expects, for every formula of the block."""
    span = range(rows.first, rows.first + rows.n)
    for c in rows.columns:
        texts = formulas(c, span)
        if texts is not None:
            letter = column_letter(c.col)
            values = c.values.tolist() if isinstance(c.values, np.ndarray) else c.values
            yield from [((rows.title, f"{letter}{r}"), plain(v)) for r, v, t in zip(
                range(rows.first, rows.first + rows.n), values, texts, strict=False)
                if t is not None]


def shared_column(column: BlockColumn, texts: SharedTexts,
                  shared: list[SharedColumn | None]) -> BlockColumn:
    """A column of a block written into the zip (`deferred_rows`): a column of texts (and
    blanks) puts them in `texts`, the workbook's shared strings, now (the table is written
    before the sheets' rows are), and is from here its texts' places: the texts themselves
    (a Python string a cell, ~160 MB at 200,000 projects) are not held until the zip. What
    it took (None: nothing) is appended to `shared`."""
    taken = texts.add(column.values) if column.template is None else None
    shared.append(taken)
    return column if taken is None else replace(column, values=taken.codes)


def deferred_rows(book: StreamBook, raw: Any, title: str, first: int, n: int,
                  columns: Sequence[BlockColumn], mark: str,
                  shared: list[SharedColumn | None] | None = None) -> Rows:
    """A block whose XML is written later, straight into the zip (`workbook.stream_zip`):
    `mark` holds its place in the worksheet's row stream; the sheet's dimensions and the rows
    written so far are as if it had been written (the formulas' expected values:
    `expected_of`). `shared`: per column, its texts in the shared strings (`shared_column`;
    the column's values are then their places)."""
    rows = block_rows(book, title, first, n, columns)
    rows.shared = shared
    raw._write_single_row(first - 1)
    raw.fh.write(mark)
    end_rows(raw, rows)
    return rows


def end_rows(raw: Any, rows: Rows) -> None:
    """The worksheet's dimensions and row cursor past the block."""
    last = rows.first + rows.n - 2
    raw._check_dimensions(last, min(c.col for c in rows.columns) - 1)
    raw._check_dimensions(last, max(c.col for c in rows.columns) - 1)
    raw.previous_row = last
    raw.table.clear()


def rows_xml(rows: Rows) -> Iterator[str]:
    """The block's rows as XML, `CHUNK` rows at a time. A cell carries no `r=` (legal in
    OOXML: it follows the cell before it) unless a cell left out before it (an unstyled blank)
    or the block's first column not being A says where it is."""
    cols = [c.col for c in rows.columns]
    for lo in range(0, rows.n, CHUNK):
        at = range(rows.first + lo, rows.first + min(rows.n, lo + CHUNK))
        shared = rows.shared or [None] * len(cols)
        parts = [_column_xml(c.values[lo:lo + len(at)], s, formulas(c, at), t)
                 for c, s, t in zip(rows.columns, rows.styles, shared, strict=True)]
        _place(parts, cols, [s.styled for s in rows.styles], at)
        grid = np.empty((len(at), len(parts) + 2), dtype=object)  # a row's tags, its cells
        grid[:, 0] = _row_tags(at, None if rows.heights is None else
                               rows.heights[lo:lo + len(at)])
        for j, cells in enumerate(parts, 1):
            grid[:, j] = cells
        grid[:, -1] = "</row>"
        yield "".join(grid.ravel().tolist())


def _row_tags(at: range, heights: np.ndarray | None) -> list[str]:
    """Each row's start tag; a row given a height (NaN: none) gets it as XlsxWriter's
    `set_row` writes it (`row_height`)."""
    if heights is None:
        return [f'<row r="{r}">' for r in at]
    return [f'<row r="{r}">' if h != h else
            f'<row r="{r}" ht="{row_height(h)}" customHeight="1">'
            for r, h in zip(at, heights.tolist(), strict=True)]


def row_height(points: float) -> str:
    """A row's height as XlsxWriter's `set_row(row, points)` writes it: from XlsxWriter 3.3
    in whole pixels (96 dpi) given in points, before as given."""
    if _pixel_rows():
        return f"{int(points * 4.0 / 3.0 + 0.5) * 0.75:.16g}"
    return f"{points:g}"


@cache
def _pixel_rows() -> bool:
    """XlsxWriter 3.3 keeps a row's height in whole pixels (`set_row_pixels`); 3.2 in points."""
    import xlsxwriter

    return tuple(int(p) for p in re.findall(r"\d+", xlsxwriter.__version__)[:2]) >= (3, 3)


def _place(parts: list[list[str]], cols: list[int], styles: list[bool], rows: range
           ) -> None:
    """`r=` on the cells whose place does not follow from the cell before them."""
    follows = np.ones(len(rows), dtype=np.int64)  # the column a cell without r= would be in
    for col, cells, styled in zip(cols, parts, styles, strict=True):
        letter = None
        for i in np.flatnonzero(follows != col).tolist():
            if cells[i]:
                letter = letter or column_letter(col)
                cells[i] = f'<c r="{letter}{rows[i]}"{cells[i][2:]}'
        nxt = np.full(len(rows), col + 1, dtype=np.int64)
        if not styled and "" in cells:  # a styled column writes its blanks
            out = np.flatnonzero(np.array([not x for x in cells]))
            nxt[out] = follows[out]
        follows = nxt


class _Styles:
    """The `s="…"` attribute of a column's format, and of its twin for whole amounts."""

    def __init__(self, book: StreamBook, fmt: str | None):
        self.book, self.fmt = book, fmt
        self.cache: dict[str | None, str] = {}
        self.texts: dict[Any, str] = {}  # a text (a shared one: its place) → its cell
        self.base = self.of_format(fmt)
        self.styled = book.format(fmt) is not None
        self.whole = self.of_format(WHOLE[fmt]) if fmt in WHOLE else self.base
        self.blank = self.base  # an empty cell's

    def of_format(self, fmt: str | None) -> str:
        if fmt not in self.cache:
            f = self.book.format(fmt)
            self.cache[fmt] = f' s="{f._get_xf_index()}"' if f is not None else ""
        return self.cache[fmt]

    def of(self, value: Any) -> str:  # a whole amount's format has no decimals (`shown`)
        if value is None:
            return self.blank
        return self.whole if whole_amount(value) else self.base

    def of_numbers(self, a: np.ndarray) -> list[str]:
        """Per finite number, as `of`: the whole twin when it is whole to the đồng."""
        if self.whole == self.base:
            return [self.base] * len(a)
        whole = np.abs(a - np.round(a)) < 5e-7
        return np.where(whole, self.whole, self.base).tolist()


def form_styles(base: Any, whole: Any = None, blank: Any = None, blanks: bool = True
                ) -> _Styles:
    """The styles of a column of an official form, its XlsxWriter formats given: `base`, and
    for an amount its twin for whole amounts (`whole`) and an empty cell's (`blank`), each
    `base` when not given; `blanks`: an empty cell is written (styled), else left out."""
    styles = _Styles.__new__(_Styles)
    styles.book, styles.fmt, styles.cache, styles.texts = None, None, {}, {}

    def attr(f: Any) -> str:
        return f' s="{f._get_xf_index()}"' if f is not None else ""

    styles.base, styles.styled = attr(base), base is not None and blanks
    styles.whole = attr(whole) if whole is not None else styles.base
    styles.blank = attr(blank) if blank is not None else styles.base
    return styles


def _column_xml(values: Cells, styles: _Styles, formulas: list[str | None] | None,
                shared: SharedColumn | None = None) -> list[str]:
    """One column's cells of a chunk of rows in XML, without `r=` ("" for a cell left out):
    numbers, texts (shared, or inline when they need no care), and formulas with numeric
    values a column at once; anything else a cell at a time."""
    if shared is not None:
        return _shared_cells(values, styles, shared)
    if formulas is None:
        numbers = _as_numbers(values)
        if numbers is not None:
            return _number_cells(numbers, styles)
        listed = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if set(map(type, listed)) <= _TEXTS:
            texts = _text_cells(listed, styles)
            if texts is not None:
                return texts
    else:
        cells = _formula_cells(values, formulas, styles)
        if cells is not None:
            return cells
    return [_cell_xml(plain(v), None if formulas is None else formulas[i], styles.of,
                      styles.styled) for i, v in enumerate(values)]


def _as_numbers(values: Cells) -> np.ndarray | None:
    """The values as floats (NaN for a blank) when every one is a number or blank and none is
    infinite (written as text); else None."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        a = values.astype(float, copy=False)
    else:
        kinds = set(map(type, values))
        if not kinds <= _NUMBERS | {type(None)} or not kinds & _NUMBERS:
            return None
        a = np.array([np.nan if v is None else v for v in values], dtype=float) \
            if type(None) in kinds else np.asarray(values, dtype=float)
    return None if np.isinf(a).any() else a


def _number_cells(a: np.ndarray, styles: _Styles) -> list[str]:
    """Numbers (NaN: a blank cell), each distinct value (by its bits: -0.0 is written "-0")
    formatted once."""
    bits, inverse = np.unique(a.view(np.int64), return_inverse=True)  # -0.0 is not 0.0
    uniq = bits.view(float)
    blank = np.isnan(uniq)
    attrs = styles.of_numbers(np.where(blank, 0.5, uniq))
    blank_cell = f"<c{styles.blank}/>" if styles.styled else ""  # unstyled: no cell at all
    # a whole number below 2**53 is its integer's digits in `.16G` too (twice as fast)
    whole = (np.abs(uniq) < 1e15) & (uniq == np.round(uniq)) & ~((uniq == 0) & np.signbit(uniq))
    cells = np.array([blank_cell if b else f"<c{attr}><v>{int(v)}</v></c>" if w else
                      f"<c{attr}><v>{v:.16G}</v></c>" for b, w, attr, v in zip(
                          blank.tolist(), whole.tolist(), attrs, uniq.tolist(), strict=True)],
                     dtype=object)
    out: list[str] = cells[inverse.ravel()].tolist()
    return out


def _text_cells(values: list[Any], styles: _Styles) -> list[str] | None:
    """Texts (and blanks) that need no care (no control character, no `_xHHHH_`, no text over
    16,383 characters), a column at once, each distinct text escaped once for the whole
    column (`styles.texts`); None if one needs care."""
    cells = styles.texts
    new = [v for v in set(values) if v not in cells]
    if new:
        texts = [v for v in new if v is not None]
        if _needs_care("\n".join(texts)) or max(map(len, texts), default=0) > 16383:
            return None
        s = styles.base
        cells.update({v: f'<c{s} t="inlineStr"><is><t{_PRESERVE if v != v.strip() else ""}>'
                         f'{v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}'
                         "</t></is></c>" for v in texts})
        cells[None] = f"<c{styles.blank}/>" if styles.styled else ""
    return [cells[v] for v in values]


def _shared_cells(values: Cells, styles: _Styles, shared: SharedColumn) -> list[str]:
    """Texts (and blanks) of a column whose texts are shared: a cell holds the text's index
    in the shared strings (`t="s"`), each distinct cell made once for the whole column (its
    texts known since the block was added). `values` are the cells' places in
    `shared.distinct` (`SharedColumn.codes`; -1 a blank). A column of mostly distinct texts
    (an id, a reason) keeps no cell per text: its chunk's cells are made as they are written
    (issue 28: ~30 MB a column at 200,000 projects, held while the sheet was zipped)."""
    cells = styles.texts
    s, offset = styles.base, shared.texts.offset
    blank = f"<c{s}/>" if styles.styled else ""
    codes = np.asarray(values)
    if len(shared.distinct) > CHUNK:
        if shared.places is None:  # each distinct text's index, 8 bytes, not a cell
            at = shared.texts.index
            shared.places = np.array([at[v] for v in shared.distinct], dtype=np.int64)
        index = np.where(codes >= 0, shared.places[codes] + offset, -1).tolist()
        return [f'<c{s} t="s"><v>{k}</v></c>' if k >= 0 else blank for k in index]
    if not cells:
        at = shared.texts.index
        cells.update({k: f'<c{s} t="s"><v>{at[v] + offset}</v></c>'
                      for k, v in enumerate(shared.distinct)})
        cells[-1] = blank
    return [cells[k] for k in codes.tolist()]


@dataclass
class SharedColumn:
    """A column of a block whose texts are in `texts`: its distinct texts, in order, and each
    cell's place among them (-1: a blank)."""

    texts: SharedTexts
    distinct: list[str]
    codes: np.ndarray
    places: np.ndarray | None = None  # each distinct text's index (`_shared_cells`)


class SharedTexts:
    """The texts of the blocks' text columns, each once, as items of the workbook's shared
    strings (`xl/sharedStrings.xml`) after XlsxWriter's own: at 50,000 projects half of the
    sheets' XML was the same few hundred texts written inline again and again (a status, a
    province, a reason). `offset` (XlsxWriter's own strings, counted when the workbook
    closes) is added to each text's index here; `references` counts the cells (the table's
    `count`)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.references = 0
        self.offset = 0

    def add(self, values: Cells) -> SharedColumn | None:
        """Take a column's texts, if every value is a text or a blank (in the order they
        first appear, so the same workbook always gives the same bytes); None (nothing
        taken) if not."""
        if isinstance(values, np.ndarray) and values.dtype.kind != "O":
            return None
        listed = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if type(next((v for v in listed if v is not None), "")) is not str:
            return None  # a column of numbers, at its first value
        distinct = dict.fromkeys(listed)
        if not set(map(type, distinct)) <= _TEXTS:
            return None
        distinct.pop(None, None)
        index = self.index
        new = [v for v in distinct if v not in index]
        index.update(zip(new, range(len(index), len(index) + len(new)), strict=True))
        self.references += len(listed) - listed.count(None)
        place = {v: k for k, v in enumerate(distinct)}
        place[None] = -1
        codes = np.fromiter(map(place.__getitem__, listed), np.int32, len(listed))
        return SharedColumn(self, list(distinct), codes)

    def items_xml(self) -> Iterator[str]:
        """The `<si>` items of the texts, in index order, a few thousand at a time: escaped
        as XlsxWriter writes its own (control characters as `_xHHHH_`, a text cut to Excel's
        32,767 UTF-16 units, leading or trailing space kept)."""
        texts = list(self.index)
        for lo in range(0, len(texts), 8 * CHUNK):
            yield _items_xml(texts[lo:lo + 8 * CHUNK])


def _items_xml(texts: list[str]) -> str:
    """Shared-string items of `texts`, escaped all at once: the texts joined by a control
    character (none is left in them once cared for), escaped, split again."""
    if _needs_care("".join(texts)) or max(map(len, texts), default=0) > 16383:
        from xlsxwriter.worksheet import Worksheet as XlsxSheet

        texts = [XlsxSheet._escape_control_characters(_utf16_cut(t)) for t in texts]
    escaped = "\x01".join(texts).replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;").split("\x01")
    return "".join([f"<si><t{_PRESERVE if t != t.strip() else ''}>{e}</t></si>"
                    for t, e in zip(texts, escaped, strict=True)])


def _needs_care(text: str) -> bool:
    """A control character XlsxWriter escapes, or text that reads as an `_xHHHH_` escape."""
    return _CONTROL.search(text) is not None or (
        "_x" in text and _NEEDS_CARE.search(text) is not None)


def _formula_cells(values: Cells, formulas: list[str | None], styles: _Styles
                   ) -> list[str] | None:
    """Formulas on every row with finite numbers as their values, a column at once; None
    otherwise."""
    vals = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if not set(map(type, vals)) <= _NUMBERS:
        return None
    a = np.asarray(vals, dtype=float)
    if not np.isfinite(a).all():
        return None
    texts = [t for t in formulas if t is not None]
    if len(texts) < len(formulas):
        return None
    joined = "".join(texts)
    if "&" in joined or "<" in joined or ">" in joined:
        texts = [t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                 for t in texts]
    return [f"<c{attr}><f>{t}</f><v>{v}</v></c>"
            for attr, t, v in zip(styles.of_numbers(a), texts, vals, strict=True)]


def _cell_xml(v: Any, text: str | None, s_of: Callable[[Any], str], styled: bool) -> str:
    """One cell of a block in XML, without `r=`: a formula, a blank ("" if unstyled: no
    cell), a boolean, a number or a text."""
    from xlsxwriter.worksheet import Worksheet as XlsxSheet

    if text is not None:
        v = 0 if v is None else v
        t = ' t="str"' if isinstance(v, str) else ' t="b"' if isinstance(v, bool) else ""
        value = str(v).translate(_XML_ESCAPE) if isinstance(v, str) else (
            int(v) if isinstance(v, bool) else v)
        return f"<c{s_of(v)}{t}><f>{text.translate(_XML_ESCAPE)}</f><v>{value}</v></c>"
    if v is None:
        return f"<c{s_of(v)}/>" if styled else ""
    if isinstance(v, bool):
        return f'<c{s_of(v)} t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f"<c{s_of(v)}><v>{v:.16G}</v></c>"
    v = str(v)
    if len(v) > 16383 or _NEEDS_CARE.search(v):
        v = XlsxSheet._escape_control_characters(_utf16_cut(v))
    keep = _PRESERVE if v != v.strip() else ""
    return f'<c{s_of(v)} t="inlineStr"><is><t{keep}>{v.translate(_XML_ESCAPE)}</t></is></c>'


def _utf16_cut(text: str) -> str:
    """At most 32,767 UTF-16 units, Excel's limit for a cell, as XlsxWriter cuts it."""
    try:
        from xlsxwriter.worksheet import _utf16_len, _utf16_truncate
    except ImportError:  # older XlsxWriter: count code points
        return text[:32767]
    return _utf16_truncate(text, 32767) if _utf16_len(text) > 32767 else text
