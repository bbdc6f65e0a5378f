"""Scoring: criterion verdicts, weights, statutory deductions and the total.

``score_document`` runs the pipeline on one document (load → tables → validate →
P-late → evidence) and turns it into a :class:`scorer.model.Result`, whose
``to_dict()`` is the JSON contract of ``design.md`` §4.

How the numbers are made (also stated in every memo):

- ``presence`` / ``count`` criteria take the evidence layer's verdict: ``met`` earns
  the full weight, ``partial`` earns ``weight × partial_credit``, ``not_met`` earns 0.
- ``rule`` criteria start from the full weight and lose ``deduction × weight`` for each
  finding whose id is in the criterion's ``rules`` (floor 0).
- ``timeliness`` criteria are met when the publication date is on or before the
  deadline (see :func:`statutory_deadline`), not_met when later.
- ``not_assessable`` criteria (``checkable: False``, no publication date for
  timeliness, no evidence verdict, a rule that needs last year's report) are
  **excluded from the denominator**: ``total = 100 × earned / assessable_weight``,
  rounded half-up to one decimal. Memos list them by name.

Explanations are Chinese and point at the source: the quoted sentence, the section
it is in and its line (or page for a PDF), and why it counts or not.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from scorer.model import (
    RULES,
    SECTION_TITLES,
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Document,
    Evidence,
    Finding,
    Result,
    make_finding,
)

__all__ = [
    "score_document",
    "score_assessed",
    "statutory_deadline",
    "is_whole_government",
    "engine_version",
    "criteria_fingerprint",
    "locate",
    "VERDICT_LABELS",
    "SEVERITY_LABELS",
]

#: Chinese labels of the verdicts, for memos and sheets.
VERDICT_LABELS: dict[str, str] = {
    "met": "达标",
    "partial": "部分达标",
    "not_met": "未达标",
    "not_assessable": "无法判断",
}

SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "提醒", "info": "待核对"}

#: Table prefixes of ``Finding.where`` in Chinese.
TABLE_LABELS: dict[str, str] = {
    "proactive": "表二（主动公开）",
    "requests": "表三（依申请公开）",
    "review_litigation": "表四（复议诉讼）",
}

#: Rules that compare with last year's report. ``score_document`` never has that
#: report, so a rule criterion made only of these is not_assessable (not full marks).
PRIOR_REPORT_RULES: frozenset[str] = frozenset({"T2-in-force", "T3-carry-chain", "Q-repeat"})

#: The table each table rule checks; when that table is absent the rule is reported as
#: not checked rather than passed.
RULE_TABLE: dict[str, str] = {
    "T3-identity": "requests",
    "T3-results-sum": "requests",
    "T3-row-sum": "requests",
    "T3-carry-chain": "requests",
    "T4-sum": "review_litigation",
    "T2-in-force": "proactive",
}

#: What an agency should do about each finding (used as advice in memos and `check`).
RULE_ADVICE: dict[str, str] = {
    "T3-identity": "核对表三：各列“本年新收”+“上年结转”应等于“办理结果总计”+“结转下年度继续办理”。",
    "T3-results-sum": "核对表三：各项办理结果（予以公开……其他处理）之和应等于“总计”。",
    "T3-row-sum": "核对表三：自然人、法人或其他组织各列之和应等于“总计”列。",
    "T4-sum": "核对表四：每组“结果维持+结果纠正+其他结果+尚未审结”应等于“总计”。",
    "T-cell": "表格每个单元格都应填写数字（没有的填0），不要留空或填“/”“-”。",
    "T2-in-force": "核对表二：现行有效件数应等于上年现行有效件数+本年制发−本年废止。",
    "T3-carry-chain": "表三“上年结转”应等于上年度报告的“结转下年度继续办理”。",
    "S-section-missing": "按国办公开办函〔2021〕30号格式补齐全部六个部分。",
    "S-table-missing": "补齐完整的法定表格（表二、表三、表四），不要遗漏行或列。",
    "S-format-outdated": "改用国办公开办函〔2021〕30号规定的2021年版表格。",
    "X-text-table": "使正文中的数字与表格中的数字一致。",
    "Y-year": "检查正文中的年份，统一为本报告年度。",
    "P-late": "在法定期限前发布年度报告。",
    "Q-repeat": "结合本年度实际工作撰写，避免照搬上年度报告。",
}

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

_QUOTE_MAX = 90  # characters of a quote shown inside an explanation


# --------------------------------------------------------------------------- helpers


def _dec(x: float | int | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def _round(x: float | Decimal, places: int) -> float:
    """Half-up rounding (what evaluators do by hand), not Python's banker's rounding."""
    q = Decimal(1).scaleb(-places)
    return float(_dec(x).quantize(q, rounding=ROUND_HALF_UP))


def _num(x: float) -> str:
    """A weight or point value without a useless ``.0`` (6 → "6", 2.5 → "2.5")."""
    d = _dec(x).normalize()
    s = format(d, "f")
    return s


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The installed engine version (``xxgk-scorer`` metadata), else the source tree's.

    Cached: reading package metadata costs about a millisecond, paid once per
    document and once per batch input otherwise."""
    try:
        from importlib.metadata import version

        return version("xxgk-scorer")
    except Exception:  # not installed (running from a checkout)
        import scorer

        return str(getattr(scorer, "__version__", "0+unknown"))


def criteria_fingerprint(criteria_set: CriteriaSet) -> str:
    """A short hash of everything in a criteria set that can change a score.

    The frozen dataclasses hold only tuples and scalars, so ``repr`` is stable.
    """
    payload = repr((criteria_set.id, criteria_set.deadline, criteria_set.report_year, criteria_set.criteria))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


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


def _line_words(doc: Document, offset: int) -> str:
    """第N页 (PDF), 第N行, or — in a crawler dump whose whole body is one line, where
    a line number says nothing — the character position within its section."""
    page = doc.page_at(offset) if doc.pages else None
    if page:
        return f"第{page}页"
    line_start = doc.text.rfind("\n", 0, offset) + 1
    line_end = doc.text.find("\n", offset)
    if (line_end if line_end >= 0 else len(doc.text)) - line_start > 500:
        sec = doc.section_at(offset)
        base = sec.body_start if sec is not None and sec.body_start <= offset else line_start
        return f"本节第{offset - base + 1}字处"
    return f"第{doc.line_at(offset)}行"


def _short(quote: str) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= _QUOTE_MAX else q[: _QUOTE_MAX - 1] + "…"


def _cite(doc: Document, ev: Evidence) -> str:
    return f"「{_short(ev.quote)}」（{locate(doc, ev.span, ev.section)}）"


def _where_words(where: str) -> str:
    """``requests.new.total`` → ``表三 requests.new.total``; ``section:x`` / ``table:x`` → names."""
    if where.startswith("section:"):
        return SECTION_TITLES.get(where.split(":", 1)[1], where)
    if where.startswith(("table:", "tables:")):
        names = where.split(":", 1)[1].split(",")
        return "、".join(TABLE_LABELS.get(n, n) for n in names)
    if where.startswith("document."):
        return {"document.published_on": "发布日期", "document.report_year": "报告年度"}.get(where, where)
    head = where.split(".", 1)[0]
    if head in TABLE_LABELS:
        return f"{TABLE_LABELS[head]} {where}"
    return where


def _finding_location(doc: Document, f: Finding) -> str:
    ww = _where_words(f.where) if f.where else ""
    if f.span and f.span[0] == f.span[1]:
        # a zero-width span marks where something missing should be, not a passage
        at = _line_words(doc, f.span[0]).removesuffix("处")
        return "，".join(p for p in (ww, f"应位于{at}处") if p)
    loc = locate(doc, f.span) if f.span else ""
    return "，".join(p for p in (ww, loc) if p)


def _finding_note(doc: Document, f: Finding) -> str:
    """One line a reader can check: severity, rule, message with numbers, location."""
    title = RULES.get(f.id, ("", "", f.id))[2]
    loc = _finding_location(doc, f)
    sev = SEVERITY_LABELS.get(f.severity, f.severity)
    return f"【{sev}】{title}（{f.id}）：{f.message}" + (f"（位置：{loc}）" if loc else "")


# --------------------------------------------------------------------------- deadline

_WHOLE_MARK = re.compile(r"[（(]\s*全(区|市|县|省|旗|州|盟)\s*[）)]|^全(区|市|县|省)")
_TOWN_GOV = re.compile(r"(乡|镇|街道)(人民政府|政府)$")
_GOV_END = re.compile(r"(人民政府|[区县市省州旗盟]政府)$")
_AREA_END = re.compile(r"[省市县区州旗盟]$")
_ZONE_END = re.compile(r"(管委会|(开发区|园区|新区|实验区|高新区|示范区|试验区|合作区)管理委员会)$")


def is_whole_government(agency: str | None) -> bool:
    """Whether an agency name denotes a 本级政府 (whole-government) report.

    The rule (documented for evaluators):

    1. a marker ``(全区)``/``(全市)``/``(全县)`` … → whole government;
    2. a name ending in ``人民政府`` or ``区/县/市政府`` → whole government, except a
       乡/镇/街道 government, which reports on the department timetable;
    3. a name ending in ``管委会`` or ``…开发区/园区/新区/实验区…管理委员会`` (a zone's
       government) → whole government;
    4. a bare jurisdiction name with no organ after it (``平潭综合实验区``, ``某某县``:
       the report of the whole area) → whole government;
    5. anything else (局, 委, 办公室, 办公厅, 中心, 乡/镇/街道, unknown) → department.
    """
    if not agency:
        return False
    name = "".join(agency.split())
    if _WHOLE_MARK.search(name):
        return True
    if _TOWN_GOV.search(name):
        return False
    return bool(_GOV_END.search(name) or _ZONE_END.search(name) or _AREA_END.search(name))


def statutory_deadline(
    agency: str | None, report_year: int, override: str | None = None
) -> tuple[_dt.date, str]:
    """The publication deadline of a report and the reason, in Chinese.

    Parameters
    ----------
    agency : str or None
        Agency name, used by :func:`is_whole_government`.
    report_year : int
        The year the report covers.
    override : str, optional
        An ISO date set by a manifest row, a flag or the criteria set; wins over the
        statutory default (localities may set earlier dates).

    Returns
    -------
    (date, basis)
        e.g. ``(date(2023, 1, 31), "部门报告：次年1月31日前（条例第四十九条）")``.

    Raises
    ------
    ValueError
        When ``override`` is not a ``YYYY-MM-DD`` date.
    """
    if override:
        return _dt.date.fromisoformat(str(override)), "指定的发布期限"
    if is_whole_government(agency):
        return _dt.date(report_year + 1, 3, 31), "本级政府报告：次年3月31日前（条例第四十九条）"
    return _dt.date(report_year + 1, 1, 31), "部门报告：次年1月31日前（条例第四十九条）"


def _timeliness(doc: Document, criteria_set: CriteriaSet) -> dict[str, Any]:
    """Deadline check; the P-late finding when late. Plain dict for reuse in explanations."""
    out: dict[str, Any] = {"deadline": None, "basis": None, "published_on": doc.published_on,
                           "days_late": None, "finding": None, "reason": None}
    override = doc.deadline or criteria_set.deadline  # the document's own (manifest/flag) wins
    if doc.report_year is None and not override:
        out["reason"] = "未识别报告年度，无法确定发布期限"
        return out
    try:
        deadline, basis = statutory_deadline(doc.agency, doc.report_year or 0, override)
    except ValueError:
        out["reason"] = f"发布期限“{override}”不是有效日期"
        return out
    out["deadline"], out["basis"] = deadline.isoformat(), basis
    if not doc.published_on:
        out["reason"] = "未找到发布日期，无法判断是否按时发布"
        return out
    try:
        published = _dt.date.fromisoformat(str(doc.published_on)[:10])
    except ValueError:
        out["reason"] = f"发布日期“{doc.published_on}”无法识别"
        return out
    late = (published - deadline).days
    out["days_late"] = max(late, 0)
    if late > 0:
        src = doc.metadata_source.get("published_on", "")
        out["finding"] = make_finding(
            "P-late",
            "document.published_on",
            f"发布日期{published.isoformat()}晚于期限{deadline.isoformat()}（{basis}），逾期{late}天"
            + (f"；发布日期来源：{src}" if src else ""),
            numbers={"published_on": published.isoformat(), "deadline": deadline.isoformat(),
                     "days_late": late},
        )
    return out


# --------------------------------------------------------------------------- criteria


def _advice(criterion: Criterion, doc: Document) -> str:
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


def _explain_assessment(doc: Document, c: Criterion, a: Assessment) -> str:
    ev = list(a.evidence)
    done = [e for e in ev if e.modality == "done"]
    planned = [e for e in ev if e.modality == "planned"]
    denied = [e for e in ev if e.modality == "denied"]
    reason = a.reason
    if a.verdict == "not_assessable":
        return "无法从报告判断" + (f"（{reason}）" if reason and reason != "not_assessable" else "") + "，不计入分母。"
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
        why = {"planned": "仅为计划", "denied": "明确未开展", "other": "未写明本年度已完成"}
        cites = "；".join(f"{_cite(doc, e)[:-1]}，{why.get(e.modality, '不符合要求')}）" for e in ev[:2])
        return f"未找到写明本年度已完成的表述；相关句子不计分：{cites}。"
    kws = "、".join((c.keywords + c.synonyms)[:6])
    return "未找到相关表述" + (f"（检索词：{kws}）" if kws else "") + "。"


def _credit_for(verdict: str, c: Criterion) -> float:
    return {"met": 1.0, "partial": float(c.partial_credit), "not_met": 0.0}.get(verdict, 0.0)


def _score_rule(
    doc: Document, c: Criterion, findings: Sequence[Finding], timing: dict[str, Any],
    tables: Mapping[str, Any] | None = None,
) -> tuple[str, float, float, str, str, tuple[str, ...], str | None]:
    """(verdict, credit, points, reason, explanation, finding ids, advice) of a rule criterion."""
    rules = tuple(c.rules)
    unchecked = [r for r in rules if r in PRIOR_REPORT_RULES
                 or (r == "P-late" and timing["finding"] is None and timing["days_late"] is None)]
    # a rule about a table that is absent cannot fire: say so instead of "no problem"
    absent = {r: RULE_TABLE[r] for r in rules if r not in unchecked and r in RULE_TABLE
              and tables is not None and RULE_TABLE[r] in tables and tables[RULE_TABLE[r]] is None
              and not any(f.id == r for f in findings)}
    checked = [r for r in rules if r not in unchecked and r not in absent]
    names = "、".join(f"{RULES[r][2]}（{r}）" if r in RULES else r for r in checked)
    if not checked:
        why = ("相关表格缺失" if absent else "需要上年度报告或发布日期才能核对") if rules else "未配置核对规则"
        return ("not_assessable", 0.0, 0.0, "not_assessable",
                f"无法判断：{why}，不计入分母。", (), None)
    # "info" findings are the engine's own reading doubts (ambiguous digit runs): shown
    # for checking, never deducted
    hits = [f for f in findings if f.id in checked and f.severity != "info"]
    per = _dec(c.weight) * _dec(c.deduction)
    lost = min(_dec(c.weight), per * len(hits))
    points = _round(_dec(c.weight) - lost, 2)
    credit = _round(_dec(points) / _dec(c.weight), 4) if c.weight else 0.0
    prior = [r for r in unchecked if r != "P-late"]
    missing_tables = dict.fromkeys(TABLE_LABELS[t].split("（")[0] for t in absent.values())
    note = "".join([f"（{'、'.join(prior)}需要上年度报告，本次未核对）" if prior else "",
                    "（P-late需要发布日期，本次未核对）" if "P-late" in unchecked else "",
                    f"（{'、'.join(missing_tables)}缺失，{'、'.join(absent)}无法核对；缺表已在表格完整性中扣分）"
                    if absent else ""])
    if not hits:
        return ("met", 1.0, float(_round(c.weight, 2)), "no_findings",
                f"未发现问题（核对了：{names}）{note}。", (), None)
    verdict = "partial" if points > 0 else "not_met"
    lines = [f"{i}. {_finding_note(doc, f)}" for i, f in enumerate(hits, 1)]
    expl = (f"发现{len(hits)}处问题，每处扣{_num(_round(per, 2))}分，共扣{_num(_round(lost, 2))}分"
            f"（最多扣至0分）{note}：" + "；".join(lines))
    advice_parts = []
    for rid in dict.fromkeys(f.id for f in hits):
        if rid == "P-late" and timing.get("deadline"):
            advice_parts.append(f"在{timing['deadline']}前发布年度报告（{timing['basis']}）。")
        elif rid in RULE_ADVICE:
            advice_parts.append(RULE_ADVICE[rid])
    return (verdict, credit, points, "findings", expl,
            tuple(dict.fromkeys(f.id for f in hits)), " ".join(advice_parts) or None)


def _score_timeliness(c: Criterion, timing: dict[str, Any]) -> tuple[str, float, float, str, str, tuple[str, ...], str | None]:
    if timing["days_late"] is None:
        return ("not_assessable", 0.0, 0.0, "no_publication_date",
                f"无法判断：{timing['reason']}，不计入分母。", (), None)
    if timing["finding"] is not None:
        return ("not_met", 0.0, 0.0, "late",
                f"逾期发布：发布日期{timing['published_on']}，期限{timing['deadline']}（{timing['basis']}），"
                f"逾期{timing['days_late']}天。", ("P-late",),
                f"在{timing['deadline']}前发布年度报告（{timing['basis']}）。")
    return ("met", 1.0, float(_round(c.weight, 2)), "on_time",
            f"按时发布：发布日期{timing['published_on']}，不晚于期限{timing['deadline']}（{timing['basis']}）。",
            (), None)


def _dedupe(findings: Sequence[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.id, f.where, f.span, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def score_assessed(
    doc: Document,
    criteria_set: CriteriaSet,
    *,
    tables: Mapping[str, Any] | None,
    format_version: str | None,
    findings: Sequence[Finding],
    assessments: Mapping[str, Assessment],
) -> Result:
    """Score a document whose tables, findings and evidence are already computed.

    This is the arithmetic of :func:`score_document`, separate so that callers holding
    the pipeline's outputs (or tests) can score without re-running it. The P-late
    finding is added here when the publication date is after the deadline.

    Parameters
    ----------
    doc : Document
        The loaded document (spans of evidence and findings point into its text).
    criteria_set : CriteriaSet
        The criteria with weights and scoring kinds.
    tables : mapping or None
        ``TableResult.to_dict()``: the ``tables`` object of the JSON contract.
    format_version : str or None
        ``"2019"`` / ``"2021"`` as detected from the tables.
    findings : sequence of Finding
        Findings of table extraction and validation.
    assessments : mapping of criterion id to Assessment
        Evidence verdicts for presence/count criteria.

    Returns
    -------
    Result
        ``Result.extra`` holds ``finding_notes`` (one Chinese line per finding, with its
        location) and ``timeliness`` for the renderers; neither is in the JSON.
    """
    timing = _timeliness(doc, criteria_set)
    all_findings = _dedupe(list(findings))
    if timing["finding"] is not None and not any(f.id == "P-late" for f in all_findings):
        all_findings.append(timing["finding"])

    results: list[CriterionResult] = []
    for c in criteria_set.criteria:
        conf = None
        evidence: tuple[Evidence, ...] = ()
        if not c.checkable:
            verdict, credit, points, reason = "not_assessable", 0.0, 0.0, "not_checkable"
            expl, fids, advice = "该项无法从年度报告判断（需查看网站或其他材料），不计入分母。", (), None
        elif c.scoring == "rule":
            verdict, credit, points, reason, expl, fids, advice = _score_rule(doc, c, all_findings, timing, tables)
        elif c.scoring == "timeliness":
            verdict, credit, points, reason, expl, fids, advice = _score_timeliness(c, timing)
        else:
            a = assessments.get(c.id)
            if a is None:
                verdict, credit, points, reason = "not_assessable", 0.0, 0.0, "no_assessment"
                expl, fids, advice = "证据层未对该项给出判断，不计入分母。", (), None
            else:
                verdict = a.verdict
                if c.min_count and a.count is not None and a.count < c.min_count and verdict == "met":
                    verdict = "partial"  # a count below the minimum is never full marks
                credit = _credit_for(verdict, c)
                points = _round(_dec(c.weight) * _dec(credit), 2)
                reason, conf, evidence = a.reason, a.confidence, tuple(a.evidence)
                expl = _explain_assessment(doc, c, a)
                fids = ()
                advice = _advice(c, doc) if verdict in ("not_met", "partial") else None
        results.append(
            CriterionResult(
                id=c.id, title=c.title, weight=c.weight, verdict=verdict, credit=credit,
                points=points if verdict != "not_assessable" else 0.0, reason=reason,
                explanation=expl, confidence=conf, evidence=evidence, findings=fids,
                advice=advice, category=c.category,
            )
        )

    assessable = [r for r in results if r.verdict != "not_assessable"]
    weight = sum((_dec(r.weight) for r in assessable), Decimal(0))
    earned = sum((_dec(r.points) for r in assessable), Decimal(0))
    total = _round(Decimal(100) * earned / weight, 1) if weight else None
    score = {
        "total": total,
        "max": 100,
        "earned": _round(earned, 2),
        "assessable_weight": _round(weight, 2),
        "not_assessable": [r.id for r in results if r.verdict == "not_assessable"],
    }
    document = doc.to_dict()
    document["format_version"] = format_version
    document["deadline"] = timing["deadline"]
    return Result(
        document=document,
        tables=dict(tables) if tables is not None else {},
        findings=tuple(all_findings),
        criteria=tuple(results),
        score=score,
        criteria_set=criteria_set.id,
        engine_version=engine_version(),
        extra={
            "finding_notes": [_finding_note(doc, f) for f in all_findings],
            "finding_locations": [_finding_location(doc, f) for f in all_findings],
            "timeliness": {k: v for k, v in timing.items() if k != "finding"},
            "criteria_title": criteria_set.title,
        },
    )


def score_document(
    doc_or_path: Document | str | Path,
    criteria_set: CriteriaSet | str = "core",
    **overrides: Any,
) -> Result:
    """Deprecated spelling of :func:`scorer.pipeline.score_document` (keyword overrides)."""
    from scorer.pipeline import ScoreOptions, score_document as _pipeline_score

    return _pipeline_score(doc_or_path, criteria_set, ScoreOptions.of(**overrides))
