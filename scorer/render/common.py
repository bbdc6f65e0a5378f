"""What every memo shows, computed once from the JSON result.

Renderers read the JSON contract (``Result.to_dict()``) and nothing else, so a memo
rendered from a stored result is the memo rendered at scoring time. The public
entry points accept a :class:`~scorer.model.Result` for convenience and turn it
into its dict once, at the boundary (:func:`as_dict`).
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping, Union

from scorer.explain import where_words
from scorer.grade import grade_of
from scorer.model import Result
from scorer.overrides import NEEDS_REVIEW_TEXT
from scorer.rules import rule_title
from scorer.words import (
    FORMAT_VERSION_LABELS,
    NOT_ASSESSABLE_HEADING,
    KIND_NAMES,
    SEVERITY_LABELS,
    SOURCE_LABELS,
    VERDICT_LABELS,
    MEMO_LABELS,
    number_or_dash,
)

ResultLike = Union[Result, Mapping[str, Any]]

__all__ = [
    "ResultLike",
    "as_dict",
    "memo_context",
    "METHOD_TEXT",
    "write_atomic",
    "output_name",
    "main_problems",
    "first_sentence",
    "xml_text",
    "sheet_text",
]

#: How the total is computed, stated in every memo (and in docs/architecture.md).
METHOD_TEXT = (
    "计分方法：每项指标按“达标”得满分、“部分达标”按部分分值计、“未达标”不得分；"
    "规则类指标（表格勾稽、章节完整等）每发现一处问题按规定比例扣分，扣完为止；"
    "按时发布按发布日期与期限比较。“未核对”的指标（所需材料缺失或数据待核对）不计入分母，也不得分："
    "总分 = 100 × 实得分 ÷ 可评分值，保留一位小数（四舍五入）。"
    "只有报告写明本年度已完成的工作才计分，计划、打算（拟、将、下一步）和“未开展”的表述不计分。"
)


def as_dict(result: ResultLike) -> dict[str, Any]:
    """The JSON-contract dict of a result in either form."""
    return result.to_dict() if isinstance(result, Result) else dict(result)


_fmt = number_or_dash


def _finding_rows(d: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for f in d.get("findings", []):
        loc = f.get("location")
        if loc is None:  # a result stored before findings carried their location
            where = where_words(f["where"]) if f.get("where") else ""
            span = f.get("span")
            loc = where + (f"，字符位置{span[0]}–{span[1]}" if span else "")
        rows.append(
            {
                "id": f["id"],
                "severity": f["severity"],
                "severity_label": SEVERITY_LABELS.get(f["severity"], f["severity"]),
                "title": rule_title(f["id"]),
                "message": f["message"],
                "location": loc,
                "numbers": f.get("numbers") or {},
            }
        )
    # errors first, then warnings; stable within a severity (the validator's order)
    rows.sort(key=lambda r: {"error": 0, "warning": 1}.get(r["severity"], 2))
    return rows


def _unchecked_reason(explanation: str) -> str:
    """The reason part of a 未核对 explanation ("未核对：X，不计入分母。" → "X")."""
    return explanation.removeprefix("未核对：").removesuffix("。").removesuffix("，不计入分母")


def _kind_words(kind: str | None) -> str:
    if not kind:
        return _fmt(kind)
    name = KIND_NAMES.get(kind)
    if name is None:
        return _fmt(kind)
    return name if kind == "report" else f"{name}（不是年度报告）"


def first_sentence(text: str) -> str:
    """The first sentence of a Chinese text (up to and including its first "。")."""
    head, sep, _ = (text or "").partition("。")
    return head + sep


def main_problems(rows: list[dict[str, Any]], findings: list[dict[str, Any]], n: int = 3) -> list[dict[str, str]]:
    """The ``n`` problems a reader should see first: the criteria that lost most points
    (with what to do), then, if fewer, error findings not yet named.

    Each item is ``{"title", "lost_text", "todo"}``.
    """
    out: list[dict[str, str]] = []
    for r in rows[:n]:
        out.append({"title": r["title"], "lost_text": f"{MEMO_LABELS['lost']}{_fmt(r['lost'])}分",
                    "todo": first_sentence(r["advice"] or r["explanation"])})
    for f in findings:
        if len(out) >= n:
            break
        if f["severity"] == "error" and all(f["title"] != o["title"] for o in out):
            out.append({"title": f["title"], "lost_text": "", "todo": f["message"]})
    return out


def memo_context(result: ResultLike) -> dict[str, Any]:
    """Everything a memo shows, as plain strings and numbers.

    Parameters
    ----------
    result : Result or dict
        A scored document.

    Returns
    -------
    dict
        Keys ``title``, ``meta`` (label/value pairs), ``score`` (the score object plus
        ``total_text``), ``rows`` (one per criterion), ``findings``,
        ``not_assessable`` (titles), ``lost`` (criteria that lost points, most first),
        ``main_problems`` (the summary card's three), ``source`` (URL, else file),
        ``labels`` (:data:`scorer.words.MEMO_LABELS`), ``method``; ``score`` also
        carries ``grade`` (:func:`scorer.grade.grade_of`).
    """
    d = as_dict(result)
    doc = d.get("document", {})
    agency = doc.get("agency") or "（未识别机构）"
    year = doc.get("report_year")
    title = f"{agency}{year}年度政府信息公开工作年度报告评估意见" if year else f"{agency}政府信息公开工作年度报告评估意见"
    src = doc.get("metadata_source") or {}

    def with_src(value: Any, key: str) -> str:
        s = _fmt(value)
        label = SOURCE_LABELS.get(src.get(key, ""), src.get(key, ""))
        return f"{s}（来源：{label}）" if key in src and value is not None else s

    deadline = doc.get("deadline")
    basis = doc.get("deadline_basis")
    meta = [
        ("文件", _fmt(doc.get("path"))),
        ("文件类型", _kind_words(doc.get("kind"))),
        ("机构", with_src(doc.get("agency"), "agency")),
        ("报告年度", with_src(year, "report_year")),
        ("发布日期", with_src(doc.get("published_on"), "published_on")),
        ("发布期限", _fmt(deadline) + (f"（{basis}）" if basis else "")),
        ("表格格式", FORMAT_VERSION_LABELS.get(doc.get("format_version") or "", "未识别")),
        ("指标体系", d.get("criteria_set", "")
         + (f"（{d['criteria_set_title']}）" if d.get("criteria_set_title") else "")),
        ("原文链接", doc.get("url") or "（未提供）"),
        ("评分引擎版本", _fmt(d.get("engine_version"))),
    ]
    score = dict(d.get("score", {}))
    total = score.get("total")
    score["total_text"] = "无法计分" if total is None else f"{total:.1f}"
    score["earned_text"] = _fmt(score.get("earned"))
    score["weight_text"] = _fmt(score.get("assessable_weight"))
    score["grade"] = grade_of(total)

    dismissed: dict[str, list[dict[str, Any]]] = {}
    for x in d.get("dismissed_findings") or []:
        for cid in x.get("criteria") or []:
            dismissed.setdefault(cid, []).append(x)
    rows = []
    for c in d.get("criteria", []):
        part = c.get("assessable_weight", c["weight"])
        # a rule criterion some of whose checks could not run: only the rest is scored
        partly = c["verdict"] != "not_assessable" and part is not None and part < c["weight"]
        rows.append(
            {
                "id": c["id"],
                "title": c["title"],
                "category": c.get("category", ""),
                "weight": c["weight"],
                "weight_text": _fmt(c["weight"]) + (f"（可评{_fmt(part)}）" if partly else ""),
                "points": c["points"],
                "points_text": "—" if c["verdict"] == "not_assessable" else _fmt(c["points"]),
                "verdict": c["verdict"],
                "verdict_label": VERDICT_LABELS.get(c["verdict"], c["verdict"]) + ("（部分未核对）" if partly else ""),
                "explanation": c.get("explanation") or "",
                "advice": c.get("advice"),
                "evidence": c.get("evidence") or [],
                "lost": 0.0 if c["verdict"] == "not_assessable" else round(c.get("assessable_weight", c["weight"]) - c["points"], 2),
                "override_text": _override_text(c.get("override"), dismissed.get(c["id"], [])),
            }
        )
    lost = sorted((r for r in rows if r["lost"] > 0), key=lambda r: (-r["lost"], r["id"]))
    titles = {c["id"]: c["title"] for c in d.get("criteria", [])}
    findings = _finding_rows(d)
    why = {c["id"]: _unchecked_reason(c.get("explanation") or "") for c in d.get("criteria", [])
           if c["verdict"] == "not_assessable"}
    return {
        "title": title,
        "agency": agency,
        "year": year,
        "meta": meta,
        "score": score,
        "rows": rows,
        "findings": findings,
        "main_problems": main_problems(lost, findings),
        "source": doc.get("url") or doc.get("path") or "",
        "labels": MEMO_LABELS,
        "n_errors": sum(1 for f in d.get("findings", []) if f["severity"] == "error"),
        "n_warnings": sum(1 for f in d.get("findings", []) if f["severity"] == "warning"),
        "n_info": sum(1 for f in d.get("findings", []) if f["severity"] == "info"),
        "not_assessable": [f"{titles.get(i, i)}（{why.get(i)}）" if why.get(i) else titles.get(i, i)
                           for i in score.get("not_assessable", [])],
        "not_assessable_heading": NOT_ASSESSABLE_HEADING,
        "lost": lost,
        "method": METHOD_TEXT,
        "notes": list(doc.get("notes") or []),
    }


def _override_text(o: Mapping[str, Any] | None, dismissed: list[Mapping[str, Any]]) -> str | None:
    """The memo's 人工调整 line: the evaluator's verdict and reason beside the engine's."""
    parts = []
    if o:
        who = f"（{o.get('by')}，{o.get('at')}）" if o.get("at") else f"（{o.get('by')}）"
        label = VERDICT_LABELS.get(o.get("verdict"), o.get("verdict"))
        engine = VERDICT_LABELS.get(o.get("engine_verdict"), o.get("engine_verdict"))
        if o.get("needs_review"):
            parts.append(f"人工调整为“{label}”未生效：{NEEDS_REVIEW_TEXT}（理由：{o.get('reason')}{who}；"
                         f"引擎结论：{engine}）")
        else:
            parts.append(f"人工调整：{label}（理由：{o.get('reason')}{who}；引擎原结论：{engine}，"
                         f"{_fmt(o.get('engine_points'))}分）")
    for x in dismissed:
        state = f"未生效：{NEEDS_REVIEW_TEXT}" if x.get("needs_review") else "不扣分"
        parts.append(f"人工调整：撤销问题 {rule_title(x['finding'].partition('@')[0])}（{x['finding']}），{state}"
                     f"（理由：{x.get('reason')}（{x.get('by')}））")
    return "；".join(parts) or None


# Characters XML 1.0 (DOCX, XLSX) cannot hold: C0 controls other than tab, newline
# and carriage return, lone surrogates, U+FFFE/U+FFFF. A report may carry ESC or
# form feeds; the writers drop them (the JSON keeps the text as read).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Spreadsheet cells that a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def xml_text(text: str) -> str:
    """``text`` without the characters an XML document cannot contain."""
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


def sheet_text(value: Any) -> Any:
    """A cell value safe for XLSX and CSV: text loses XML-illegal characters, and text
    that a spreadsheet would take for a formula (starting with = + - @, tab or CR) gets
    a leading ``'``; numbers and other values pass unchanged."""
    if not isinstance(value, str):
        return value
    value = xml_text(value)
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write a file so that readers never see it half-written.

    The bytes go to a temporary file in the same directory (same filesystem), which
    then replaces the target with :func:`os.replace`.

    Parameters
    ----------
    path : path
        Target file; its directory is created if needed.
    data : bytes or str
        Content; ``str`` is written as UTF-8.

    Returns
    -------
    Path
        The target path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # the temporary name stays short: the target's own name may be near the 255-byte limit
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:16]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        # mkstemp creates 0600; the output gets the permissions any new file would
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def _umask() -> int:
    """The process umask: from /proc where it is shown (no change to process state),
    else read by setting it and setting it straight back."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_name(path: str | os.PathLike[str]) -> str:
    """Base name of a document's outputs: the file name without its extension."""
    return Path(path).stem
