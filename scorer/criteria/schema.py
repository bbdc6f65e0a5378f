"""The shape of a criteria file, declared as data, and the pandera contract of the
criteria table.

Two layers, as in pandera itself (schema vs data): :data:`SET_FIELDS` and
:data:`CRITERION_FIELDS` say which keys exist and what type each holds (checked while
reading, in ``loader.py``); :class:`CriteriaTable` says what values a whole set must
satisfy once ``extends`` is resolved (ids unique, weights in range and summing to 100,
known scoring kinds and rule ids, …). Every failure becomes a :class:`Problem` with
the file, line and field, worded from :data:`MESSAGES`:
``指标“open_day”的“weight”必须是(0, 100]之间的数，实际为-3``
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from scorer.criteria.fields import (  # noqa: F401  (re-exported)
    TEXT_SCORING,
    TOTAL_TOLERANCE,
    CLASSIFIER_LABELS,
    CORE_IDS,
    CRITERION_FIELDS,
    FREQUENCIES,
    SET_FIELDS,
    TOTAL_WEIGHT,
    Problem,
    format_value,
)
from scorer.errors import shown
from scorer.model import SCORING_KINDS, SECTION_KEYS
from scorer.rules import RULES

__all__ = [
    "CORE_IDS",
    "CLASSIFIER_LABELS",
    "FREQUENCIES",
    "SET_FIELDS",
    "CRITERION_FIELDS",
    "TOTAL_WEIGHT",
    "CriteriaTable",
    "Problem",
    "table_problems",
    "format_value",
]

#: The 16 core criteria of domain.md §7, in the order of that table (a contract).
#: What each column must be, for the message template.
_REQUIREMENTS: dict[str, str] = {
    "id": "由小写英文字母、数字和“_”组成的标识（如open_day）",
    "title": "非空文本",
    "weight": "(0, 100]之间的数",
    "scoring": "以下之一：" + "、".join(SCORING_KINDS),
    "min_count": "正整数",
    "within_days": "正整数",
    "months": "1到12之间的月份",
    "sections": "domain.md §2的章节键（" + "、".join(SECTION_KEYS) + "）",
    "rules": "domain.md §6的规则编号（" + "、".join(RULES) + "）",
    "classifier_label": "核心指标id（" + "、".join(CLASSIFIER_LABELS) + "）",
    "deduction": "(0, 1]之间的数",
    "partial_credit": "[0, 1]之间的数",
}

#: Every message of the table contract: what is wrong, then what to do.
MESSAGES: dict[str, str] = {
    "weights_total": "指标体系“{set_id}”的权重合计为{total}，必须合计为{target}"
                     "（请调整权重、删除指标，或用parent_weight按比例缩放继承的权重）",
    "duplicate_id": "指标id“{cid}”重复（首次在第{first}行），请改为不同的id",
    "keywords_required": "指标“{cid}”是{scoring}类指标，“keywords”不能为空（证据检索需要关键词），"
                         "请添加关键词或设置checkable: false",
    "count_needs_min": "指标“{cid}”的scoring为count时必须给出“min_count”",
    "min_needs_count": "指标“{cid}”的“min_count”只在scoring为count时使用，实际scoring为“{scoring}”，"
                       "请删除min_count或改为count",
    "rule_needs_rules": "指标“{cid}”的scoring为rule时，“rules”必须至少列出一个规则编号",
    "rules_need_rule": "指标“{cid}”的“rules”只在scoring为rule或timeliness时适用，实际scoring为“{scoring}”",
    "field": "{owner}“{field}”必须是{requirement}，实际为{got}",
}


class CriteriaTable(pa.DataFrameModel):
    """One row per criterion of a resolved set (after ``extends``)."""

    id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z][a-z0-9_]*$")
    title: Series[str] = pa.Field(str_length={"min_value": 1})
    weight: Series[float] = pa.Field(gt=0, le=100)
    scoring: Series[str] = pa.Field(isin=list(SCORING_KINDS))
    min_count: Series[pd.Int64Dtype] = pa.Field(ge=1, nullable=True)
    within_days: Series[pd.Int64Dtype] = pa.Field(ge=1, nullable=True)
    months: Series[object]
    sections: Series[object]
    rules: Series[object]
    classifier_label: Series[object] = pa.Field(nullable=True)
    deduction: Series[float] = pa.Field(gt=0, le=1)
    partial_credit: Series[float] = pa.Field(ge=0, le=1)
    n_keywords: Series[int] = pa.Field(ge=0)
    checkable: Series[bool]

    class Config:
        strict = True
        coerce = False

    @pa.check("months", name="months", element_wise=True)
    def _months_in_range(cls, months: tuple) -> bool:
        """Months are 1–12."""
        return all(1 <= m <= 12 for m in months)

    @pa.check("sections", name="sections", element_wise=True)
    def _known_sections(cls, sections: tuple) -> bool:
        """Sections are canonical section keys."""
        return all(s in SECTION_KEYS for s in sections)

    @pa.check("rules", name="rules", element_wise=True)
    def _known_rules(cls, rules: tuple) -> bool:
        """Rule ids are those of domain.md §6."""
        return all(r in RULES for r in rules)

    @pa.check("classifier_label", name="classifier_label", element_wise=True)
    def _known_label(cls, label: Any) -> bool:
        """The classifier only knows the core criteria."""
        return label is None or label in CLASSIFIER_LABELS

    @pa.dataframe_check(name="keywords-required")
    def _text_criteria_have_keywords(cls, df: pd.DataFrame) -> Series[bool]:
        """A checkable presence/count criterion needs words to search for."""
        return ~(df["scoring"].isin(TEXT_SCORING) & df["checkable"]) | (df["n_keywords"] > 0)

    @pa.dataframe_check(name="count-needs-min_count")
    def _count_has_minimum(cls, df: pd.DataFrame) -> Series[bool]:
        """Scoring ``count`` compares against ``min_count``."""
        return (df["scoring"] != "count") | df["min_count"].notna()

    @pa.dataframe_check(name="min_count-needs-count")
    def _minimum_only_for_count(cls, df: pd.DataFrame) -> Series[bool]:
        """``min_count`` means nothing to the other scoring kinds."""
        return df["min_count"].isna() | (df["scoring"] == "count")

    @pa.dataframe_check(name="rule-needs-rules")
    def _rule_has_rules(cls, df: pd.DataFrame) -> Series[bool]:
        """Scoring ``rule`` deducts for findings of the listed rules."""
        return (df["scoring"] != "rule") | (df["rules"].map(len) > 0)

    @pa.dataframe_check(name="rules-need-rule-scoring")
    def _rules_only_for_rule(cls, df: pd.DataFrame) -> Series[bool]:
        """Only rule and timeliness criteria are scored from findings."""
        return df["scoring"].isin(["rule", "timeliness"]) | (df["rules"].map(len) == 0)

    @pa.dataframe_check(name="weights-total")
    def _weights_total(cls, df: pd.DataFrame) -> bool:
        """Weights sum to 100, like the 分值 column of a score sheet."""
        return abs(float(df["weight"].sum()) - TOTAL_WEIGHT) <= TOTAL_TOLERANCE


def _offending(column: str, value: Any) -> Any:
    """For list columns, only the entries at fault."""
    if column == "months":
        return [m for m in value if not 1 <= m <= 12]
    if column == "sections":
        return [s for s in value if s not in SECTION_KEYS]
    if column == "rules":
        return [r for r in value if r not in RULES]
    return value


def table_problems(
    table: pd.DataFrame,
    rows: list[Any],
    *,
    set_id: str,
    set_path: str | None,
    set_line: int | None,
) -> list[Problem]:
    """Validate a criteria table and word each failure.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per criterion, columns of :class:`CriteriaTable`, default RangeIndex.
    rows : list
        The rows the table was built from, same order; each has ``where(field) ->
        (path, line)``.
    set_id, set_path, set_line : str, str or None, int or None
        Where set-level problems (the weight total) are reported.

    Returns
    -------
    list of Problem
        Empty when the table satisfies the contract; else in file/line order.
    """
    try:
        CriteriaTable.validate(table, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    problems: dict[tuple, Problem] = {}
    for case in cases.itertuples(index=False):
        check = str(case.check)
        column = case.column
        index = case.index
        if check == "weights-total":
            total = float(table["weight"].sum())
            key = ("set", check)
            problems[key] = Problem(set_path, set_line, "weight", MESSAGES["weights_total"].format(
                set_id=set_id, total=shown(round(total, 4)), target=shown(TOTAL_WEIGHT)))
            continue
        if index is None or pd.isna(index):
            continue
        i = int(index)
        row = rows[i]
        cid = table.at[i, "id"]
        key = (i, check)
        if key in problems:
            continue  # a dataframe check reports every column of the row
        if check == "field_uniqueness":
            earlier = [j for j in range(i) if table.at[j, "id"] == cid]
            if not earlier:
                continue  # the first occurrence is fine; the repeat is the problem
            first = earlier[0]
            path, line = row.where("id")
            problems[key] = Problem(path, line, "id", MESSAGES["duplicate_id"].format(
                cid=cid, first=rows[first].where("id")[1]))
            continue
        scoring = table.at[i, "scoring"]
        if check == "keywords-required":
            field, message = "keywords", MESSAGES["keywords_required"].format(cid=cid, scoring=scoring)
        elif check == "count-needs-min_count":
            field, message = "min_count", MESSAGES["count_needs_min"].format(cid=cid)
        elif check == "min_count-needs-count":
            field, message = "min_count", MESSAGES["min_needs_count"].format(cid=cid, scoring=scoring)
        elif check == "rule-needs-rules":
            field, message = "rules", MESSAGES["rule_needs_rules"].format(cid=cid)
        elif check == "rules-need-rule-scoring":
            field, message = "rules", MESSAGES["rules_need_rule"].format(cid=cid, scoring=scoring)
        else:
            field = str(column)
            value = _offending(field, table.at[i, field])
            owner = "" if field == "id" else f"指标“{str(cid)[:60]}”的"
            message = MESSAGES["field"].format(owner=owner, field=field,
                                               requirement=_REQUIREMENTS.get(field, "有效值"), got=shown(value))
        path, line = row.where(field)
        problems[key] = Problem(path, line, field, message)
    # Item problems first (a wrong total is often their consequence), then in file order.
    return sorted(
        problems.values(),
        key=lambda p: (
            p.field == "weight" and p.path == set_path and p.line == set_line and "权重合计" in p.message,
            p.path != set_path, p.path or "", p.line or 0, p.field or "",
        ),
    )
