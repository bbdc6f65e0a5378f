"""The self-assessment report of ``xxgk check``: what to fix before publishing.

Items come in order of points lost (largest first), then the remaining findings
(errors before warnings), each with what the report should say or correct.
"""
from __future__ import annotations

from typing import Any

from scorer.render.common import ResultLike, as_dict, memo_context
from scorer.rules import RULES
from scorer.words import SEVERITY_LABELS

__all__ = ["check_items", "render_check", "has_errors"]


def has_errors(result: ResultLike) -> bool:
    """Whether any error-severity finding remains (``xxgk check`` exits 1 then)."""
    return any(f["severity"] == "error" for f in as_dict(result)["findings"])


def check_items(result: ResultLike) -> list[dict[str, Any]]:
    """Defects and missing items, most costly first.

    Parameters
    ----------
    result : Result or dict
        The scored draft.

    Returns
    -------
    list of dict
        ``{"kind": "criterion"|"finding", "id", "title", "lost", "severity", "what", "fix"}``;
        ``lost`` is the points lost (0 for findings that cost no points).
    """
    ctx = memo_context(result)
    items: list[dict[str, Any]] = []
    charged: set[str] = set()
    for r in ctx["lost"]:
        d = next(c for c in as_dict(result)["criteria"] if c["id"] == r["id"])
        charged.update(d.get("findings") or [])
        items.append({"kind": "criterion", "id": r["id"], "title": r["title"], "lost": r["lost"],
                      "severity": None, "what": r["explanation"], "fix": r["advice"]})
    for f in ctx["findings"]:
        if f["id"] in charged:
            continue  # already listed with the points it cost
        what = f["message"] + (f"（位置：{f['location']}）" if f["location"] else "")
        items.append({"kind": "finding", "id": f["id"], "title": f["title"], "lost": 0.0,
                      "severity": f["severity"], "what": what, "fix": RULES[f["id"]].advice if f["id"] in RULES else None})
    return items


def _num(x: float) -> str:
    return f"{x:g}"


def render_check(result: ResultLike) -> str:
    """The self-assessment as plain text (Chinese), ending with a newline."""
    ctx = memo_context(result)
    s = ctx["score"]
    items = check_items(result)
    out = [ctx["title"].replace("评估意见", "自查结果"),
           f"预计得分：{s['total_text']} / 100（错误{ctx['n_errors']}处，提醒{ctx['n_warnings']}处，待核对{ctx['n_info']}处）", ""]
    if not items:
        out.append("未发现需要修改的问题。")
    for i, it in enumerate(items, 1):
        if it["kind"] == "criterion":
            head = f"{i}. {it['title']}：失{_num(it['lost'])}分"
        else:
            head = f"{i}. 【{SEVERITY_LABELS.get(it['severity'], '提醒')}】{it['title']}（{it['id']}）"
        out.append(head)
        out.append(f"   情况：{it['what']}")
        if it["fix"]:
            out.append(f"   修改：{it['fix']}")
    if ctx["not_assessable"]:
        out += ["", ctx["not_assessable_heading"] + "：" + "；".join(ctx["not_assessable"]) + "。"]
    return "\n".join(out) + "\n"
