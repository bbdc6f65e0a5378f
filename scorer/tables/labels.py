"""Canonical keys and Chinese labels of 表二/表三/表四 (domain.md §3–5), and the
tolerant regexes that find each row label in messy text.

Row label patterns allow whitespace between any two characters (PDF layers and WPS
justification put spaces or line breaks inside labels) and the known typos seen in
the corpus (不子公开, 先行有效件数, 其他法律行政止公开).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------- 表三

REQUEST_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "business",
    "research",
    "social_org",
    "legal_service",
    "other_org",
    "total",
)
REQUEST_COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
APPLICANT_COLUMNS: tuple[str, ...] = REQUEST_COLUMNS[:6]
#: 表三 rows of the identity 本年新收 + 上年结转 = 办理总计 + 结转下年 (rule T3-identity).
IDENTITY_ROWS: tuple[str, ...] = ("new", "carried_over", "total", "carried_forward")

REQUEST_ROW_LABELS: dict[str, str] = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "denied_law_prohibited": "（三）不予公开 2.其他法律行政法规禁止公开",
    "denied_three_safety": "（三）不予公开 3.危及“三安全一稳定”",
    "denied_third_party": "（三）不予公开 4.保护第三方合法权益",
    "denied_internal_affairs": "（三）不予公开 5.属于三类内部事务信息",
    "denied_process_info": "（三）不予公开 6.属于四类过程性信息",
    "denied_enforcement_file": "（三）不予公开 7.属于行政执法案卷",
    "denied_inquiry": "（三）不予公开 8.属于行政查询事项",
    "unable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unable_needs_creation": "（四）无法提供 2.没有现成信息需要另行制作",
    "unable_unclear": "（四）无法提供 3.补正后申请内容仍不明确",
    "rejected_petition": "（五）不予处理 1.信访举报投诉类申请",
    "rejected_duplicate": "（五）不予处理 2.重复申请",
    "rejected_publication": "（五）不予处理 3.要求提供公开出版物",
    "rejected_excessive": "（五）不予处理 4.无正当理由大量反复申请",
    "rejected_confirmation": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正",
    "other_unpaid_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用",
    "other_misc": "（六）其他处理 3.其他",
    "other": "（六）其他处理",
    "total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}

_HEAD = ("new", "carried_over", "granted", "partial")
_DENIED = tuple(k for k in REQUEST_ROW_LABELS if k.startswith("denied_"))
_UNABLE = tuple(k for k in REQUEST_ROW_LABELS if k.startswith("unable_"))
_REJECTED = tuple(k for k in REQUEST_ROW_LABELS if k.startswith("rejected_"))
OTHER_ROWS_2021: tuple[str, ...] = ("other_no_correction", "other_unpaid_fee", "other_misc")

#: 表三 rows of the 2021 format (25) and of the 2019 format (23, one 其他处理 row).
REQUEST_ROWS_2021: tuple[str, ...] = _HEAD + _DENIED + _UNABLE + _REJECTED + OTHER_ROWS_2021 + (
    "total",
    "carried_forward",
)
REQUEST_ROWS_2019: tuple[str, ...] = _HEAD + _DENIED + _UNABLE + _REJECTED + ("other", "total", "carried_forward")
#: Result leaves: their sum per column is 办理结果总计 (T3-results-sum).
RESULT_LEAVES_2021: tuple[str, ...] = ("granted", "partial") + _DENIED + _UNABLE + _REJECTED + OTHER_ROWS_2021
RESULT_LEAVES_2019: tuple[str, ...] = ("granted", "partial") + _DENIED + _UNABLE + _REJECTED + ("other",)

# --------------------------------------------------------------------------- 表四

REVIEW_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
REVIEW_GROUP_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
REVIEW_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
#: The four results whose sum is a 表四 group's 总计 (rule T4-sum).
REVIEW_PARTS: tuple[str, ...] = REVIEW_COLUMNS[:4]
REVIEW_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# --------------------------------------------------------------------------- 表二


@dataclass(frozen=True)
class ProactiveRow:
    """A row of 表二: key, label, regex and its columns ``(key, label, kind)``.

    ``kind`` is ``count`` (non-negative integer), ``signed`` (本年增/减, may be
    negative) or ``amount`` (a decimal in 万元)."""

    key: str
    label: str
    pattern: str
    columns: tuple[tuple[str, str, str], ...]


_DOCS_2021 = (("issued", "本年制发件数", "count"), ("repealed", "本年废止件数", "count"), ("in_force", "现行有效件数", "count"))
_DOCS_2019 = (
    ("new_made", "本年新制作数量", "count"),
    ("new_published", "本年新公开数量", "count"),
    ("total_published", "对外公开总数量", "count"),
)
_ITEMS_2019 = (("prev_items", "上一年项目数量", "count"), ("change", "本年增/减", "signed"), ("decisions", "处理决定数量", "count"))
_DECISIONS = (("decisions", "本年处理决定数量", "count"),)

PROACTIVE_ROWS_2021: tuple[ProactiveRow, ...] = (
    ProactiveRow("rules", "规章", r"规\s*章", _DOCS_2021),
    ProactiveRow("normative_docs", "行政规范性文件", r"(?:行\s*政\s*)?规\s*范\s*性\s*文\s*件", _DOCS_2021),
    ProactiveRow("licensing", "行政许可", r"行\s*政\s*许\s*可", _DECISIONS),
    ProactiveRow("punishment", "行政处罚", r"行\s*政\s*处\s*罚", _DECISIONS),
    ProactiveRow("coercion", "行政强制", r"行\s*政\s*强\s*制", _DECISIONS),
    ProactiveRow(
        "fees",
        "行政事业性收费",
        r"行\s*政\s*事\s*业\s*性\s*收\s*费",
        (("amount_wan_yuan", "本年收费金额（万元）", "amount"),),
    ),
)
PROACTIVE_ROWS_2019: tuple[ProactiveRow, ...] = (
    ProactiveRow("rules", "规章", r"规\s*章", _DOCS_2019),
    ProactiveRow("normative_docs", "规范性文件", r"(?:行\s*政\s*)?规\s*范\s*性\s*文\s*件", _DOCS_2019),
    ProactiveRow("licensing", "行政许可", r"行\s*政\s*许\s*可", _ITEMS_2019),
    ProactiveRow("other_services", "其他对外管理服务事项", r"其\s*他\s*对\s*外\s*管\s*理\s*服\s*务\s*事\s*项", _ITEMS_2019),
    ProactiveRow("punishment", "行政处罚", r"行\s*政\s*处\s*罚", _ITEMS_2019),
    ProactiveRow("coercion", "行政强制", r"行\s*政\s*强\s*制", _ITEMS_2019),
    ProactiveRow(
        "fees", "行政事业性收费", r"行\s*政\s*事\s*业\s*性\s*收\s*费", (("prev_items", "上一年项目数量", "count"), ("change", "本年增/减", "signed"))
    ),
    ProactiveRow(
        "procurement",
        "政府集中采购",
        r"政\s*府\s*集\s*中\s*采\s*购",
        (("items", "采购项目数量", "count"), ("amount", "采购总金额（万元）", "amount")),
    ),
)

#: Column headers of the 2019 (五)(六)(八) blocks, in the words a table may use; a
#: header naming "2019年项目数量" (the year's own count, which the statutory format
#: does not have) maps to no canonical column.
ITEMS_HEADER_2019: tuple[tuple[str | None, re.Pattern[str]], ...] = (
    ("prev_items", re.compile(r"上\s*一\s*年\s*(?:度\s*)?项\s*目\s*数\s*量")),
    ("change", re.compile(r"(?:本\s*年\s*)?增\s*[/／、]?\s*减")),
    ("decisions", re.compile(r"处\s*理\s*决\s*定\s*数\s*量")),
    (None, re.compile(r"(?<!上一)(?:\d{4}\s*年\s*(?:度\s*)?|本\s*年\s*(?:度\s*)?)项\s*目\s*数\s*量")),
)
INFO_HEADER = re.compile(r"信\s*息\s*内\s*容")

# Column headers that tell the two 表二 formats apart.
PROACTIVE_2019_MARKS = re.compile(r"本\s*年\s*新\s*制\s*作\s*数\s*量|上\s*一\s*年\s*项\s*目\s*数\s*量|采\s*购\s*项\s*目\s*数\s*量")

# --------------------------------------------------------------------------- regexes


def spaced(text: str) -> str:
    """A regex matching ``text`` with optional whitespace between any two characters."""
    return r"\s*".join(re.escape(ch) for ch in text if not ch.isspace())


def _num(n: int) -> str:
    # the row numbering "2." / "2、" / "（2）" glued before a label; the digit is
    # known, so "00000002.其他法律" splits as seven zeros + "2."
    return rf"(?:[（(]?\s*{n}\s*[.、．)）]\s*)?"


def _grp(cn: str) -> str:
    return rf"(?:[（(]\s*{cn}\s*[)）]\s*)?"


#: 表三 row label regexes, keyed by canonical row key. Each is short and
#: distinctive; the rest of a long label (PDFs wrap it around the numbers) is
#: treated as debris between cells.
# "本年新收" and "本年度新收" (some 2019 tables), "上年结转" and "上年度结转"
_NEW_CORE = r"本\s*年\s*(?:度\s*)?新\s*收" + r"\s*(?:政\s*府\s*信\s*息\s*公\s*开\s*)?" + spaced("申请数量")
REQUEST_ROW_PATTERNS: dict[str, str] = {
    "new": r"(?:一\s*[、.]\s*)?" + _NEW_CORE,
    "carried_over": r"(?:二\s*[、.]\s*)?" + r"上\s*年\s*(?:度\s*)?结\s*转" + r"\s*(?:政\s*府\s*信\s*息\s*公\s*开\s*)?" + spaced("申请数量"),
    "granted": _grp("一") + r"(?<!不)" + spaced("予以公开"),
    "partial": _grp("二") + spaced("部分公开"),
    "denied_state_secret": _num(1) + r"(?:属\s*于\s*)?" + spaced("国家秘密"),
    "denied_law_prohibited": _num(2) + spaced("其他法律行政") + r"\s*(?:法\s*规\s*)?(?:禁\s*)?" + spaced("止公开"),
    "denied_three_safety": _num(3) + spaced("危及") + r"\s*[“\"”]?\s*" + spaced("三安全一稳定") + r"\s*[”\"]?",
    "denied_third_party": _num(4) + spaced("保护第三方合法权益"),
    "denied_internal_affairs": _num(5) + r"(?:属\s*于\s*)?" + spaced("三类内部事务"),
    "denied_process_info": _num(6) + r"(?:属\s*于\s*)?" + spaced("四类过程性信息"),
    "denied_enforcement_file": _num(7) + r"(?:属\s*于\s*)?" + spaced("行政执法案卷"),
    "denied_inquiry": _num(8) + r"(?:属\s*于\s*)?" + spaced("行政查询事项"),
    "unable_not_held": _num(1) + spaced("本机关不掌握"),
    "unable_needs_creation": _num(2) + spaced("没有现成信息"),
    "unable_unclear": _num(3) + spaced("补正后申请内容仍不明确"),
    "rejected_petition": _num(1) + spaced("信访举报投诉类申请"),
    "rejected_duplicate": _num(2) + spaced("重复申请"),
    "rejected_publication": _num(3) + spaced("要求提供公开出版物"),
    "rejected_excessive": _num(4) + spaced("无正当理由大量反复") + r"\s*" + spaced("申请"),
    "rejected_confirmation": _num(5) + spaced("要求行政机关确认"),
    "other_no_correction": _num(1) + r"(?:申\s*请\s*人\s*)?(?:无\s*正\s*当\s*理\s*由\s*)?" + spaced("逾期不补正"),
    "other_unpaid_fee": _num(2) + r"(?:申\s*请\s*人\s*)?" + spaced("逾期未按收费"),
    "other_misc": _num(3) + spaced("其他") + r"(?!\s*处\s*理)",
    "other": _grp("六") + spaced("其他处理"),
    "total": _grp("七") + spaced("总计"),
    "carried_forward": r"(?:四\s*[、.]\s*)?" + spaced("结转下年度") + r"(?:\s*继\s*续\s*办\s*理)?",
}
# Where the long official label ends (so "（区分处理的，只计这一情形，不计其他情形）" and
# "、行政机关不再处理其政府信息公开申请" are not read as cells).
REQUEST_LABEL_TAILS: dict[str, str] = {
    "partial": r"\s*[（(][^）)]{0,30}[)）]",
    "denied_law_prohibited": "",
    "other_no_correction": r"[^\d]{0,30}?" + spaced("公开申请"),
    "other_unpaid_fee": r"[^\d]{0,40}?" + spaced("公开申请"),
    "rejected_confirmation": r"[^\d]{0,20}?" + spaced("已获取信息"),
    "unable_needs_creation": r"\s*(?:需\s*要\s*另\s*行\s*制\s*作)?",
    "denied_internal_affairs": r"\s*(?:信\s*息)?",
    "unable_not_held": r"\s*(?:相\s*关\s*政\s*府\s*信\s*息)?",
}

#: 表四 header words; the 15 numbers follow the last of them.
REVIEW_HEADER_START = re.compile(spaced("行政复议") + r"[^\d]{0,12}?" + spaced("行政诉讼") + "|" + spaced("行政复议") + r"[\s|]*" + spaced("结果维持"))
REVIEW_TOTAL = re.compile(r"总\s*计")

#: 表三 region start (the first row label, with its full wording to avoid prose).
REQUESTS_START = re.compile(REQUEST_ROW_PATTERNS["new"])
#: The same without its optional "一、": it starts with a literal, which the regex
#: engine finds quickly (see scorer.tables.parse._requests_start).
REQUESTS_START_CORE = re.compile(_NEW_CORE)
#: 表二 anchors: "第二十条第（一）项" or its column header.
PROACTIVE_START = re.compile(
    r"第\s*二\s*十\s*条\s*第?\s*[（(]\s*一\s*[)）]\s*项|信\s*息\s*内\s*容\s*[|\t ]*(?:本\s*年\s*制\s*发\s*件\s*数|本\s*年\s*新\s*制\s*作\s*数\s*量)"
)
SECTION_REQUESTS = re.compile(spaced("收到和处理政府信息公开申请"))


def proactive_labels() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """表二's row labels by key, and column labels by (row, column), over both formats."""
    rows: dict[str, str] = {}
    cols: dict[tuple[str, str], str] = {}
    for d in PROACTIVE_ROWS_2021 + PROACTIVE_ROWS_2019:
        rows.setdefault(d.key, d.label)
        for k, label, _ in d.columns:
            cols.setdefault((d.key, k), label)
    return rows, cols


def row_label(table: str, row: str) -> str | None:
    """The printed label of a canonical row of 表二/表三/表四; None for an unknown key."""
    if table == "requests":
        return REQUEST_ROW_LABELS.get(row)
    if table == "review_litigation":
        return REVIEW_GROUP_LABELS.get(row)
    return proactive_labels()[0].get(row)


def column_label(table: str, column: str) -> str | None:
    """The printed label of a canonical column; None for an unknown key."""
    if table == "requests":
        return REQUEST_COLUMN_LABELS.get(column)
    if table == "review_litigation":
        return REVIEW_COLUMN_LABELS.get(column)
    return next((label for (_, k), label in proactive_labels()[1].items() if k == column), None)
