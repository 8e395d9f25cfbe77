"""`kcopt app` stopped the ways a service manager or a closing terminal stops it (SIGTERM,
SIGINT, SIGHUP): the real process is signalled, then the port and the process table are checked
— no Streamlit server is left serving, parented to init."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
pytestmark = [pytest.mark.skipif(os.name != "posix", reason="POSIX signals"), pytest.mark.slow]


def _signals_by_default() -> None:
    """In the app's process before it starts: the three signals at their defaults, as a
    terminal or a service manager starts it. A suite started under `nohup` or as a background
    job of a script passes SIGHUP or SIGINT on ignored, and a program started so keeps
    ignoring them, as it should (nohup's meaning)."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serving(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _servers_on(port: int) -> list[int]:
    """Processes whose command line serves this port."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--server.port" in cmd and str(port).encode() in cmd:
            out.append(int(proc.name))
    return out


@pytest.mark.parametrize(("sig", "child"), [
    (signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGHUP, False),
    # the way of systems that cannot replace a process (Windows), forced: the server a child
    (signal.SIGTERM, True), (signal.SIGINT, True)])
def test_the_app_stops_on_a_signal(sig: signal.Signals, child: bool, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path), "KCOPT_APP_CHILD": "1" if child else ""}
    proc = subprocess.Popen([sys.executable, "-m", "kcopt", "app", "--no-browser", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env, preexec_fn=_signals_by_default)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.5)
        os.kill(proc.pid, sig)
        proc.wait(timeout=90)  # a loaded 2-core machine once took over 30 s
        deadline = time.monotonic() + 15
        while (_serving(port) or _servers_on(port)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _serving(port), f"port {port} still served after {sig.name}"
        assert not _servers_on(port), f"a server process is left after {sig.name}"
    finally:
        for pid in [proc.pid, *_servers_on(port)]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
