"""The shape of a criteria file as plain data (no pandas), and a pre-check of the
finished criteria table.

:mod:`scorer.criteria.schema` holds the pandera contract (:class:`CriteriaTable`),
the only source of the messages about a bad table. Importing pandas and pandera
costs most of a second of the CLI's start, and shipped sets always pass, so the
loader first runs :func:`quick_pass` (the same conditions in plain Python) and
builds the table for pandera only when it fails. Tests check that the two agree
on every shipped set and every broken fixture.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scorer.model import SCORING_KINDS, SECTION_KEYS
from scorer.rules import RULES

CORE_IDS: tuple[str, ...] = (
    "policy_interpretation",
    "interpretation_sync",
    "interpretation_forms",
    "open_day",
    "public_attendance",
    "decision_consultation",
    "responding_concerns",
    "training",
    "leadership_review",
    "request_to_proactive",
    "press_conference",
    "new_media",
    "fee_statement",
    "prior_rectification",
    "yaodian_implementation",
    "timely_publication",
)

#: What the evidence classifier can predict: every core criterion judged from text
#: (timeliness is judged from the publication date, not from sentences).
CLASSIFIER_LABELS: tuple[str, ...] = tuple(c for c in CORE_IDS if c != "timely_publication")

#: ``frequency`` values and how many times a year each means (-> default min_count).
FREQUENCIES: dict[str, int] = {
    "weekly": 52,
    "monthly": 12,
    "quarterly": 4,
    "half_yearly": 2,
    "yearly": 1,
}

#: Every set must add up to this, like an evaluator's 分值 column.
TOTAL_WEIGHT = 100.0
TOTAL_TOLERANCE = 0.01

#: Top-level keys: name -> (kind, description). Kinds are checked in loader.py.
SET_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("set_id", "set id, lower-case ASCII words joined by '-' (e.g. qingpu-lvrong-2022)"),
    "title": ("text", "title of the set, usually the 要点's title"),
    "source": ("text", "the document the set was drawn from (path or URL)"),
    "extends": ("text", "parent set: a shipped name (core) or a path relative to this file"),
    "parent_weight": ("number", "rescale the inherited weights to this total before overrides"),
    "drop": ("id_list", "ids of inherited criteria to remove"),
    "report_year": ("year", "the report year the set applies to"),
    "deadline": ("date", "publication deadline YYYY-MM-DD (overrides the statutory default)"),
    "jurisdiction": ("str_list", "places the set applies to, e.g. [平潭综合实验区]; a report whose agency "
                     "names none of them is refused unless --any-place"),
    "table_formats": ("year_map", "statutory table format by report year, the format from that year on, "
                      "e.g. {2019: '2019', 2021: '2021'}"),
    "deadlines": ("deadline_map", "statutory deadlines as MM-DD in the year after the report year: "
                  "{department: '01-31', whole_government: '03-31'}"),
    "repeat_threshold": ("number", "similarity to last year's section (0-1) above which Q-repeat warns; default 0.9"),
    "note": ("text", "free text for people; not used for scoring"),
    "criteria": ("list", "the criteria (new items, or overrides of inherited ones by id)"),
}

#: Criterion keys: name -> (kind, description). Each maps onto a field of
#: scorer.model.Criterion of the same name, except ``frequency`` (sets the default
#: ``min_count``) and ``note`` (for people only).
CRITERION_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("criterion_id", "criterion id, lower-case ASCII words joined by '_'"),
    "title": ("text", "short Chinese title shown in memos and score sheets"),
    "clause": ("text", "the 要点 / plan wording it comes from, verbatim"),
    "category": ("text", "group shown in score sheets (e.g. 公众参与)"),
    "weight": ("number", "points of the criterion; a set sums to 100"),
    "scoring": ("text", "presence | count | rule | timeliness"),
    "keywords": ("str_list", "words the 要点 uses; a sentence must contain one to be evidence"),
    "synonyms": ("str_list", "other phrasings reports use for the same thing"),
    "exclude": ("str_list", "words that disqualify a sentence (e.g. 技能培训 for training)"),
    "context": ("str_list", "words of which one must also stand in the sentence (e.g. 解读 beside 视频); "
                            "{year-1} is the year before the report year (2020年 in a 2021 report)"),
    "min_count": ("int", "minimum number of times (不少于N次); implies scoring count"),
    "frequency": ("text", "weekly | monthly | quarterly | half_yearly | yearly (每月一次 …)"),
    "months": ("month_list", "months the activity is due in (8 for 8月政府开放月)"),
    "within_days": ("int", "deadline in working days (N个工作日内)"),
    "sections": ("str_list", "report sections where evidence must be (domain.md §2 keys)"),
    "classifier_label": ("text", "core criterion id the evidence classifier predicts for it"),
    "rules": ("str_list", "finding ids (domain.md §6) that cost points (scoring rule)"),
    "deduction": ("number", "fraction of the weight lost per finding (rule), in (0, 1]"),
    "checkable": ("bool", "false: cannot be judged from a report (a website feature …)"),
    "partial_credit": ("number", "credit when only partly met, in [0, 1]"),
    "note": ("text", "free text for people (deadline wording, who it applies to …)"),
}

TEXT_SCORING = ("presence", "count")



@dataclass(frozen=True)
class Problem:
    """One validation failure, located. ``line`` is 1-based."""

    path: str | None
    line: int | None
    field: str | None
    message: str


def format_value(value: Any) -> str:
    """A value as the messages show it: numbers bare, text quoted, lists in brackets."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return str(value)



_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def quick_pass(rows: list[dict[str, Any]]) -> bool:
    """True when the criteria (the finished ``values`` of each row) certainly
    satisfy :class:`scorer.criteria.schema.CriteriaTable`."""
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        return False
    total = 0.0
    for r in rows:
        ok_int = lambda x: x is None or (isinstance(x, int) and not isinstance(x, bool) and x >= 1)  # noqa: E731
        weight, scoring = r["weight"], r["scoring"]
        n_rules = len(r["rules"])
        checks = (
            isinstance(r["id"], str) and bool(_ID.match(r["id"])),
            isinstance(r["title"], str) and len(r["title"]) >= 1,
            isinstance(weight, (int, float)) and not isinstance(weight, bool) and 0 < weight <= 100,
            scoring in SCORING_KINDS,
            ok_int(r.get("min_count")),
            ok_int(r.get("within_days")),
            all(isinstance(m, int) and 1 <= m <= 12 for m in r["months"]),
            all(x in SECTION_KEYS for x in r["sections"]),
            all(x in RULES for x in r["rules"]),
            r.get("classifier_label") is None or r.get("classifier_label") in CLASSIFIER_LABELS,
            isinstance(r["deduction"], (int, float)) and 0 < r["deduction"] <= 1,
            isinstance(r["partial_credit"], (int, float)) and 0 <= r["partial_credit"] <= 1,
            isinstance(r["checkable"], bool),
            not (scoring in TEXT_SCORING and r["checkable"]) or len(r["keywords"]) + len(r["synonyms"]) > 0,
            scoring != "count" or r.get("min_count") is not None,
            r.get("min_count") is None or scoring == "count",
            scoring != "rule" or n_rules > 0,
            scoring in ("rule", "timeliness") or n_rules == 0,
        )
        if not all(checks):
            return False
        total += float(weight)
    return abs(total - TOTAL_WEIGHT) <= TOTAL_TOLERANCE
