"""Agency, report year, publication date and document kind, each with its source.

Sources, strongest first: ``flag`` (CLI option), ``manifest`` (batch manifest row),
``header`` (crawler header 标题/发布时间), ``title`` (the document's title line),
``page`` (a date printed in the page chrome), ``url`` (``t20240306`` in the page URL),
``signature`` (agency and date at the end), ``text`` (the body), ``filename``.
A publication date that cannot be one (incomplete, or not after the end of the report
year) is rejected with a note instead of being used.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from scorer.model import MetaValue

_YEAR = r"(20[0-4]\d|19[89]\d)"
_TITLE_YEAR = re.compile(_YEAR + r"\s*年")
_REPORT_YEAR_TEXT = re.compile(_YEAR + r"\s*年度?\s*(?:政府信息公开|政务公开)?\s*(?:工作)?\s*年度报告")
_PERIOD = re.compile(r"统计(?:期限|周期|时限)[^0-9]{0,8}" + _YEAR + r"\s*年\s*1\s*月\s*1\s*日")
_ISO = re.compile(r"(?<!\d)(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?!\d)")
_URL_DATE = re.compile(r"/t(\d{4})(\d{2})(\d{2})_")
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_AGENCY_END = re.compile(r"(人民政府|管委会|委员会|办公室|办公厅|局|委|办|厅|署|中心|院|所|室|会|部|处|街道办事处|镇|乡|片区管理局)$")
_TITLE_MARKERS = ("政府信息公开", "政务信息公开", "政务公开", "信息公开", "年度报告", "工作要点", "工作计划")


@dataclass
class MetaInput:
    """What the loader learnt that bears on metadata."""

    text: str
    path: str
    header: dict[str, str] = field(default_factory=dict)
    page_time: str | None = None
    overrides: dict[str, MetaValue] = field(default_factory=dict)


@dataclass
class Metadata:
    title: MetaValue | None
    kind: MetaValue
    agency: MetaValue | None
    report_year: MetaValue | None
    published_on: MetaValue | None
    url: str | None
    notes: list[str]

    def sources(self) -> dict[str, str]:
        out = {"kind": self.kind.source}
        for name in ("title", "agency", "report_year", "published_on"):
            v = getattr(self, name)
            if v is not None:
                out[name] = v.source
        return out


def _squash(s: str) -> str:
    """Remove layout spaces next to CJK characters ("2023 年" → "2023年")."""
    s = re.sub(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])", "", s.strip())
    return re.sub(r"\s+", " ", s)


def find_title(text: str, header: dict[str, str], path: str) -> MetaValue | None:
    if header.get("标题"):
        return MetaValue(_squash(header["标题"]), "header")
    lines = [ln.strip().lstrip("#").strip() for ln in text.split("\n")[:12]]
    lines = [ln for ln in lines if ln]
    for i, ln in enumerate(lines[:6]):
        if len(ln) > 60:
            break
        cand = _squash(ln)
        # a title split over two or three short lines (PDF, Markdown from PDF)
        for extra in range(0, 3):
            joined = _squash("".join(lines[i : i + 1 + extra]))
            if len(joined) <= 70 and re.search(r"报告|要点|计划|方案|任务|安排|通知", joined):
                return MetaValue(joined, "title")
        if i == 0 and re.search(r"报告|要点|计划|方案", cand):
            return MetaValue(cand, "title")
    return None


def detect_kind(title: str | None, text: str, n_sections: int) -> tuple[str, str | None]:
    """(kind, note)."""
    t = title or ""
    if re.search(r"模板|模版|格式", t):
        return "other", "这是年报格式或模板，不是某一机关的年度报告"
    if "落实情况" in t:
        return "other", "这是要点落实情况，不是年度报告"
    if re.search(r"要点|主要任务|任务分解|重点工作", t):
        return "yaodian", None
    if re.search(r"实施方案|工作计划|计划|实施意见", t):
        return "plan", None
    if re.search(r"年度报告|工作报告|年报", t) and not re.search(r"(通知|函)$", t):
        return "report", None
    if title and re.search(r"(通知|函)$", t):
        return "other", None
    if n_sections >= 4 or re.search(r"政府信息公开工作年度报告", text[:800]):
        return "report", None
    return "other", None


def agency_from_title(title: str) -> str | None:
    t = _squash(title)
    if "关于" in t:
        t = t.split("关于", 1)[0]
    else:
        cut = min((t.find(m) for m in _TITLE_MARKERS if m in t), default=-1)
        if cut > 0:
            t = t[:cut]
        elif cut == 0:
            return None
    t = re.sub(_YEAR + r"\s*年度?", "", t)
    t = t.strip(" ：:-—《》“”\"'")
    if len(t) < 2 or not re.search(r"[\u4e00-\u9fff]{2}", t):
        return None
    return t


def _signature(text: str) -> list[tuple[str | None, dt.date | None, str]]:
    """(agency, date, raw) candidates from the last ~200 characters, last first."""
    tail = text[-260:]
    out = []
    for m in reversed(list(_CN_DATE.finditer(tail))):
        before = tail[: m.start()].rstrip()
        seg = re.split(r"[。；;！!？?\n）)]", before)[-1].strip()
        seg = re.sub(r"^.*(?:事项|费用|处理费|情况|说明)\s*", "", seg).strip()
        agency = seg if seg and _AGENCY_END.search(seg) and len(seg) <= 40 else None
        out.append((agency, _mkdate(m.group(1), m.group(2), m.group(3)), m.group(0)))
    return out


def _mkdate(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def parse_date(value: str) -> dt.date | None:
    """A complete date ("2024-01-31", "2024.1.31", "2024年1月31日"), or None."""
    m = _ISO.search(value)
    if m:
        return _mkdate(m.group(1), m.group(3), m.group(4))
    m = _CN_DATE.search(value)
    return _mkdate(*m.groups()) if m else None


def detect_metadata(inp: MetaInput, n_sections: int) -> Metadata:
    notes: list[str] = []
    ov = inp.overrides
    text = inp.text
    title = find_title(text, inp.header, inp.path)
    t = title.value if title else None

    # kind
    if "kind" in ov:
        kind = ov["kind"]
    else:
        k, note = detect_kind(t, text, n_sections)
        kind = MetaValue(k, "title" if t else "text", note)
        if note:
            notes.append(note)

    # report year
    year: MetaValue | None = ov.get("report_year")
    if year is None and t:
        m = _TITLE_YEAR.search(t)
        if m:
            year = MetaValue(int(m.group(1)), "header" if title and title.source == "header" else "title")
    if year is None:
        m = _REPORT_YEAR_TEXT.search(text[:1500]) or _PERIOD.search(text[:3000])
        if m:
            year = MetaValue(int(m.group(1)), "text")

    # agency
    agency: MetaValue | None = ov.get("agency")
    sig = _signature(text)
    if agency is None and t:
        a = agency_from_title(t)
        if a:
            agency = MetaValue(a, "header" if title and title.source == "header" else "title")
    if agency is None:
        for a, _, _ in sig:
            if a:
                agency = MetaValue(a, "signature")
                break

    # publication date
    url = inp.header.get("原文链接") or None
    published: MetaValue | None = ov.get("published_on")
    if published is None:
        cands: list[tuple[str, str]] = []
        if inp.header.get("发布时间"):
            cands.append((inp.header["发布时间"], "header"))
        if inp.page_time:
            cands.append((inp.page_time, "page"))
        if url:
            m = _URL_DATE.search(url)
            if m:
                cands.append(("-".join(m.groups()), "url"))
        for line in text.split("\n")[:15]:
            s = line.strip()
            if re.fullmatch(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}", s):
                cands.append((s, "page"))
        for _, d, raw in sig:
            cands.append((raw, "signature"))
        y = year.value if year else None
        for raw, src in cands:
            d = parse_date(raw)
            label = {"header": "页头发布时间", "page": "页面日期", "url": "网址日期", "signature": "落款日期"}[src]
            if d is None:
                notes.append(f"{label}“{raw.strip()}”不完整，不作为发布日期")
                continue
            if y is not None and kind.value == "report" and d <= dt.date(y, 12, 31):
                notes.append(f"{label}{d.isoformat()}早于{y}年度结束，不可能是发布日期，不采用")
                continue
            published = MetaValue(d.isoformat(), src)
            break
    return Metadata(
        title=title,
        kind=kind,
        agency=agency,
        report_year=year,
        published_on=published,
        url=url,
        notes=notes,
    )
