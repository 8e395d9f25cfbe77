"""`kcopt app`: the whole workflow in a browser, built on Streamlit.

The page (`page.py`) only arranges widgets; what it asks of kcopt goes through `engine`, which
calls the library's public functions. Each browser session has its own `Workspace` (a private
temporary folder and a solve lock). Importing this package does not import Streamlit.
"""

from pathlib import Path

PAGE = Path(__file__).with_name("page.py")

__all__ = ["PAGE"]
