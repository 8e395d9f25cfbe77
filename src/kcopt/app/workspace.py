"""One browser session's files: a private temporary folder that disappears with the session.

Nothing here takes a path from the user. Uploaded files are saved under fixed names chosen by
the app (`projects.xlsx`, `local-budgets.csv`, …) inside the session's own folder; the folder is
a `tempfile.TemporaryDirectory`, removed when the session ends (`sweep`: the tab was closed
and did not reconnect in time), when its state is dropped, or at the latest when the server
stops.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kcopt.core.errors import InputError, Problem
from kcopt.core.memory import give_back  # the ended sessions' memory, handed back

MAX_UPLOAD_MB = int(os.environ.get("KCOPT_APP_MAX_UPLOAD_MB", "20"))
MAX_ROWS = int(os.environ.get("KCOPT_APP_MAX_ROWS", "20000"))
TIME_LIMIT = float(os.environ.get("KCOPT_APP_TIME_LIMIT", "60"))
#: seconds a file generated for a download stays fetchable by its URL (see `start_janitor`)
DOWNLOAD_TTL = float(os.environ.get("KCOPT_APP_DOWNLOAD_TTL", "60"))
KINDS = {"projects": (".csv", ".xlsx"), "local-budgets": (".csv", ".xlsx"),
         "approved-plan": (".csv", ".xlsx")}  # a plan a re-plan keeps (`approved:`)


class Workspace:
    """A session's private folder and its one-solve-at-a-time lock."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="kcopt-app-")
        self.folder = Path(self._dir.name)
        self.lock = threading.Lock()

    def save(self, kind: str, filename: str, data: bytes) -> Path:
        """Save an upload under the app's own name for `kind`; the user's name only gives the
        extension. Raises `InputError` for a file type or size the app does not take."""
        ext = Path(filename).suffix.lower()
        if kind not in KINDS or ext not in KINDS[kind]:
            raise InputError([Problem(filename, "the app reads CSV or XLSX files only",
                                      "Save the sheet as .xlsx or .csv", value=ext)])
        if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
            raise InputError([Problem(filename, f"the file is {len(data) / 2**20:.1f} MB; the "
                                      f"app takes at most {MAX_UPLOAD_MB} MB",
                                      "Split the list, or use kcopt solve on a computer")])
        for old in self.folder.glob(f"{kind}.*"):
            old.unlink()
        path = self.folder / f"{kind}{ext}"
        path.write_bytes(data)
        return path

    def file(self, kind: str) -> Path | None:
        return next(iter(sorted(self.folder.glob(f"{kind}.*"))), None)

    def drop(self, kind: str) -> None:
        for old in self.folder.glob(f"{kind}.*"):
            old.unlink()

    @property
    def out(self) -> Path:
        return self.folder / "out"

    def close(self) -> None:
        self._dir.cleanup()

    @property
    def closed(self) -> bool:
        return not self.folder.exists()


# ---- ending sessions ------------------------------------------------------------------------
# Streamlit keeps a closed tab's session for reconnection and forgets it lazily, so the app
# keeps its own register: a session's folder is removed once the session has been inactive
# for longer than the server's reconnection window.

_REGISTER: dict[str, list[Any]] = {}  # session id -> [workspace, inactive since]
_REGISTER_LOCK = threading.Lock()
_JANITOR: list[threading.Thread] = []


def register(session_id: str, ws: Workspace) -> None:
    with _REGISTER_LOCK:
        _REGISTER[session_id] = [ws, None]


def sweep(is_active: Callable[[str], bool], grace: float, now: float | None = None) -> list[str]:
    """Remove the folders of sessions inactive for `grace` seconds or more; their ids."""
    now = time.monotonic() if now is None else now
    ended = []
    with _REGISTER_LOCK:
        for sid, entry in list(_REGISTER.items()):
            if is_active(sid):
                entry[1] = None
            elif entry[1] is None:
                entry[1] = now
            elif now - entry[1] >= grace:
                entry[0].close()
                del _REGISTER[sid]
                ended.append(sid)
    return ended


def start_janitor(is_active: Callable[[str], bool], grace: float,
                  expire: Callable[[], None] | None = None,
                  ttl: float = DOWNLOAD_TTL) -> None:
    """Sweep in a background thread, once per server process.

    `expire` forgets the files generated for downloads that no session shows any more. The
    server serves such a file to whoever holds its URL, without the session's password, until
    it is forgotten; Streamlit forgets it only on the second rerun after the click, which may
    never come. Called every `ttl / 2` seconds (a file is marked, then dropped), a download
    stays fetchable for at most `ttl` seconds after the click.
    """
    with _REGISTER_LOCK:
        if _JANITOR:
            return
        every = min(30.0, max(1.0, grace / 2))
        half = max(0.5, ttl / 2)

        def loop() -> None:
            last, ended = time.monotonic(), False
            while True:
                time.sleep(min(every, half))
                with contextlib.suppress(Exception):  # outlive a failed sweep
                    ended = bool(sweep(is_active, grace)) or ended
                if time.monotonic() - last >= half:
                    last = time.monotonic()
                    with contextlib.suppress(Exception):
                        if expire is not None:
                            expire()
                        if ended:  # by now Streamlit has dropped those sessions' state
                            ended = False
                            give_back()

        thread = threading.Thread(target=loop, name="kcopt-app-janitor", daemon=True)
        _JANITOR.append(thread)
        thread.start()
