"""The report's own text as HTML with each piece of evidence and each problem marked.

Spans are character offsets into ``Document.text``. Every fragment of the text and
every label is escaped here, so nothing a report contains becomes markup.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from markupsafe import Markup, escape

from scorer.words import SEVERITY_LABELS, VERDICT_LABELS

__all__ = ["Mark", "highlight", "result_marks"]

#: Which class wins when marks overlap: a problem is shown over evidence.
_PRIORITY = {"err": 0, "warn": 1, "ev": 2, "ev-other": 3}

_MODALITY = {"planned": "仅为计划，不计分", "denied": "表述为未开展，不计分", "other": "不计分"}


@dataclass(frozen=True)
class Mark:
    """A highlighted span: ``kind`` is err, warn, ev or ev-other; ``anchor`` is the
    element id (``m-…``) that links from the problem list jump to."""

    start: int
    end: int
    kind: str
    label: str
    anchor: str


def result_marks(result: Mapping[str, Any]) -> list[Mark]:
    """Marks for the evidence of every criterion and for every finding with a span.

    Parameters
    ----------
    result : dict
        The JSON-contract dict of a result.

    Returns
    -------
    list of Mark
        Anchors are ``m-f{i}`` for the i-th finding and ``m-{criterion}-{j}`` for
        the j-th piece of evidence of a criterion.
    """
    marks: list[Mark] = []
    for i, f in enumerate(result.get("findings", [])):
        span = f.get("span")
        if not span:
            continue
        kind = "err" if f["severity"] == "error" else "warn"
        label = f"【{SEVERITY_LABELS.get(f['severity'], '提醒')}】{f['message']}"
        marks.append(Mark(int(span[0]), int(span[1]), kind, label, f"m-f{i}"))
    for c in result.get("criteria", []):
        counted = c["verdict"] in ("met", "partial")
        for j, e in enumerate(c.get("evidence") or []):
            span = e.get("span")
            if not span:
                continue
            done = e.get("modality", "done") == "done"
            kind = "ev" if counted and done else "ev-other"
            note = VERDICT_LABELS.get(c["verdict"], c["verdict"]) if done else _MODALITY.get(e.get("modality"), "不计分")
            marks.append(Mark(int(span[0]), int(span[1]), kind, f"{c['title']}（{note}）", f"m-{c['id']}-{j}"))
    return marks


def highlight(text: str, marks: Iterable[Mark]) -> Markup:
    """``text`` as escaped HTML with ``<mark>`` elements where the marks are.

    Overlapping marks are cut at every boundary; each piece carries the class of the
    most important mark over it and a tooltip listing all of them. The first piece of
    each mark holds its anchor id.

    Parameters
    ----------
    text : str
        The document's cleaned text.
    marks : iterable of Mark
        Spans outside the text are clipped; empty ones are dropped.

    Returns
    -------
    markupsafe.Markup
    """
    n = len(text)
    ms = []
    for m in marks:
        a, b = max(0, min(m.start, n)), max(0, min(m.end, n))
        if a < b:
            ms.append(Mark(a, b, m.kind, m.label, m.anchor))
    cuts = sorted({0, n, *(m.start for m in ms), *(m.end for m in ms)})
    opened: set[str] = set()
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        over = sorted((m for m in ms if m.start <= a and b <= m.end), key=lambda m: (_PRIORITY.get(m.kind, 9), m.start))
        if not over:
            out.append(piece)
            continue
        anchors = [m.anchor for m in over if m.start == a and m.anchor not in opened]
        opened.update(anchors)
        # extra anchors beyond the first become empty spans just before the mark
        out.extend(Markup('<span id="{}"></span>').format(x) for x in anchors[1:])
        ident = Markup(' id="{}"').format(anchors[0]) if anchors else Markup("")
        labels = "；".join(dict.fromkeys(m.label for m in over))
        out.append(Markup('<mark class="{}"{} title="{}">{}</mark>').format(over[0].kind, ident, labels, piece))
    return Markup("").join(out)
