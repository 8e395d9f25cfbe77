"""`kcopt app`: serve the browser app (Streamlit) from this computer or a Department's server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import typer

from kcopt.cli.common import user_errors


@user_errors
def app_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Keep "
                             "127.0.0.1 on a laptop; on a server put a reverse proxy in front "
                             "(see the README)."),
    port: int = typer.Option(8501, "--port", min=1, max=65535, help="Port to listen on."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser "
                                    "(servers, tests)."),
) -> None:
    r"""Open the kcopt app in the browser: upload a project list, edit the scenario, solve,
    explore what-ifs and download the plan. Needs the app extra: pip install -e ".\[app]".

    Set KCOPT_APP_PASSWORD to ask every visitor for a password.

    Example: kcopt app --port 8501
    """
    # start-up: a command loads its modules when it runs, so `kcopt --help` stays light
    from kcopt.app import PAGE
    from kcopt.app.workspace import MAX_UPLOAD_MB
    from kcopt.core.errors import InputError

    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise InputError("the app needs Streamlit, which is not installed. Install the app "
                         "extra: pip install -e \".[app]\" (or pip install streamlit)") from None
    cmd = [sys.executable, "-m", "streamlit", "run", str(PAGE),
           "--server.address", host, "--server.port", str(port),
           "--server.headless", "true" if no_browser else "false",
           "--server.maxUploadSize", str(MAX_UPLOAD_MB),
           "--server.fileWatcherType", "none", "--server.runOnSave", "false",
           "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
           "--client.toolbarMode", "minimal", "--theme.base", "light"]
    typer.echo(f"kcopt app: http://{host}:{port} (Ctrl+C to stop)", err=True)
    sys.stderr.flush()
    if os.name == "posix" and os.environ.get("KCOPT_APP_CHILD", "") not in ("1", "true", "yes"):
        os.execv(sys.executable, cmd)  # become the server: a signal reaches it, no orphan
    raise typer.Exit(_serve_child(cmd))


def _serve_child(cmd: list[str]) -> int:
    """Where a process cannot be replaced (Windows; forced by KCOPT_APP_CHILD=1): run the server
    as a child, stopped with this process on Ctrl+C, SIGTERM or SIGHUP."""
    child = subprocess.Popen(cmd)

    def stop(signum: int, _frame: object) -> None:
        child.terminate()

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        child.wait()
        return 0
