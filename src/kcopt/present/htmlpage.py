"""The page kit of the committee report (`htmlreport`): the Jinja2 templates in `templates/`
(page, sections, stylesheet), rendered with autoescaping, and figures as PNG data URIs. One
self-contained page: inline CSS, figures embedded, nothing fetched.

Every value given to a template is escaped when it is written out; only the catalog's own
sentences that carry markup (<b>, <code>) are passed as `markup()`, which escapes their
arguments."""

from __future__ import annotations

import base64
import io
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from kcopt.core.words import get_language

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@cache
def environment() -> Environment:
    """The report's templates: every value escaped, a missing one an error, None written as
    nothing."""
    env = Environment(loader=PackageLoader("kcopt.present", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      finalize=lambda v: "" if v is None else v)
    # a "vi / en" label shows the language in use only (asked when a page is rendered)
    env.globals["english"] = lambda: get_language() == "en"
    return env


def render(template: str, **context: Any) -> str:
    """A template of `templates/` filled with `context`."""
    return environment().get_template(template).render(**context)


def pick(label: str) -> str:
    """The part of a label "vi / en" in the language in use (a label without " / " as it is),
    as the templates' `bi` and `head` show it."""
    vi, _sep, en = label.partition(" / ")
    return en if en and get_language() == "en" else vi


def markup(message: str, **args: object) -> Markup:
    """A catalog sentence that holds markup of its own (<b>, <code>), its {placeholders} filled
    with `args` escaped."""
    return Markup(message).format(**args)


def figure_uri(fig: Figure, dpi: int = 100) -> str:
    """A matplotlib figure as a PNG data URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure(fig: Figure, caption: str) -> dict[str, str]:
    """A figure for the template's `figure` macro: its data URI and caption."""
    return {"uri": figure_uri(fig), "caption": pick(caption)}


def text(value: object) -> str:
    """A value as the page shows it: None as nothing."""
    return "" if value is None else str(value)
