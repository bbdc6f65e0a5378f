"""What every memo shows, computed once from a result (a :class:`Result` or its dict).

Renderers take either form: a fresh :class:`Result` carries finding locations in
``extra``; a result read back from JSON (a batch rerun) falls back to ``where`` and
the character span, so a memo can still be made from the JSON alone.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping, Union

from scorer.model import RULES, SECTION_TITLES, Result
from scorer.score import SEVERITY_LABELS, VERDICT_LABELS

ResultLike = Union[Result, Mapping[str, Any]]

__all__ = [
    "ResultLike",
    "as_dict",
    "memo_context",
    "METHOD_TEXT",
    "write_atomic",
    "output_name",
    "xml_text",
    "sheet_text",
]

#: How the total is computed, stated in every memo (and in docs/architecture.md).
METHOD_TEXT = (
    "计分方法：每项指标按“达标”得满分、“部分达标”按部分分值计、“未达标”不得分；"
    "规则类指标（表格勾稽、章节完整等）每发现一处问题按规定比例扣分，扣完为止；"
    "按时发布按发布日期与期限比较。“无法判断”的指标不计入分母："
    "总分 = 100 × 实得分 ÷ 可评分值，保留一位小数（四舍五入）。"
    "只有报告写明本年度已完成的工作才计分，计划、打算（拟、将、下一步）和“未开展”的表述不计分。"
)


#: Where a metadata value came from, in words (keys as set by the loader).
SOURCE_LABELS: dict[str, str] = {
    "flag": "命令行参数", "manifest": "清单", "header": "网页页头", "title": "标题",
    "page": "页面日期", "url": "网址", "signature": "落款", "text": "正文", "filename": "文件名",
}


def as_dict(result: ResultLike) -> dict[str, Any]:
    """The JSON-contract dict of a result in either form."""
    return result.to_dict() if isinstance(result, Result) else dict(result)


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:g}" if x == int(x) else f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def _finding_rows(result: ResultLike, d: Mapping[str, Any]) -> list[dict[str, Any]]:
    extra = result.extra if isinstance(result, Result) else {}
    notes = extra.get("finding_locations") or []
    rows = []
    for i, f in enumerate(d.get("findings", [])):
        if i < len(notes):
            loc = notes[i]
        else:  # from JSON alone: where + character offset
            where = f.get("where") or ""
            if where.startswith("section:"):
                where = SECTION_TITLES.get(where.split(":", 1)[1], where)
            span = f.get("span")
            loc = where + (f"，字符位置{span[0]}–{span[1]}" if span else "")
        rows.append(
            {
                "id": f["id"],
                "severity": f["severity"],
                "severity_label": SEVERITY_LABELS.get(f["severity"], f["severity"]),
                "title": RULES.get(f["id"], ("", "", f["id"]))[2],
                "message": f["message"],
                "location": loc,
                "numbers": f.get("numbers") or {},
            }
        )
    # errors first, then warnings; stable within a severity (the validator's order)
    rows.sort(key=lambda r: {"error": 0, "warning": 1}.get(r["severity"], 2))
    return rows


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
        ``method``.
    """
    d = as_dict(result)
    doc = d.get("document", {})
    extra = result.extra if isinstance(result, Result) else {}
    agency = doc.get("agency") or "（未识别机构）"
    year = doc.get("report_year")
    title = f"{agency}{year}年度政府信息公开工作年度报告评估意见" if year else f"{agency}政府信息公开工作年度报告评估意见"
    src = doc.get("metadata_source") or {}

    def with_src(value: Any, key: str) -> str:
        s = _fmt(value)
        label = SOURCE_LABELS.get(src.get(key, ""), src.get(key, ""))
        return f"{s}（来源：{label}）" if key in src and value is not None else s

    timing = extra.get("timeliness") or {}
    deadline = doc.get("deadline")
    meta = [
        ("文件", _fmt(doc.get("path"))),
        ("文件类型", {"report": "年度报告", "yaodian": "政务公开工作要点（不是年度报告）",
                      "plan": "工作计划或方案（不是年度报告）", "other": "其他文件（不是年度报告）"}
         .get(doc.get("kind") or "", _fmt(doc.get("kind")))),
        ("机构", with_src(doc.get("agency"), "agency")),
        ("报告年度", with_src(year, "report_year")),
        ("发布日期", with_src(doc.get("published_on"), "published_on")),
        ("发布期限", _fmt(deadline) + (f"（{timing['basis']}）" if timing.get("basis") else "")),
        ("表格格式", {"2021": "2021年版（国办公开办函〔2021〕30号）",
                      "2019": "2019年版（国办公开办函〔2019〕60号）"}.get(doc.get("format_version") or "",
                                                                   "未识别")),
        ("指标体系", d.get("criteria_set", "")
         + (f"（{extra['criteria_title']}）" if extra.get("criteria_title") else "")),
        ("评分引擎版本", _fmt(d.get("engine_version"))),
    ]
    score = dict(d.get("score", {}))
    total = score.get("total")
    score["total_text"] = "无法计分" if total is None else f"{total:.1f}"
    score["earned_text"] = _fmt(score.get("earned"))
    score["weight_text"] = _fmt(score.get("assessable_weight"))

    rows = []
    for c in d.get("criteria", []):
        rows.append(
            {
                "id": c["id"],
                "title": c["title"],
                "category": c.get("category", ""),
                "weight": c["weight"],
                "weight_text": _fmt(c["weight"]),
                "points": c["points"],
                "points_text": "—" if c["verdict"] == "not_assessable" else _fmt(c["points"]),
                "verdict": c["verdict"],
                "verdict_label": VERDICT_LABELS.get(c["verdict"], c["verdict"]),
                "explanation": c.get("explanation") or "",
                "advice": c.get("advice"),
                "evidence": c.get("evidence") or [],
                "lost": 0.0 if c["verdict"] == "not_assessable" else round(c["weight"] - c["points"], 2),
            }
        )
    lost = sorted((r for r in rows if r["lost"] > 0), key=lambda r: (-r["lost"], r["id"]))
    titles = {c["id"]: c["title"] for c in d.get("criteria", [])}
    return {
        "title": title,
        "agency": agency,
        "year": year,
        "meta": meta,
        "score": score,
        "rows": rows,
        "findings": _finding_rows(result, d),
        "n_errors": sum(1 for f in d.get("findings", []) if f["severity"] == "error"),
        "n_warnings": sum(1 for f in d.get("findings", []) if f["severity"] == "warning"),
        "n_info": sum(1 for f in d.get("findings", []) if f["severity"] == "info"),
        "not_assessable": [titles.get(i, i) for i in score.get("not_assessable", [])],
        "lost": lost,
        "method": METHOD_TEXT,
        "notes": list(doc.get("notes") or []),
    }


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
