"""The HTML memo: one self-contained page (inline CSS, no scripts), readable on a phone.

Jinja2 autoescaping is on for every template, so text quoted from a report (which
may contain ``<script>``) always comes out escaped.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from scorer.render.common import ResultLike, memo_context

__all__ = ["render_html", "environment"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the HTML renderers (autoescape always on)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # all templates, whatever their extension
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly
        keep_trailing_newline=True,
    )


def render_html(result: ResultLike) -> str:
    """Render the memo as a self-contained HTML page.

    Parameters
    ----------
    result : Result or dict
        A scored document.

    Returns
    -------
    str
        The HTML document; identical for identical input.
    """
    return environment().get_template("memo.html.j2").render(c=memo_context(result))
