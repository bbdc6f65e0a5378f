"""The rule registry: every finding id of domain.md §6, declared once.

Each :class:`Rule` says how severe a breach is, what kind of check it is, its
Chinese title, which statutory table it reads, whether it needs last year's report,
and what the agency should do about it. The pandera schemas, the pre-check, the
scorer, the memo, the sheets, ``xxgk tables`` and ``xxgk check`` all read it here;
nothing else spells a rule's title, severity or advice.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

__all__ = ["Rule", "RULES", "rule", "rule_title", "PRIOR_REPORT_RULES", "SEVERITIES"]

#: Severities, most serious first: ``error`` costs points, ``warning`` is a defect
#: worth fixing, ``info`` is the engine's own reading doubt (待核对), never charged.
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One checkable defect of an annual report.

    Attributes
    ----------
    id : str
        The finding id (domain.md §6), e.g. ``"T3-identity"``.
    severity : str
        Default severity of a finding (one of :data:`SEVERITIES`).
    category : str
        ``table``, ``structure``, ``consistency`` or ``timeliness``.
    title : str
        Chinese name shown to people.
    table : str or None
        The canonical table the rule reads (``proactive``, ``requests``,
        ``review_litigation``); when that table is absent the rule cannot run.
    needs_prior : bool
        True when the rule compares with last year's report.
    needs_year : bool
        True when the rule can only run once the report year is known.
    advice : str
        What the agency should do, in Chinese.
    """

    id: str
    severity: str
    category: str
    title: str
    table: str | None
    needs_prior: bool
    advice: str
    needs_year: bool = False


_RULES: tuple[Rule, ...] = (
    Rule("T3-identity", "error", "table", "表三勾稽关系：新收+上年结转=办理总计+结转下年", "requests", False,
         "核对表三：各列“本年新收”+“上年结转”应等于“办理结果总计”+“结转下年度继续办理”。"),
    Rule("T3-results-sum", "error", "table", "表三办理结果合计与总计不符", "requests", False,
         "核对表三：各项办理结果（予以公开……其他处理）之和应等于“总计”。"),
    Rule("T3-row-sum", "error", "table", "表三各申请人类别之和与总计不符", "requests", False,
         "核对表三：自然人、法人或其他组织各列之和应等于“总计”列。"),
    Rule("T4-sum", "error", "table", "表四结果之和与总计不符", "review_litigation", False,
         "核对表四：每组“结果维持+结果纠正+其他结果+尚未审结”应等于“总计”。"),
    Rule("T-cell", "error", "table", "表格单元格无法读取或取值不当", None, False,
         "表格每个单元格都应填写数字（没有的填0），不要留空或填“/”“-”。"),
    Rule("T2-in-force", "warning", "table", "表二现行有效件数与上年不衔接", "proactive", True,
         "核对表二：现行有效件数应等于上年现行有效件数+本年制发−本年废止。"),
    Rule("T3-carry-chain", "error", "table", "表三上年结转与上年度报告结转下年不符", "requests", True,
         "表三“上年结转”应等于上年度报告的“结转下年度继续办理”。"),
    Rule("S-section-missing", "error", "structure", "缺少法定章节", None, False,
         "按国办公开办函〔2021〕30号格式补齐全部六个部分。"),
    Rule("S-table-missing", "error", "structure", "缺少法定表格或表格不完整", None, False,
         "补齐完整的法定表格（表二、表三、表四），不要遗漏行或列。"),
    Rule("S-outline", "warning", "structure", "报告提纲（章节编号、标题）不规范", None, False,
         "按国办公开办函〔2021〕30号格式，用“一、”至“六、”依次编号六个法定部分并使用规定标题；"
         "总体情况下的分项用“（一）”“（二）”编号，不要编成一级标题。"),
    Rule("S-format-outdated", "warning", "structure", "使用了过时的年报格式", None, False,
         "改用国办公开办函〔2021〕30号规定的2021年版表格。", needs_year=True),
    Rule("X-text-table", "error", "consistency", "正文数字与表格不一致", None, False,
         "使正文中的数字与表格中的数字一致。"),
    Rule("Y-year", "warning", "consistency", "正文出现错误的报告年度", None, False,
         "检查正文中的年份，统一为本报告年度。", needs_year=True),
    Rule("P-late", "error", "timeliness", "逾期发布", None, False,
         "在法定期限前发布年度报告。"),
    Rule("Q-repeat", "warning", "consistency", "内容与上年度报告高度雷同", None, True,
         "结合本年度实际工作撰写，避免照搬上年度报告。"),
)

#: rule id -> :class:`Rule`, in the order of domain.md §6.
RULES: Mapping[str, Rule] = MappingProxyType({r.id: r for r in _RULES})

#: Rules that compare with last year's report.
PRIOR_REPORT_RULES: frozenset[str] = frozenset(r.id for r in _RULES if r.needs_prior)


def rule(rule_id: str) -> Rule:
    """The registry entry of ``rule_id``.

    Raises
    ------
    ValueError
        For an id that is not in the registry.
    """
    try:
        return RULES[rule_id]
    except KeyError:
        raise ValueError(f"unknown rule id {rule_id!r}; known: {', '.join(RULES)}") from None


def rule_title(rule_id: str) -> str:
    """The Chinese title of a rule; an unknown id is shown as itself."""
    r = RULES.get(rule_id)
    return r.title if r is not None else rule_id
