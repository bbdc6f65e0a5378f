"""Renderers of scored documents: JSON, Markdown/HTML/Word memos, score sheets, summary.

Each memo renderer takes a :class:`scorer.model.Result` (or its dict) and returns text
or bytes; nothing here touches the filesystem except :func:`write_atomic`.
"""
from __future__ import annotations

from typing import Callable

from scorer.render.common import ResultLike, memo_context, write_atomic
from scorer.render.check import check_items, has_errors, render_check
from scorer.render.docx import render_docx
from scorer.render.html import render_html
from scorer.render.json import render_json
from scorer.render.markdown import render_markdown
from scorer.render.sheet import ScoreTable, render_csv, render_xlsx, score_table
from scorer.render.summary import render_summary_html

__all__ = [
    "MEMO_FORMATS",
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

#: Per-document formats: name -> (renderer, file extension).
MEMO_FORMATS: dict[str, tuple[Callable[[ResultLike], str | bytes], str]] = {
    "json": (render_json, ".json"),
    "md": (render_markdown, ".md"),
    "html": (render_html, ".html"),
    "docx": (render_docx, ".docx"),
}


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
        return render_xlsx([result])
    if fmt not in MEMO_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join([*MEMO_FORMATS, 'xlsx'])}")
    out = MEMO_FORMATS[fmt][0](result)
    return out.encode("utf-8") if isinstance(out, str) else out
