"""Agency, report year, publication date and document kind, each with its source.

Sources, strongest first: ``flag`` (CLI option), ``manifest`` (batch manifest row),
``header`` (crawler header 标题/发布时间), ``title`` (the document's title line),
``page`` (a date printed in the page chrome), ``url`` (``t20240306`` in the page URL),
``signature`` (agency and date at the end), ``text`` (the body), ``filename``.
A publication date that cannot be one (incomplete, or not after the end of the report
year) is rejected with a note instead of being used.

Kind
----
Only a ``report`` (a 政府信息公开工作年度报告 under the 2019 条例) is scored;
:func:`scorer.pipeline.prepare_document` refuses every other kind, naming it with
``NOT_A_REPORT_WORDS``. A ``--kind`` flag or manifest value overrides the decision.
The file name is never looked at. The checks, in order (first match wins):

1. ``memo``: words only this engine's outputs carry (评分引擎版本, 合计（可评分）,
   各指标达标率, 预计得分：, 格式版本：, the score sheet's 总分,排名 header, the JSON
   keys ``engine_version``/``criteria_set``): two of them, or one and a title with
   评估意见/评估汇总/自查结果. First, because a memo repeats the report's title and
   quotes its text.
2. The title names another kind: 模板/格式 → ``other`` (format texts, blank
   template). Unless the title is a report's (年度报告/年报) over statutory tables
   (step 3): 自查/落实情况 → ``self_check``; 要点/主要任务/任务分解/重点工作 →
   ``yaodian``; 实施方案/工作计划/计划/实施意见 → ``plan``; 总结 → ``work_summary``;
   政府工作报告 → ``gov_work_report``; 预算/决算 → ``budget``; …办法/制度/规定/细则
   → ``rules``; a title ending in 通知/函 → ``other`` (the 国办 format notices carry
   the tables too).
3. Statutory tables: 表三 labels (本年新收政府信息公开申请数量, 予以公开, 不予处理 …,
   at least 4) with 表二 (第二十条, 本年制发件数 …, 2) or 表四 (行政复议, 结果维持,
   尚未审结 …, 3), in a text with three of the six sections or named a report (by
   its title, or 政府信息公开工作年度报告 in its opening lines) → ``report``, or
   ``old_format`` when its year is before 2019 (the 条例 was revised in 2019 and the
   statutory tables date from then). Statutory rows (one table is enough) with fewer
   than three sections in a text not named a report → ``fragment``.
4. No statutory tables: a report title with a year before 2019 or the pre-2019
   seven-part headings (依申请公开政府信息, 收费及减免, 说明与附表) → ``old_format``;
   a report title and no body (under 100 CJK characters, no section) → ``stub``;
   three distinct 预算/决算 table names (收入支出决算总表 …) → ``budget``;
   第一条/第二条/第三条 clauses → ``rules``; 各位代表 at the start → ``gov_work_report``;
   自查报告/工作总结 at the start → ``self_check``/``work_summary``. Four or more of
   the six section headings: ``report`` with real prose (500 CJK characters and no
   placeholder such as 这里是…的说明: a report whose tables are images), else
   ``skeleton`` (a sample or placeholder). A report title with 500 CJK characters →
   ``report``; anything else → ``other``.

Every refused kind but ``yaodian`` and ``plan`` (the 要点 the engine drafts criteria
from) carries a Chinese note saying what gave it away.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

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
    # a crawler header the cleaner left in the text ("标题: …" on the first line)
    m = re.match(r"标题\s*[:：]\s*(.+?)\s*(?:发布时间\s*[:：].*)?$", lines[0]) if lines else None
    if m and re.search(r"[\u4e00-\u9fff]", m.group(1)):
        return MetaValue(_squash(m.group(1)), "header")
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


#: Labels of the statutory tables (domain.md §3–5), matched in the text with spaces
#: and table bars removed. A group counts when enough of its labels are present.
_T2_LABELS = ("第二十条", "本年制发件数", "本年新制作数量", "现行有效件数", "本年处理决定数量",
              "本年收费金额", "对外公开总数量", "行政事业性收费")
_T3_LABELS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "部分公开",
              "不予公开", "无法提供", "不予处理", "结转下年度继续办理", "本机关不掌握相关政府信息",
              "属于国家秘密")
_T4_LABELS = ("行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结", "未经复议直接起诉",
              "复议后起诉", "其他结果")
#: Words only this engine's own outputs carry (memo, check list, summary, score
#: sheet, JSON result): a memo quotes the report and repeats its title, so it must
#: be recognised before the title is read.
_ENGINE_MARKS = ("评分引擎版本", "合计（可评分）", "可评分值", "预计得分：", "各指标达标率", "总分分布",
                 "总分,排名", "问题数,其中错误", '"engine_version"', '"criteria_set"', "格式版本：",
                 "各表格式：")
_ENGINE_TITLE = re.compile(r"评估意见|评估汇总|自查结果")
_REPORT_TITLE = re.compile(r"年度报告|年报|信息公开工作报告")
_BUDGET_TABLE = re.compile(r"(?:预算|决算)[\u4e00-\u9fff]{0,12}?表")
_ARTICLE = re.compile(r"第([一二三])条")
_OLD_FORMAT = ("依申请公开政府信息", "收费及减免", "说明与附表", "因政府信息公开申请行政复议")
_PLACEHOLDER = re.compile(r"这里是[^。\n]{0,20}(?:说明|情况)|此处填写|XXX|×××")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
#: The 2019 revision of the 条例 took effect on 15 May 2019; the 2019 reports are
#: the first in the statutory format the engine scores.
FIRST_SCORED_YEAR = 2019


_ENOUGH_CHARS = 1000  # more than any threshold of detect_kind needs


def cjk_count(text: str, limit: int = _ENOUGH_CHARS) -> int:
    """Number of CJK ideographs in ``text``, exact below ``limit``; counting stops once
    it is reached. Runs of ideographs are counted, not single characters."""
    n = 0
    for m in _CJK_RUN.finditer(text):
        n += m.end() - m.start()
        if n >= limit:
            break
    return n


class KindSignals:
    """What the kind decision looks at, each measured on first use: a report is
    decided by its table labels, and the rest is never computed for it."""

    def __init__(self, text: str, n_sections: int) -> None:
        self.text = text
        self.sections = n_sections  # statutory sections found (scorer.sections)
        # the labels are matched with spaces, line breaks and table bars removed
        self.flat = "".join(text.split()).replace("|", "")

    def _count(self, words: tuple[str, ...]) -> int:
        return sum(1 for w in words if w in self.flat)

    @cached_property
    def t2(self) -> int:
        """表二 labels present."""
        return self._count(_T2_LABELS)

    @cached_property
    def t3(self) -> int:
        """表三 labels present."""
        return self._count(_T3_LABELS)

    @cached_property
    def t4(self) -> int:
        """表四 labels present."""
        return self._count(_T4_LABELS)

    @cached_property
    def engine_marks(self) -> int:
        """Words of this engine's own outputs."""
        return self._count(_ENGINE_MARKS)

    @cached_property
    def budget_tables(self) -> int:
        """Distinct 预算/决算 table names."""
        return len(set(_BUDGET_TABLE.findall(self.flat)))

    @cached_property
    def articles(self) -> bool:
        """第一条, 第二条 and 第三条 each open a clause (a line or a sentence)."""
        found = set()
        for m in _ARTICLE.finditer(self.text):
            before = self.text[max(0, m.start() - 8) : m.start()].rstrip(" \t")
            if not before or before[-1] in "\n。；":
                found.add(m.group(1))
        return found >= {"一", "二", "三"}

    @cached_property
    def old_format(self) -> int:
        """Headings of the pre-2019 seven-part report."""
        return self._count(_OLD_FORMAT)

    @cached_property
    def placeholder(self) -> bool:
        """"这里是…的说明", "此处填写", XXX."""
        return bool(_PLACEHOLDER.search(self.text))

    @cached_property
    def body_chars(self) -> int:
        """CJK characters of the whole text, counted up to ``_ENOUGH_CHARS``."""
        return cjk_count(self.text)

    @property
    def statutory_tables(self) -> bool:
        """表三 and one of 表二/表四: the content only a real report has."""
        return self.t3 >= 4 and (self.t2 >= 2 or self.t4 >= 3)

    @property
    def some_table(self) -> bool:
        """Any one statutory table (a fragment has at least this)."""
        return self.t3 >= 4 or self.t2 >= 3 or self.t4 >= 4


def detect_kind(
    title: str | None, text: str, n_sections: int, year: int | None = None
) -> tuple[str, str, str | None]:
    """(kind, source, note): what the document is, whether the title or the body
    decided it (``"title"``/``"text"``), and a note for people (None for a report and
    the 要点/plan kinds). The rule is in the module docstring, in the order of the
    checks below."""
    t = title or ""
    sig = KindSignals(text, n_sections)
    report_title = bool(_REPORT_TITLE.search(t))
    old = year is not None and year < FIRST_SCORED_YEAR

    # 1. this engine's own outputs
    if sig.engine_marks >= 2 or (sig.engine_marks and _ENGINE_TITLE.search(t)):
        return "memo", "text", "这是本工具生成的评估意见、汇总或评分表，不是年度报告"
    notice = bool(re.search(r"(通知|函)$", t))
    # a report's title and its tables outweigh a stray word of the title (…年度报告
    # 及下一年度工作计划); a notice carrying the format's tables does not
    report_with_tables = report_title and sig.statutory_tables and not notice
    # 2. the title names another kind of document
    if t and re.search(r"模板|模版|格式", t):
        return "other", "title", "这是年报格式或模板，不是某一机关的年度报告"
    if t and not report_with_tables:
        if re.search(r"自查|落实情况", t):
            return "self_check", "title", "标题表明这是自查报告或要点落实情况，不是年度报告"
        if re.search(r"要点|主要任务|任务分解|重点工作", t):
            return "yaodian", "title", None
        if re.search(r"实施方案|工作计划|计划|实施意见|工作思路$", t) and "总结" not in t:
            return "plan", "title", None
        if "总结" in t:
            return "work_summary", "title", "标题表明这是工作总结，不是年度报告"
        if "政府工作报告" in t:
            return "gov_work_report", "title", "标题表明这是政府工作报告，不是政府信息公开工作年度报告"
        if re.search(r"预算|决算", t) and not report_title:
            return "budget", "title", "标题表明这是部门预算或决算公开文件"
        if re.search(r"(办法|制度|规定|细则|规则)(（试行）)?$", t):
            return "rules", "title", "标题表明这是制度或办法文本"
        if notice:
            return "other", "title", "标题表明这是通知或函件，不是年度报告"
    src = "title" if report_title else "text"
    # the opening lines name the document when the title was not found
    report_named = report_title or "政府信息公开工作年度报告" in text[:800]
    # 3. a report, judged by its statutory content
    if sig.statutory_tables and (sig.sections >= 3 or report_named):
        if old:
            return "old_format", src, f"这是{year}年度的报告，早于2019年修订的条例，不在评分范围内"
        return "report", src, None
    if sig.some_table and sig.sections < 3 and not report_named:
        return "fragment", "text", "只有法定表格的一部分，没有完整的章节，像是年度报告的片段"
    # 4. no statutory tables: what else the body says it is
    if report_title and (old or sig.old_format >= 2):
        what = f"{year}年度" if old else "旧条例"
        return "old_format", src, f"这是{what}的报告（2019年修订的条例之前的格式），不在评分范围内"
    if report_title and sig.sections == 0 and sig.body_chars - cjk_count(t) < 100:
        return "stub", "text", "只有标题、没有正文，像是网页存根（正文可能在附件中）"
    if sig.budget_tables >= 3:
        return "budget", "text", "正文是部门预算或决算的报表"
    if sig.articles:
        return "rules", "text", "正文是“第一条、第二条……”的条文，像是制度或办法"
    if re.search(r"各位代表", text[:800]) and "政府工作" in text[:1500]:
        return "gov_work_report", "text", "正文以“各位代表”开头，像是政府工作报告"
    if re.search(r"自查报告|自查情况", text[:400]):
        return "self_check", "text", "正文开头表明这是自查报告"
    if re.search(r"工作总结", text[:200]):
        return "work_summary", "text", "正文开头表明这是工作总结"
    if sig.sections >= 4:
        # the headings but no statutory rows: a real report whose tables are images
        # still has prose; a sample or placeholder has little, or placeholder words
        if not sig.placeholder and sig.body_chars >= 500:
            return "report", src, None
        return "skeleton", "text", "有年报的章节标题，但没有法定表格的行和实际内容，像是样稿或占位稿"
    if report_title and sig.body_chars >= 500:
        return "report", src, None
    if old and sig.old_format >= 2:
        return "old_format", "text", "这是2019年修订的条例之前的旧格式报告，不在评分范围内"
    return "other", src, None


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


def signature_candidates(text: str) -> list[tuple[str | None, dt.date | None, str]]:
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

    # kind (after the year: a report from before the 2019 条例 is out of scope)
    if "kind" in ov:
        kind = ov["kind"]
    else:
        k, src, note = detect_kind(t, text, n_sections, year.value if year else None)
        kind = MetaValue(k, src, note)
        if note:
            notes.append(note)

    # agency
    agency: MetaValue | None = ov.get("agency")
    sig = signature_candidates(text)
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
