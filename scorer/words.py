"""The words people read: every Chinese label, name, number format and location
phrase that more than one output uses, in one place.

Keys stay English in code and JSON (domain.md's canonical keys are a contract);
what a memo, a sheet, ``xxgk check`` or ``xxgk inspect`` shows comes from here. A
rule's title and advice live with the rule (:mod:`scorer.rules`).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = [
    "SECTION_TITLES",
    "TABLE_NAMES",
    "TABLE_TITLES",
    "VERDICT_LABELS",
    "NOT_ASSESSABLE_HEADING",
    "SEVERITY_LABELS",
    "SOURCE_LABELS",
    "KIND_NAMES",
    "FORMAT_VERSION_LABELS",
    "DOCUMENT_FIELD_LABELS",
    "MEMO_LABELS",
    "EVALUATOR_HEADER",
    "RECTIFY_HEADER",
    "RECTIFY_DEADLINE",
    "SHEET_NAMES",
    "MEMO_LINK_LABELS",
    "WHERE_WORDS",
    "number",
    "number_or_dash",
    "table_name",
    "page_words",
    "line_words",
    "paragraph_words",
    "sentence_words",
]

#: The six statutory sections (domain.md §2) by canonical key.
SECTION_TITLES: dict[str, str] = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

#: The statutory tables by canonical key: the short name …
TABLE_NAMES: dict[str, str] = {"proactive": "表二", "requests": "表三", "review_litigation": "表四"}
#: … and the name with its subject, for locations in memos.
TABLE_TITLES: dict[str, str] = {
    "proactive": "表二（主动公开）",
    "requests": "表三（依申请公开）",
    "review_litigation": "表四（复议诉讼）",
}

VERDICT_LABELS: dict[str, str] = {
    "met": "达标",
    "partial": "部分达标",
    "not_met": "未达标",
    "not_assessable": "未核对",
}

SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "提醒", "info": "待核对"}

#: Heading of the list of criteria that were not checked (out of the denominator).
NOT_ASSESSABLE_HEADING = "未核对、不计入分母的指标"

#: Where a metadata value came from (keys as set by the loader and the pipeline).
SOURCE_LABELS: dict[str, str] = {
    "flag": "命令行参数", "manifest": "清单", "header": "网页页头", "title": "标题",
    "page": "页面日期", "url": "网址", "signature": "落款", "text": "正文", "filename": "文件名",
    "form": "网页表单",
}

#: Document kinds (:data:`scorer.model.DOCUMENT_KINDS`) and what each is, for people.
KIND_NAMES: dict[str, str] = {
    "report": "年度报告",
    "yaodian": "政务公开工作要点",
    "plan": "工作计划或实施方案",
    "self_check": "政务公开自查报告或要点落实情况",
    "work_summary": "工作总结",
    "gov_work_report": "政府工作报告",
    "rules": "制度或办法的条文",
    "budget": "部门预算或决算公开文件",
    "memo": "本工具生成的评估意见、汇总或评分表",
    "skeleton": "只有章节标题、没有法定表格和实际内容的样稿或占位稿",
    "fragment": "年度报告的片段，只有部分表格、没有完整章节",
    "stub": "只有标题、没有正文的网页存根，正文可能在附件中",
    "old_format": "2019年条例修订前的旧格式年度报告，不在评分范围内",
    "other": "其他文件",
}

FORMAT_VERSION_LABELS: dict[str, str] = {
    "2021": "2021年版（国办公开办函〔2021〕30号）",
    "2019": "2019年版（国办公开办函〔2019〕60号）",
}

#: Places named in findings that are neither a section, a table nor a cell.
WHERE_WORDS: dict[str, str] = {"text": "正文", "outline": "报告提纲"}

#: Document fields named in findings (``Finding.where`` of ``document.*``).
DOCUMENT_FIELD_LABELS: dict[str, str] = {"document.published_on": "发布日期", "document.report_year": "报告年度"}

#: Headings and labels of the memos that the summary card and the tables add.
MEMO_LABELS: dict[str, str] = {
    "card": "评估结论",
    "total": "总分",
    "grade": "等级",
    "main_problems": "主要问题",
    "no_problems": "未发现扣分项。",
    "source": "来源",
    "tables": "年报表格（标出问题所在单元格）",
    "table_not_found": "未读出该表。",
    "cell_unread": "未读出",
    "marked": "标记",
    "lost": "失",
    "sign_evaluator": "评估人（签字）：",
    "sign_date": "日期：",
    "page": "第{page}页，共{pages}页",
    "memo_links": "评估意见",
    "yoy": "较上年",
    "override": "人工改判",
    "engine_verdict": "引擎结论",
}

#: The evaluators' score sheet layout (one per agency in the workbook).
EVALUATOR_HEADER: tuple[str, ...] = ("指标", "分值", "评分说明", "自评分", "得分", "附件或链接")

#: The 整改清单 sheet: what to fix, on what basis, by when, by whom (left for the evaluator).
RECTIFY_HEADER: tuple[str, ...] = ("机构", "年度", "问题", "要求/依据", "建议整改期限", "责任单位")
#: A fixed rule, not a date computed from today: outputs stay deterministic.
RECTIFY_DEADLINE = "下一年度报告发布前"

#: Fixed worksheet names of the batch workbook.
SHEET_NAMES: dict[str, str] = {
    "scores": "得分表", "findings": "问题清单", "rectify": "整改清单",
    "criteria": "指标与分值", "failures": "未能评分",
}

#: How the summary page names each memo file it links to, by extension.
MEMO_LINK_LABELS: dict[str, str] = {".html": "网页版", ".docx": "Word版", ".md": "Markdown版"}


def number(x: float | int | Decimal) -> str:
    """A count, weight or point value as people write it: no useless ``.0``, no
    exponent (6 → "6", 2.5 → "2.5", 0.125 → "0.125")."""
    d = x if isinstance(x, Decimal) else Decimal(str(x))
    return format(d.normalize(), "f")


def number_or_dash(x: Any) -> str:
    """A value in a memo's table: "—" for unknown, a float to at most two decimals
    without trailing zeros, anything else as text."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:g}" if x == int(x) else f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def table_name(key: str) -> str:
    """表二 / 表三 / 表四 for a canonical table key; other keys unchanged."""
    return TABLE_NAMES.get(key, key)


def page_words(page: int) -> str:
    return f"第{page}页"


def line_words(line: int) -> str:
    return f"第{line}行"


def paragraph_words(paragraph: int) -> str:
    return f"第{paragraph}段"


def sentence_words(start: int, text: str) -> str:
    """A place in a one-line crawler dump, named by the words its sentence starts
    with (a reader searches for them; a character count means nothing to a person)."""
    head = " ".join(text[start:start + 16].split())
    return f"以“{head}…”开头的句子处" if head else "本节开头处"
