"""What runs in a worker process for one upload: the library call, the downloads and
the page's view of the result, returned as plain picklable data.

Everything slow (reading a PDF, scoring, building DOCX/XLSX) happens here, never in
the server's event loop. Library errors come back as data (class name + one line),
not as exceptions, so nothing odd has to be unpickled in the server.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Job", "AUTO", "score_job", "render_download", "warm_up"]

#: The criteria choice meaning "the set for the report's year, else core".
AUTO = "auto"


@dataclass(frozen=True)
class Job:
    """One upload to score: the saved file, the name the user gave it, the criteria
    choice (a shipped set name or :data:`AUTO`) and the publication date (ISO)."""

    path: str
    name: str
    criteria: str = AUTO
    published_on: str | None = None


def _choose_criteria(choice: str, year: int | None, agency: str | None = None):
    """The criteria set to use and a Chinese note saying why: a set for the report's
    year (and, when the set names its places, the agency's place)."""
    from scorer.criteria import list_criteria, load_criteria

    if choice != AUTO:
        return load_criteria(choice), "由上传时选择"
    same_year = [cs for cs in list_criteria() if year is not None and cs.report_year == year
                 and (not cs.jurisdiction or (agency and any(p in agency for p in cs.jurisdiction)))]
    if len(same_year) == 1:
        return same_year[0], f"按报告年度{year}年自动选用"
    why = "有多套同年度指标，请手动选择" if len(same_year) > 1 else "没有该年度的专用指标"
    return load_criteria("core"), f"自动选用核心指标（{why}）"


def _with_anchors(items: list[dict[str, Any]], d: dict[str, Any]) -> list[dict[str, Any]]:
    """Each check item with the anchors of its places in the text (see
    :func:`scorer.web.highlight.result_marks` for the anchor names)."""
    findings = d.get("findings", [])
    criteria = {c["id"]: c for c in d.get("criteria", [])}
    used: set[int] = set()
    out = []
    for it in items:
        anchors: list[str] = []
        if it["kind"] == "criterion":
            c = criteria.get(it["id"], {})
            anchors += [f"m-{c['id']}-{j}" for j, e in enumerate(c.get("evidence") or []) if e.get("span")]
            charged = set(c.get("findings") or [])
            anchors += [f"m-f{i}" for i, f in enumerate(findings) if f["id"] in charged and f.get("span")]
        else:
            # the item text starts with the finding's message (scorer.render.check)
            for i, f in enumerate(findings):
                if i not in used and f["id"] == it["id"] and it["what"].startswith(f["message"]):
                    used.add(i)
                    if f.get("span"):
                        anchors.append(f"m-f{i}")
                    break
        out.append({**it, "anchors": anchors})
    return out


def score_job(job: Job) -> tuple[str, Any]:
    """Score one saved upload.

    Returns
    -------
    tuple
        ``("ok", outcome dict)`` or ``("error", (exception class name, one-line message))``.
    """
    from scorer.errors import ScorerError
    from scorer.grade import grade_of
    from scorer.pipeline import ScoreOptions, Upload, prepare_document, run
    from scorer.render import check_items, memo_context
    from scorer.web.highlight import highlight, result_marks
    from scorer.web.tables_view import tables_view

    try:
        data = Path(job.path).read_bytes()
        opts = ScoreOptions.of(published_on=job.published_on, source="form")
        doc = prepare_document(Upload(job.name, data), opts)
        cs, how = _choose_criteria(job.criteria, doc.report_year, doc.agency)
        scored = run(doc, cs)
    except ScorerError as exc:
        return ("error", (type(exc).__name__, " ".join(str(exc).split())))
    result = scored.result
    d = result.to_dict()
    ctx = memo_context(result)
    outcome = {
        "result": d,
        "name": job.name,
        "criteria_id": cs.id,
        "criteria_title": cs.title,
        "criteria_how": how,
        "grade": grade_of(d["score"].get("total")),
        "context": ctx,
        "items": _with_anchors(check_items(result), d),
        "text_html": str(highlight(scored.document.text, result_marks(d))),
        "text_chars": len(scored.document.text),
        "tables": tables_view(d),
        # the Result itself (with its extra notes) so that the memo and sheet can be
        # rendered when asked for, not for every upload
        "result_obj": result,
    }
    return ("ok", outcome)


def render_download(arg: tuple[Any, str]) -> tuple[str, bytes]:
    """``("ok", bytes)`` of a result in one download format: ``docx`` or ``html`` (the
    memo, :func:`scorer.render.render`) or ``xlsx`` (the score sheet)."""
    from scorer.render import render, render_xlsx

    result, fmt = arg
    return ("ok", render_xlsx([result]) if fmt == "xlsx" else render(result, fmt))


def warm_up() -> None:
    """Import and load what every job needs (renderers, tokenizer, classifier,
    criteria), once, in the process workers are forked from."""
    import scorer.pipeline  # noqa: F401
    import scorer.render.docx  # noqa: F401
    import scorer.render.html  # noqa: F401
    import scorer.render.sheet  # noqa: F401
    import scorer.render.check  # noqa: F401  (loaded before forking)
    from scorer.criteria import list_criteria
    from scorer.evidence.classifier import load_model
    from scorer.nlp import cut

    list_criteria()
    cut("政府信息公开工作年度报告")
    try:
        load_model()
    except Exception:  # a missing model is reported by the job itself, with its message
        pass
