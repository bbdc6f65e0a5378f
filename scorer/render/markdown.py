"""The Markdown memo (Chinese), for evaluators who paste into their own documents."""
from __future__ import annotations

import re

from scorer.render.common import ResultLike, memo_context

__all__ = ["render_markdown", "md_escape"]

# CommonMark backslash escapes: keeps quoted text literal (a quoted "<script>" or a
# redaction "*" must not turn into HTML or emphasis when the memo is rendered).
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#])")


def md_escape(text: str) -> str:
    """Escape Markdown punctuation and fold newlines, for text from reports."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def render_markdown(result: ResultLike) -> str:
    """Render the memo as Markdown.

    Parameters
    ----------
    result : Result or dict
        A scored document.

    Returns
    -------
    str
        The memo, ending with a newline; identical for identical input.
    """
    ctx = memo_context(result)
    s = ctx["score"]
    out: list[str] = [f"# {md_escape(ctx['title'])}", ""]
    out.append(
        f"**总分：{s['total_text']} / 100**（实得{s['earned_text']}分，可评分值{s['weight_text']}分；"
        f"发现错误{ctx['n_errors']}处、提醒{ctx['n_warnings']}处、待核对{ctx['n_info']}处）"
    )
    lab = ctx["labels"]
    out += ["", f"**{lab['grade']}：{s['grade']}**", "", f"**{lab['main_problems']}：**", ""]
    for i, m in enumerate(ctx["main_problems"], 1):
        lost = f"（{m['lost_text']}）" if m["lost_text"] else ""
        out.append(f"{i}. **{md_escape(m['title'])}**{lost}：{md_escape(m['todo'])}")
    if not ctx["main_problems"]:
        out.append(lab["no_problems"])
    if ctx["source"]:
        out += ["", f"{lab['source']}：{md_escape(ctx['source'])}"]
    out += ["", "## 基本信息", ""]
    out += [f"- {label}：{md_escape(value)}" for label, value in ctx["meta"]]
    for note in ctx["notes"]:
        out.append(f"- 读取说明：{md_escape(note)}")

    out += ["", "## 得分表", "", "| 指标 | 分值 | 结论 | 得分 |", "| --- | ---: | --- | ---: |"]
    for r in ctx["rows"]:
        out.append(f"| {md_escape(r['title'])} | {r['weight_text']} | {r['verdict_label']} | {r['points_text']} |")
    out.append(f"| **合计（可评分）** | {s['weight_text']} |  | {s['earned_text']} |")
    if ctx["not_assessable"]:
        out += ["", ctx["not_assessable_heading"] + "：" + "；".join(md_escape(t) for t in ctx["not_assessable"]) + "。"]

    out += ["", "## 发现的问题", ""]
    if ctx["findings"]:
        for i, f in enumerate(ctx["findings"], 1):
            loc = f"（位置：{md_escape(f['location'])}）" if f["location"] else ""
            out.append(
                f"{i}. 【{f['severity_label']}】{md_escape(f['title'])}（{f['id']}）：{md_escape(f['message'])}{loc}"
            )
    else:
        out.append("未发现表格、结构或时限方面的问题。")

    out += ["", "## 逐项说明", ""]
    for i, r in enumerate(ctx["rows"], 1):
        out.append(f"### {i}. {md_escape(r['title'])}：{r['verdict_label']}，{r['points_text']}/{r['weight_text']}分")
        out += ["", md_escape(r["explanation"])]
        if r["override_text"]:
            out += ["", f"> {md_escape(r['override_text'])}"]
        if r["advice"]:
            out += ["", f"> 建议：{md_escape(r['advice'])}"]
        out.append("")

    out += ["## 计分说明", "", ctx["method"], ""]
    return "\n".join(out)
