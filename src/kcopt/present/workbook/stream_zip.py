"""XlsxWriter's zip for `allocation.xlsx`: deflated at zlib level 1, and the large blocks'
rows (`workbook.stream_xml`) written straight into their sheet's zip entry.

XlsxWriter in constant-memory mode writes a sheet's rows to a temporary file, copies them into
the sheet's XML file when the workbook closes, and reads that file into the zip: at 50,000
projects 130 MB written twice and read twice, about 1 s of CPU. A block added with
`StreamBook.block` leaves only a mark in the row stream instead; when XlsxWriter adds that sheet
to the zip, the sheet's XML is streamed into the entry with each block's rows built there, a
chunk at a time, so they are never on disk nor all in memory. The blocks' texts
(`stream_xml.SharedTexts`) are added to XlsxWriter's own shared strings the same way: its
`xl/sharedStrings.xml` (which it writes when its table counts any reference) is streamed into
the entry with their items before `</sst>`. The entry's name, date and compression are those
`ZipFile.write` would give it.
"""

from __future__ import annotations

import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kcopt.present.workbook.stream_xml import Rows, SharedTexts, rows_xml

_LOCK = threading.Lock()
Blocks = dict[str, list[tuple[str, Rows]]]  # zip entry → (mark, rows) in the order written
SHARED_STRINGS = "xl/sharedStrings.xml"


def streaming_available() -> bool:
    """XlsxWriter makes its zip through the module attribute this relies on."""
    import xlsxwriter.workbook as module

    return getattr(module, "ZipFile", None) is zipfile.ZipFile


@contextmanager
def xlsx_zip(level: int = 1, blocks: Blocks | None = None,
             texts: SharedTexts | None = None) -> Iterator[None]:
    """While open, XlsxWriter's zip deflates at zlib level `level` and writes `blocks` into
    their entries, and `texts` after XlsxWriter's own shared strings. XlsxWriter deflates at
    zlib's default, 6: about 1.6 s of CPU for the 130 MB of XML of 50,000 projects; level 1
    takes 0.6 s for a file about a third larger (15 → 21 MB). Without the module attribute
    (another XlsxWriter) the default level is kept, and blocks cannot be streamed
    (`streaming_available` said so before they were added)."""
    import xlsxwriter.workbook as module

    with _LOCK:
        original = getattr(module, "ZipFile", None)
        if original is not zipfile.ZipFile:
            if blocks or (texts is not None and texts.index):
                raise RuntimeError("XlsxWriter's zip changed while the workbook was written")
            yield
            return

        owner = threading.get_ident()

        def opener(*args: Any, **kwargs: Any) -> zipfile.ZipFile:
            if threading.get_ident() != owner:  # another thread's workbook (the app's sessions,
                return zipfile.ZipFile(*args, **kwargs)  # runs side by side): not this one's
            return _BlockZip(*args, compresslevel=level, blocks=blocks or {}, texts=texts,
                             **kwargs)

        module.ZipFile = opener
        try:
            yield
        finally:
            module.ZipFile = original


class _BlockZip(zipfile.ZipFile):
    """A `ZipFile` whose `write` of a sheet with blocks streams them into the entry, and of
    the shared strings adds the blocks' texts."""

    def __init__(self, *args: Any, blocks: Blocks, texts: SharedTexts | None = None,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.blocks = blocks
        self.texts = texts

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        blocks = self.blocks.get(arcname) if isinstance(arcname, str) else None
        texts = self.texts if arcname == SHARED_STRINGS and self.texts is not None else None
        if not blocks and not (texts and texts.index):
            super().write(filename, arcname, compress_type, compresslevel)
            return
        zinfo = zipfile.ZipInfo.from_file(  # as ZipFile.write makes it
            filename, arcname, strict_timestamps=getattr(self, "_strict_timestamps", True))
        zinfo.compress_type = self.compression if compress_type is None else compress_type
        zinfo._compresslevel = (  # type: ignore[attr-defined]
            self.compresslevel if compresslevel is None else compresslevel)
        rest = Path(filename).read_text(encoding="utf-8")  # the part without kcopt's rows
        with self.open(zinfo, "w") as dest:
            _isal_deflate(dest, zinfo)
            if texts is not None:
                head, found, rest = rest.rpartition("</sst>")
                if not found:
                    raise RuntimeError(f"{arcname}: the end of XlsxWriter's table is lost")
                dest.write(head.encode("utf-8"))
                for items in texts.items_xml():
                    dest.write(items.encode("utf-8"))
                rest = found + rest
            for mark, rows in blocks or ():
                head, found, rest = rest.partition(mark)
                if not found:
                    raise RuntimeError(f"{arcname}: the place of a block of rows is lost")
                dest.write(head.encode("utf-8"))
                for text in rows_xml(rows):
                    dest.write(text.encode("utf-8"))
            dest.write(rest.encode("utf-8"))


def _isal_deflate(dest: Any, zinfo: zipfile.ZipInfo) -> None:
    """ISA-L's deflate (`isal`) in place of zlib's for an entry kcopt streams, at the same
    level: at level 1 on the 70 MB of XML of 50,000 projects 0.10 s of CPU instead of 0.30 s,
    for a file 5% smaller; the entry is plain deflate, as any zip reader reads it. Kept as it
    is if the entry is not deflated, if `isal` cannot be imported, or if the stream's
    compressor is not where this Python's `zipfile` keeps it."""
    if zinfo.compress_type != zipfile.ZIP_DEFLATED or not isinstance(
            getattr(dest, "_compressor", None), type(zlib.compressobj())):
        return
    try:
        from isal import isal_zlib
    except ImportError:  # pragma: no cover (a dependency; a platform without its wheel)
        return
    level = getattr(zinfo, "_compresslevel", None)
    level = 1 if level is None else min(max(level, 0), isal_zlib.ISAL_BEST_COMPRESSION)
    dest._compressor = isal_zlib.compressobj(level, zlib.DEFLATED, -15)
