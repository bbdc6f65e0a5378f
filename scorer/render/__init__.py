"""Renderers of scored documents: JSON, Markdown/HTML/Word memos, score sheets, summary.

Each memo renderer takes a :class:`scorer.model.Result` (or its dict) and returns text
or bytes; nothing here touches the filesystem except :func:`write_atomic`.
"""
from __future__ import annotations

import importlib
from typing import Any

from scorer.render.common import ResultLike, memo_context, write_atomic

__all__ = [
    "MEMO_FORMATS",
    "MEMO_EXTENSIONS",
    "render",
    "render_json",
    "render_markdown",
    "render_html",
    "render_docx",
    "render_xlsx",
    "render_csv",
    "render_summary_html",
    "render_check",
    "check_items",
    "has_errors",
    "memo_context",
    "score_table",
    "ScoreTable",
    "write_atomic",
]

# Renderers are imported on first use: python-docx, openpyxl, pandas and matplotlib
# cost about a second together, and `xxgk score --format json` needs none of them.
_LAZY: dict[str, str] = {
    "render_json": "scorer.render.json",
    "render_markdown": "scorer.render.markdown",
    "render_html": "scorer.render.html",
    "render_docx": "scorer.render.docx",
    "render_xlsx": "scorer.render.sheet",
    "render_csv": "scorer.render.sheet",
    "score_table": "scorer.render.sheet",
    "ScoreTable": "scorer.render.sheet",
    "render_summary_html": "scorer.render.summary",
    "render_check": "scorer.render.check",
    "check_items": "scorer.render.check",
    "has_errors": "scorer.render.check",
}

#: Per-document formats: name -> (renderer name, file extension).
MEMO_EXTENSIONS: dict[str, str] = {"json": ".json", "md": ".md", "html": ".html", "docx": ".docx"}
_MEMO_RENDERERS = {"json": "render_json", "md": "render_markdown", "html": "render_html", "docx": "render_docx"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name == "MEMO_FORMATS":
        return {f: (__getattr__(fn), MEMO_EXTENSIONS[f]) for f, fn in _MEMO_RENDERERS.items()}
    raise AttributeError(f"module 'scorer.render' has no attribute {name!r}")


def render(result: ResultLike, fmt: str) -> bytes:
    """One document in one format, as bytes ready to write.

    Parameters
    ----------
    result : Result or dict
        A scored document.
    fmt : {"json", "md", "html", "docx", "xlsx"}
        Output format; ``xlsx`` is a one-row score workbook.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        Unknown format.
    """
    if fmt == "xlsx":
        return __getattr__("render_xlsx")([result])
    if fmt not in _MEMO_RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join([*_MEMO_RENDERERS, 'xlsx'])}")
    out = __getattr__(_MEMO_RENDERERS[fmt])(result)
    return out.encode("utf-8") if isinstance(out, str) else out
