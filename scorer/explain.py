"""Explanations people read: why each criterion got its verdict, where each finding
is, and what to do about it — built from the scorer's numbers, quoting the report.

:mod:`scorer.score` decides verdicts and points; this module only words them. The
labels and phrases it uses come from :mod:`scorer.words`; a rule's title and
advice from :mod:`scorer.rules`.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Sequence

from scorer.model import Assessment, Criterion, Document, Evidence, Finding
from scorer.rules import RULES, rule_title
from scorer.tables import labels as L
from scorer.words import (
    DOCUMENT_FIELD_LABELS,
    SECTION_TITLES,
    SEVERITY_LABELS,
    TABLE_NAMES,
    TABLE_TITLES,
    WHERE_WORDS,
    line_words,
    number,
    page_words,
    paragraph_words,
    sentence_words,
)

__all__ = [
    "CORE_ADVICE",
    "locate",
    "finding_location",
    "where_words",
    "finding_note",
    "criterion_advice",
    "assessment_text",
    "NOT_CHECKABLE_TEXT",
    "NO_ASSESSMENT_TEXT",
    "rule_not_checked_text",
    "rule_passed_text",
    "rule_failed_text",
    "rule_advice",
    "timeliness_text",
    "timeliness_advice",
    "outline_message",
]

_QUOTE_MAX = 90  # characters of a quote shown inside an explanation

#: What a report should say to meet each core criterion (domain.md §7).
CORE_ADVICE: dict[str, str] = {
    "policy_interpretation": "写明本年度对哪些政策文件发布了解读及数量，例如“全年发布政策解读X篇”。",
    "interpretation_sync": "写明政策解读与政策文件同步起草、同步审签、同步发布（“三同步”）的落实情况。",
    "interpretation_forms": "写明文字解读以外采用的解读形式及数量，如图解、视频、问答、在线访谈、新闻发布会解读。",
    "open_day": "写明本年度举办的政府开放日或开放活动（时间、主题、参加人数）。",
    "public_attendance": "写明本年度邀请公众代表、利益相关方或专家列席决策会议的次数和会议名称。",
    "decision_consultation": "写明本年度公布重大行政决策目录或决策前公开征求意见（预公开）的情况。",
    "responding_concerns": "写明本年度回应社会关切的情况，如12345热线、网上留言答复、舆情回应的数量。",
    "training": "写明本年度组织或参加政务公开培训的次数、对象和内容。",
    "leadership_review": "写明本年度领导班子听取政务公开工作汇报或专题研究的次数（如局务会、专题会议）。",
    "request_to_proactive": "写明本年度将依申请公开的信息转为主动公开的情况（依申请转主动）。",
    "press_conference": "写明本年度召开新闻发布会的场次和主题。",
    "new_media": "写明本年度政务新媒体（微信公众号、微博等）的运营和发布情况。",
    "fee_statement": "在“六、其他需要报告的事项”写明本年度收取信息处理费的情况（未收取也应写明“未收取信息处理费”）。",
    "prior_rectification": "在“五、存在的主要问题及改进情况”写明上年度所提问题的整改情况。",
    "yaodian_implementation": "写明本年度政务公开工作要点的落实情况。",
    "timely_publication": "在法定期限前发布年度报告（部门：次年1月31日前；本级政府：次年3月31日前）。",
}


def _section_name(doc: Document, key: str | None, offset: int | None) -> str | None:
    if key and key in SECTION_TITLES:
        return SECTION_TITLES[key]
    if offset is not None:
        sec = doc.section_at(offset)
        if sec is not None:
            return SECTION_TITLES.get(sec.key or "", None) or sec.heading.strip()
        return "标题和开头部分" if doc.sections and offset < doc.sections[0].start else None
    return None


def locate(doc: Document, span: Sequence[int] | None, section: str | None = None) -> str:
    """Where a span is, in words a reader can follow: section name and line or page.

    Parameters
    ----------
    doc : Document
        The document the span points into.
    span : (start, end) or None
        Character offsets into ``doc.text``.
    section : str, optional
        Canonical section key already known (e.g. from :class:`Evidence`).

    Returns
    -------
    str
        e.g. ``"三、收到和处理政府信息公开申请情况，第42行"`` or ``"第3页"``; ``""`` when
        the span is unknown.
    """
    if not span:
        return SECTION_TITLES.get(section or "", "")
    start = int(span[0])
    parts = []
    name = _section_name(doc, section, start)
    if name:
        parts.append(name)
    parts.append(_line_words(doc, start))
    return "，".join(parts)


def _line_words(doc: Document, offset: int, here: bool = False) -> str:
    """Where ``offset`` is, as a reader finds it: 第N页第M行 in a PDF, 第N段 in a Word
    file (Word shows paragraphs, not lines), 第N行 elsewhere — or, in a crawler dump
    whose whole body is one line, where a line number says nothing, the words the
    sentence starts with (``here``: the words at ``offset`` itself, for a heading
    glued into the line, which starts no sentence)."""
    line_start = doc.text.rfind("\n", 0, offset) + 1
    page = doc.page_at(offset) if doc.pages else None
    if page:
        page_start = doc.pages[page - 1][0]
        return page_words(page) + line_words(doc.text.count("\n", page_start, line_start) + 1)
    line_end = doc.text.find("\n", offset)
    if (line_end if line_end >= 0 else len(doc.text)) - line_start > 500:
        sec = doc.section_at(offset)
        floor = max(line_start, sec.body_start if sec is not None and sec.body_start <= offset else 0)
        return sentence_words(offset if here else _sentence_start(doc.text, offset, floor), doc.text)
    if doc.format == "docx":
        return paragraph_words(doc.line_at(offset))
    return line_words(doc.line_at(offset))


_SENTENCE_END = "。；！？!?;"


def _sentence_start(text: str, offset: int, floor: int) -> int:
    """Start of the sentence holding ``offset`` (after the last 。；！？ before it)."""
    cut = max(text.rfind(ch, floor, offset) for ch in _SENTENCE_END)
    return max(cut + 1, floor)


def _short(quote: str) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= _QUOTE_MAX else q[: _QUOTE_MAX - 1] + "…"


def _cite(doc: Document, ev: Evidence) -> str:
    return f"「{_short(ev.quote)}」（{locate(doc, ev.span, ev.section)}）"


def where_words(where: str) -> str:
    """A finding's ``where`` in Chinese: ``requests.new.total`` →
    ``表三（依申请公开）“一、本年新收政府信息公开申请数量”行“总计”列``;
    ``section:x`` / ``table:x`` / ``document.x`` → their names. A key with no
    Chinese name is shown as a code in brackets, never bare."""
    if where.startswith("section:"):
        key = where.split(":", 1)[1]
        return SECTION_TITLES.get(key, f"章节（{key}）")
    if where.startswith(("table:", "tables:")):
        names = where.split(":", 1)[1].split(",")
        return "、".join(TABLE_TITLES.get(n, f"表格（{n}）") for n in names)
    if where.startswith("document."):
        return DOCUMENT_FIELD_LABELS.get(where, f"文档信息（{where}）")
    if where in WHERE_WORDS:
        return WHERE_WORDS[where]
    table, _, rest = where.partition(".")
    if table not in TABLE_TITLES:
        return f"（{where}）"
    if not rest:
        return TABLE_TITLES[table]
    row, _, col = rest.partition(".")
    parts = [TABLE_TITLES[table]]
    if row != "*":
        name = L.row_label(table, row)
        family = None if name else _row_family(table, row)
        parts.append(f"“{name}”行" if name else f"“{family}”各行" if family else f"（行 {row}）")
    if col:
        name = L.column_label(table, col)
        parts.append(f"“{name}”列" if name else f"（列 {col}）")
    return "".join(parts)


def _row_family(table: str, prefix: str) -> str | None:
    """The printed heading of a family of rows (``denied`` → （三）不予公开,
    ``litigation`` → 行政诉讼), for a finding about their sum."""
    rows = {"requests": L.REQUEST_ROW_LABELS, "review_litigation": L.REVIEW_GROUP_LABELS}.get(table, {})
    heads = {label.replace("·", " ").split(" ")[0] for key, label in rows.items() if key.startswith(prefix + "_")}
    return heads.pop() if len(heads) == 1 else None


def finding_location(doc: Document, f: Finding) -> str:
    """Where a finding is, in Chinese: the table/section it concerns and its place."""
    ww = where_words(f.where) if f.where else ""
    if f.span and f.span[0] == f.span[1]:
        # a zero-width span marks where something missing should be, not a passage
        at = _line_words(doc, f.span[0]).removesuffix("处")
        return "，".join(p for p in (ww, f"应位于{at}处") if p)
    if f.where == "outline" and f.span:
        # a heading locates itself: the section it was read into says nothing more
        return "，".join(p for p in (ww, _line_words(doc, f.span[0], here=True)) if p)
    loc = locate(doc, f.span) if f.span else ""
    printed = _printed_row(doc, f)
    return "，".join(p for p in (ww, loc, printed) if p)


def _printed_row(doc: Document, f: Finding) -> str:
    """A table finding on one row quotes the row as printed, so the reader can find
    it and see the numbers the engine read (e.g. 原文“予以公开 2 0 0 0 0 0 2”)."""
    if not f.span or f.where.split(".", 1)[0] not in TABLE_TITLES:
        return ""
    a, b = f.span
    line_start = doc.text.rfind("\n", 0, a) + 1
    line_end = doc.text.find("\n", b)
    line_end = len(doc.text) if line_end < 0 else line_end
    # the whole printed line when it is short (a row of its own), else the cells' span
    a, b = (line_start, line_end) if line_end - line_start <= 80 else (a, b)
    row = " ".join(doc.text[a:b].split())
    has_numbers = any(ch.isdigit() for ch in row)
    return f"原文“{row}”" if has_numbers and len(row) <= 80 else ""


def finding_note(doc: Document, f: Finding) -> str:
    """One line a reader can check: severity, rule, message with numbers, location."""
    title = rule_title(f.id)
    loc = finding_location(doc, f)
    sev = SEVERITY_LABELS.get(f.severity, f.severity)
    return f"【{sev}】{title}（{f.id}）：{f.message}" + (f"（位置：{loc}）" if loc else "")


# --------------------------------------------------------------------------- criteria


def criterion_advice(criterion: Criterion) -> str:
    """What the report should say to meet ``criterion`` (for not_met / partial)."""
    base = CORE_ADVICE.get(criterion.id) or CORE_ADVICE.get(criterion.classifier_label or "")
    if base is None:
        base = f"写明本年度“{criterion.title}”的实际完成情况（做了什么、何时、几次）。"
    extra = []
    if criterion.clause:
        extra.append(f"要点原文：“{criterion.clause}”")
    if criterion.min_count:
        extra.append(f"须写明次数，不少于{criterion.min_count}次")
    if criterion.months:
        extra.append("须在" + "、".join(f"{m}月" for m in criterion.months) + "开展并写明时间")
    base += "；".join(extra) + ("。" if extra else "")
    return base + "计划、打算（拟、将、下一步）不计为已完成。" if criterion.scoring in ("presence", "count") else base


def assessment_text(doc: Document, c: Criterion, a: Assessment) -> str:
    """Why an evidence verdict is what it is, quoting the sentences behind it."""
    ev = list(a.evidence)
    done = [e for e in ev if e.modality == "done"]
    planned = [e for e in ev if e.modality == "planned"]
    denied = [e for e in ev if e.modality == "denied"]
    reason = a.reason
    if a.verdict == "not_assessable":
        return "未核对：无法从报告判断，不计入分母。"
    if reason == "below_min" or (c.min_count and a.count is not None and a.count < c.min_count):
        cites = "；".join(_cite(doc, e) for e in (done or ev)[:2])
        return f"次数{a.count or 0}低于要求的{c.min_count}" + (f"：{cites}。" if cites else "。")
    if reason == "wrong_month" and c.months:
        stated = sorted({m for e in done for m in e.months})
        cites = "；".join(_cite(doc, e) for e in (done or ev)[:2])
        return (f"月份不符：要求在{'、'.join(f'{m}月' for m in c.months)}开展，报告写明的是"
                f"{'、'.join(f'{m}月' for m in stated) or '其他月份'}：{cites}。")
    if a.verdict in ("met", "partial") and (done or ev):
        head = "已完成" if a.verdict == "met" else "部分完成"
        if c.min_count and a.count is not None:
            head += f"（共{a.count}次，要求不少于{c.min_count}次）"
        more = f"；另有{len(done) - 2}处相关表述" if len(done) > 2 else ""
        return f"{head}：" + "；".join(_cite(doc, e) for e in (done or ev)[:2]) + more + "。"
    if reason == "denied" or denied:
        return "明确未开展：" + "；".join(_cite(doc, e) for e in denied[:2] or ev[:2]) + "。"
    if reason in ("planned_only", "planned") or planned:
        return ("仅为计划，不计为已完成："
                + "；".join(_cite(doc, e) for e in planned[:2] or ev[:2]) + "。")
    if ev:  # candidate sentences the evidence layer did not accept, each with why
        why = {"planned": "仅为计划", "denied": "明确未开展", "other": "未写明本年度已完成",
               "required": "系上级或文件提出的要求", "general": "系制度、定义或目的表述",
               "other_actor": "系其他机关或人员所为", "other_year": "系其他年度的情况"}
        cites = "；".join(f"{_cite(doc, e)[:-1]}，{why.get(e.modality, '不符合要求')}）" for e in ev[:2])
        return f"未找到写明本年度已完成的表述；相关句子不计分：{cites}。"
    present = _first_mention(doc, c.keywords + c.synonyms)
    if present is not None:  # the words are there, but no sentence counted: say so
        word, start, end = present
        quote = _short(doc.text[start:end])
        return (f"报告中出现“{word}”（「{quote}」，{locate(doc, (start, end))}），但没有句子写明本年度已开展此项工作"
                "（可能是标题、计划、上级要求或其他单位的工作），不计分；请人工核对。")
    kws = "、".join((c.keywords + c.synonyms)[:6])
    return "未找到相关表述" + (f"（检索词：{kws}）" if kws else "") + "。"


def _first_mention(doc: Document, words: Sequence[str]) -> tuple[str, int, int] | None:
    """The first keyword that occurs in the text, with the sentence around it."""
    hits = [(doc.text.find(w), w) for w in words if w and w in doc.text]
    if not hits:
        return None
    at, word = min(hits)
    line_start = doc.text.rfind("\n", 0, at) + 1
    start = _sentence_start(doc.text, at, max(line_start, at - 120))
    ends = [i for i in (doc.text.find(ch, at) for ch in _SENTENCE_END + "\n") if i >= 0]
    end = min(min(ends) + 1 if ends else len(doc.text), at + 120)
    return word, start, end


# --------------------------------------------------------------------------- verdict texts

NOT_CHECKABLE_TEXT = "未核对：该项无法从年度报告判断（需查看网站或其他材料），不计入分母。"
NO_ASSESSMENT_TEXT = "未核对：证据层未对该项给出判断，不计入分母。"


#: Why a rule did not run (keys: scorer.score.rule_status), in words; ``{table}`` is
#: the name of the table the rule reads.
_NOT_RUN_WORDS = {
    "prior": "需要上年度报告",
    "no_date": "需要发布日期",
    "no_year": "未识别报告年度",
    "absent": "{table}缺失（缺表已在表格完整性中扣分）",
    "uncovered": "{table}相关行缺失或数据待核对，无法确定地核对",
}


def _named(rules: Sequence[str]) -> str:
    return "、".join(f"{RULES[r].title}（{r}）" if r in RULES else r for r in rules)


def _not_run_reasons(rules: Sequence[str], status: dict[str, str]) -> list[str]:
    """"rules，why" for each group of rules that did not run, by reason and table."""
    out = []
    for why, words in _NOT_RUN_WORDS.items():
        by_table: dict[str, list[str]] = {}
        for r in rules:
            if status.get(r) == why:
                key = RULES[r].table if r in RULES else None
                by_table.setdefault(TABLE_NAMES.get(key or "", "相关表格"), []).append(r)
        out += [f"{_named(rs)}，{words.format(table=table)}" for table, rs in by_table.items()]
    return out


def _status_notes(rules: Sequence[str], status: dict[str, str]) -> str:
    """（未核对…）（部分核对…） for the rules of a criterion that did not fully run."""
    notes = [f"（未核对，不计入分母：{why}）" for why in _not_run_reasons(rules, status)]
    partial = [r for r in rules if status.get(r) == "partial"]
    if partial:
        notes.append(f"（部分核对：{_named(partial)}，部分行列缺失或待核对，只核对了读取确定的部分）")
    return "".join(notes)


def rule_not_checked_text(rules: Sequence[str], status: dict[str, str]) -> str:
    """A rule criterion none of whose rules could run."""
    if not rules:
        return "未核对：未配置核对规则，不计入分母。"
    return f"未核对：{'；'.join(_not_run_reasons(rules, status))}，不计入分母。"


def rule_passed_text(rules: Sequence[str], status: dict[str, str]) -> str:
    """A rule criterion whose checks found nothing: which checks ran, which did not."""
    ran = [r for r in rules if status.get(r) in ("ran", "partial")]
    return f"未发现问题（核对了：{_named(ran)}）{_status_notes(rules, status)}。"


def _cause_words(group: Sequence[Finding]) -> str:
    rows = [{c.rsplit(".", 1)[0] for c in f.cells} for f in group]
    common = set.intersection(*rows) if rows else set()
    row = min(common) if common else min(r for rs in rows for r in rs)
    return where_words(row)


def rule_failed_text(doc: Document, groups: Sequence[Sequence[Finding]], factors: dict[str, float],
                     per: Decimal | float, lost: Decimal | float, rules: Sequence[str],
                     status: dict[str, str]) -> str:
    """A rule criterion that lost points: each cause once, with its findings and places."""
    n = sum(len(g) for g in groups)
    lines = []
    for i, g in enumerate(groups, 1):
        worst = max(Decimal(str(factors.get(f.severity, 1.0))) for f in g)
        cost = number(Decimal(str(per)) * worst)
        if len(g) == 1:
            lines.append(f"{i}. {finding_note(doc, g[0])}（扣{cost}分）")
        else:
            parts = "；".join(f"（{j}）{finding_note(doc, f)}" for j, f in enumerate(g, 1))
            lines.append(f"{i}. 同一原因（{_cause_words(g)}）导致{len(g)}处问题，只扣一次（扣{cost}分）：{parts}")
    head = f"发现{n}处问题" + (f"，归为{len(groups)}个原因" if len(groups) < n else "")
    scale = "、".join(f"{SEVERITY_LABELS[k]}扣{number(Decimal(str(per)) * Decimal(str(v)))}分"
                      for k, v in factors.items() if k in SEVERITY_LABELS)
    return (f"{head}，每个原因按其中最严重的一处扣分（{scale}），共扣{number(lost)}分"
            f"（最多扣至0分）{_status_notes(rules, status)}：" + "；".join(lines))


def charged_elsewhere_text(groups: Sequence[Sequence[Finding]], where: Sequence[str], passed: str) -> str:
    """A criterion whose only findings were charged under another criterion."""
    notes = "；".join(f"{f.message}（与“{w}”中的问题同一原因，已在该项扣分）" for g, w in zip(groups, where) for f in g)
    return f"{passed.removesuffix('。')}；另有：{notes}。"


def rule_advice(hits: Sequence[Finding], timing: dict[str, Any]) -> str | None:
    """What to fix, once per rule that fired."""
    parts = []
    for rid in dict.fromkeys(f.id for f in hits):
        if rid == "P-late" and timing.get("deadline"):
            parts.append(timeliness_advice(timing))
        elif rid in RULES:
            parts.append(RULES[rid].advice)
    return " ".join(parts) or None


def timeliness_text(verdict: str, timing: dict[str, Any]) -> str:
    """Why a report is on time, late, or cannot be judged."""
    if verdict == "not_assessable":
        return f"未核对：{timing['reason']}，不计入分母。"
    if verdict == "not_met":
        return (f"逾期发布：发布日期{timing['published_on']}，期限{timing['deadline']}（{timing['basis']}），"
                f"逾期{timing['days_late']}天。")
    return f"按时发布：发布日期{timing['published_on']}，不晚于期限{timing['deadline']}（{timing['basis']}）。"


def timeliness_advice(timing: dict[str, Any]) -> str:
    return f"在{timing['deadline']}前发布年度报告（{timing['basis']}）。"


# --------------------------------------------------------------------------- outline

_OUTLINE_QUOTED = 8  # headings quoted in one outline finding


#: document note when the report text has no lines (a one-line crawler dump)
OUTLINE_UNLINED_NOTE = ("全文不分行（网页抓取为一行），提纲检查只核对了六个法定部分的标题与序号，"
                        "未核对子标题是否被编为一级标题、编号体系是否混用及标题是否重复")


def outline_message(doc: Document, defect: Any) -> str:
    """The words of an outline defect (:class:`scorer.outline.Defect`): what is wrong,
    quoting each heading as printed (with its line when there are several), and
    what the national format prints instead."""
    hs = defect.headings
    kind = defect.kind

    def q(h: Any) -> str:
        return f"“{_short(h.printed)}”"

    def qat(h: Any) -> str:
        return f"{q(h)}（{_line_words(doc, h.start, here=True)}）"

    def part(key: str) -> str:
        return f"第{SECTION_TITLES[key][0]}部分"

    def more(items: list[str], sep: str) -> str:
        # a long list is cut: the first headings locate the defect
        return sep.join(items[:_OUTLINE_QUOTED]) + (f"等{len(items)}处" if len(items) > _OUTLINE_QUOTED else "")

    if kind == "subtopic":
        return (f"“{SECTION_TITLES['overview']}”的下级内容编成了一级标题：" + more([qat(h) for h in hs], "、")
                + "；一级标题“一、”至“六、”只用于六个法定部分，总体情况下的分项应编为“（一）”“（二）”……")
    if kind == "shifted":
        wrong = more([f"{qat(h)}应为“{SECTION_TITLES[h.key].split('、')[0]}、”" for h in hs], "；")
        return f"法定章节的序号与规定不符：{wrong}（六个法定部分应依次编为“一、”至“六、”）"
    if kind == "two_systems":
        odd = more([f"{qat(h)}用“{h.system}”式" for h in hs], "、")
        return f"法定章节混用了不同的编号方式：其余章节用“{defect.main_system}”式，{odd}；六个法定部分应统一编号"
    if kind == "missing_heading":
        return f"{part(defect.key)}没有标题“{SECTION_TITLES[defect.key]}”，正文直接从下级标题{q(hs[0])}开始"
    if kind == "no_ordinal":
        return f"法定章节标题{q(hs[0])}缺少序号，应为“{SECTION_TITLES[defect.key]}”"
    if kind == "renamed":
        text = f"{part(defect.key)}的标题为{q(hs[0])}，规定格式为“{SECTION_TITLES[defect.key]}”"
        if defect.trailing_punct:
            text += "（标题末尾不加标点）"
        if defect.unrecognised:
            text += "；因标题未用规定用语，未能据此认出该部分（即“缺少法定章节”所指）"
        return text
    if kind == "doubled":
        h = hs[0]
        return f"编号重复书写：“{_short(h.numeral + h.title)}”，应为“{h.numeral[0]}{h.numeral[2:]}”"
    if kind == "duplicated":
        return f"同一法定章节标题出现两次：{qat(hs[0])}与{qat(hs[1])}"
    return f"报告提纲不规范：{q(hs[0])}"
