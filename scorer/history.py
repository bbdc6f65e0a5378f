"""Year-over-year checks: a report against the same agency's report of the year before.

- **T3-carry-chain**: 表三 “上年结转” of year *t* equals “结转下年度继续办理” of year
  *t−1*, column by column, compared only where both cells were read with certainty
  (an ambiguous or unreadable cell is ``None`` in the tables and is skipped);
- **T2-in-force**: 表二 现行有效件数 of year *t* = 现行有效件数 of *t−1* + 本年制发 −
  本年废止, for 规章 and 行政规范性文件, when both reports use the 2021 format;
- **Q-repeat**: a prose section (总体情况, 存在的主要问题及改进情况, 其他需要报告的事项)
  whose text is at least ``repeat_threshold`` similar to the same section of last
  year (rapidfuzz's normalised Indel similarity).

The previous report reaches the pipeline as :class:`PreviousReport`
(``ScoreOptions.previous``); the batch finds it in the results store
(:mod:`scorer.store`). Agencies are matched across years by :func:`agency_key`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from scorer.model import CriteriaSet, Finding, make_finding
from scorer.tables.labels import REQUEST_COLUMNS
from scorer.words import SECTION_TITLES

__all__ = ["PreviousReport", "agency_key", "history_findings", "PROSE_SECTIONS", "MIN_REPEAT_CHARS",
           "section_similarity", "trend"]

#: Sections written in prose every year (the others are mostly the statutory tables,
#: whose labels repeat by law).
PROSE_SECTIONS: tuple[str, ...] = ("overview", "problems", "other")

#: Shorter sections ("无。") are alike by necessity, not by copying.
MIN_REPEAT_CHARS = 80

_BRACKETS = re.compile(r"[（(【\[〔<《][^）)】\]〕>》]*[）)】\]〕>》]")
_SPACE = re.compile(r"\s+")


def agency_key(name: str | None) -> str | None:
    """The name an agency is matched by across years.

    Width-normalised (NFKC), without whitespace and without bracketed parts
    (``平潭综合实验区社会事业局（全区）`` → ``平潭综合实验区社会事业局``). Nothing else
    is guessed: an agency renamed between years is matched by giving the same
    ``agency_key`` in the manifest.
    """
    if not name:
        return None
    key = _SPACE.sub("", _BRACKETS.sub("", unicodedata.normalize("NFKC", str(name))))
    return key or None


@dataclass(frozen=True)
class PreviousReport:
    """The same agency's report of the year before, as history needs it.

    ``tables`` is the ``tables`` object of its JSON result, ``sections`` maps
    section keys to their text, ``result`` (optional) is its JSON result under the
    same criteria set, for the score trend.
    """

    agency: str | None
    report_year: int | None
    tables: Mapping[str, Any]
    sections: Mapping[str, str]
    source: str | None = None
    format_version: str | None = None
    sha256: str | None = None
    result: Mapping[str, Any] | None = field(default=None, compare=False)


def _cell(tables: Mapping[str, Any] | None, table: str, row: str, col: str) -> Any:
    t = (tables or {}).get(table) or {}
    r = t.get(row) if isinstance(t, Mapping) else None
    return r.get(col) if isinstance(r, Mapping) else None


def _span(cells: Mapping[str, Any], key: str) -> tuple[int, int] | None:
    c = cells.get(key)
    span = getattr(c, "span", None)
    return tuple(span) if span else None  # type: ignore[return-value]


def _num(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def carry_chain(tables: Mapping[str, Any], prev: PreviousReport,
                cells: Mapping[str, Any]) -> tuple[list[Finding], bool]:
    """T3-carry-chain findings and whether any column could be compared."""
    out, compared = [], False
    for col in REQUEST_COLUMNS:
        now = _cell(tables, "requests", "carried_over", col)
        before = _cell(prev.tables, "requests", "carried_forward", col)
        if now is None or before is None:
            continue
        compared = True
        if now != before:
            key = f"requests.carried_over.{col}"
            out.append(make_finding(
                "T3-carry-chain", key,
                f"本年“上年结转”{_num(now)}件，上年度（{prev.report_year}年）报告“结转下年度继续办理”{_num(before)}件",
                span=_span(cells, key), numbers={"carried_over": now, "previous_carried_forward": before},
                cells=(key,)))
    return out, compared


def in_force_chain(tables: Mapping[str, Any], format_version: str | None, prev: PreviousReport,
                   cells: Mapping[str, Any]) -> tuple[list[Finding], bool]:
    """T2-in-force findings and whether any row could be compared (2021 format both years)."""
    if format_version != "2021" or prev.format_version != "2021":
        return [], False
    out, compared = [], False
    for row in ("rules", "normative_docs"):
        before = _cell(prev.tables, "proactive", row, "in_force")
        issued, repealed, now = (_cell(tables, "proactive", row, c) for c in ("issued", "repealed", "in_force"))
        if None in (before, issued, repealed, now):
            continue
        compared = True
        expected = before + issued - repealed
        if now != expected:
            key = f"proactive.{row}.in_force"
            out.append(make_finding(
                "T2-in-force", key,
                f"现行有效{_num(now)}件，应为上年度（{prev.report_year}年）现行有效{_num(before)}件"
                f"+本年制发{_num(issued)}件−本年废止{_num(repealed)}件={_num(expected)}件",
                span=_span(cells, key),
                numbers={"in_force": now, "previous_in_force": before, "issued": issued, "repealed": repealed,
                         "expected": expected},
                cells=(key, f"proactive.{row}.issued", f"proactive.{row}.repealed")))
    return out, compared


def section_similarity(a: str, b: str) -> float:
    """Similarity of two texts in [0, 1] (whitespace ignored)."""
    from rapidfuzz import fuzz

    return fuzz.ratio(_SPACE.sub("", a), _SPACE.sub("", b)) / 100.0


def repeats(sections: Mapping[str, str], spans: Mapping[str, tuple[int, int]], prev: PreviousReport,
            threshold: float) -> tuple[list[Finding], bool]:
    """One Q-repeat finding naming every prose section at least ``threshold`` alike."""
    hits: list[tuple[str, float]] = []
    compared = False
    for key in PROSE_SECTIONS:
        now, before = sections.get(key) or "", prev.sections.get(key) or ""
        if len(_SPACE.sub("", now)) < MIN_REPEAT_CHARS or len(_SPACE.sub("", before)) < MIN_REPEAT_CHARS:
            continue
        compared = True
        sim = section_similarity(now, before)
        if sim >= threshold:
            hits.append((key, sim))
    if not hits:
        return [], compared
    named = "、".join(f"“{SECTION_TITLES.get(k, k)}”（相似度{sim:.0%}）" for k, sim in hits)
    first = hits[0][0]
    return [make_finding(
        "Q-repeat", f"section:{first}",
        f"{named}与上年度（{prev.report_year}年）报告同一部分高度雷同（阈值{threshold:.0%}）",
        span=spans.get(first),
        numbers={**{f"similarity.{k}": round(sim, 4) for k, sim in hits}, "threshold": threshold})], compared


def history_findings(
    *, tables: Mapping[str, Any], format_version: str | None, sections: Mapping[str, str],
    section_spans: Mapping[str, tuple[int, int]], cells: Mapping[str, Any], previous: PreviousReport,
    criteria_set: CriteriaSet,
) -> tuple[list[Finding], frozenset[str]]:
    """Findings of the three year-over-year rules, and the rules that could compare
    something (the others stay 未核对)."""
    found: list[Finding] = []
    ran: set[str] = set()
    for rule, (fs, ok) in (
        ("T3-carry-chain", carry_chain(tables, previous, cells)),
        ("T2-in-force", in_force_chain(tables, format_version, previous, cells)),
        ("Q-repeat", repeats(sections, section_spans, previous, criteria_set.repeat_threshold)),
    ):
        found += fs
        if ok:
            ran.add(rule)
    return found, frozenset(ran)


def trend(current: Mapping[str, Any], previous: PreviousReport, checked: Sequence[str]) -> dict[str, Any]:
    """The ``history`` object of the JSON result: which report was compared, the
    rules that compared, and — when last year was scored with the same criteria
    set — the score change and the criteria whose verdict changed."""
    out: dict[str, Any] = {
        "previous": {"agency": previous.agency, "report_year": previous.report_year, "source": previous.source,
                     "total": None},
        "checked": sorted(checked),
        "total_change": None,
        "changed": [],
    }
    before = previous.result
    if not before or before.get("criteria_set") != current.get("criteria_set"):
        return out
    prev_total = (before.get("score") or {}).get("total")
    now_total = (current.get("score") or {}).get("total")
    out["previous"]["total"] = prev_total
    if prev_total is not None and now_total is not None:
        out["total_change"] = round(now_total - prev_total, 1)
    old = {c["id"]: c["verdict"] for c in before.get("criteria") or []}
    out["changed"] = [{"id": c["id"], "title": c["title"], "previous": old[c["id"]], "current": c["verdict"]}
                      for c in current.get("criteria") or [] if c["id"] in old and old[c["id"]] != c["verdict"]]
    return out
