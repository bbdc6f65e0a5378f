"""Scoring arithmetic: criterion verdicts, weights, statutory deductions and the total.

:func:`scorer.pipeline.score_document` runs the pipeline and calls
:func:`score_assessed`, which turns tables, findings and evidence verdicts into a
:class:`scorer.model.Result`, whose ``to_dict()`` is the JSON contract.

How the numbers are made (also stated in every memo):

- ``presence`` / ``count`` criteria take the evidence layer's verdict: ``met`` earns
  the full weight, ``partial`` earns ``weight × partial_credit``, ``not_met`` earns 0.
- ``rule`` criteria start from the full weight and lose ``deduction × weight`` for each
  finding whose id is in the criterion's ``rules`` (floor 0).
- ``timeliness`` criteria are met when the publication date is on or before the
  deadline (:mod:`scorer.deadline`), not_met when later.
- ``not_assessable`` criteria (``checkable: False``, no publication date for
  timeliness, no evidence verdict, a rule that needs last year's report) are
  **excluded from the denominator**: ``total = 100 × earned / assessable_weight``,
  rounded half-up to one decimal. Memos list them by name.

The words of every explanation come from :mod:`scorer.explain`.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping, Sequence

from scorer import explain
from scorer.deadline import timeliness
from scorer.model import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Document,
    Evidence,
    Finding,
    Result,
)
from scorer.provenance import engine_version
from scorer.rules import PRIOR_REPORT_RULES, RULES
from scorer.tables import arithmetic as A

__all__ = ["score_assessed", "round_half_up", "credit_for", "totals"]

Outcome = tuple[str, float, float, str, str, tuple[str, ...], "str | None"]


def _dec(x: float | int | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def _round(x: float | Decimal, places: int) -> float:
    """Half-up rounding (what evaluators do by hand), not Python's banker's rounding."""
    q = Decimal(1).scaleb(-places)
    return float(_dec(x).quantize(q, rounding=ROUND_HALF_UP))


#: Public name of the rounding every score uses (:mod:`scorer.overrides` re-scores with it).
round_half_up = _round


def credit_for(verdict: str, partial_credit: float) -> float:
    """Credit of a verdict: met 1, partial ``partial_credit``, otherwise 0."""
    return {"met": 1.0, "partial": float(partial_credit), "not_met": 0.0}.get(verdict, 0.0)


def _credit_for(verdict: str, c: Criterion) -> float:
    return {"met": 1.0, "partial": float(c.partial_credit), "not_met": 0.0}.get(verdict, 0.0)




def rule_status(rule: str, findings: Sequence[Finding], timing: dict[str, Any],
                tables: Mapping[str, Any] | None, prior_ran: frozenset[str] = frozenset(),
                year_known: bool = True) -> str:
    """Whether a rule actually checked something in this report:

    ``ran``; ``partial`` (some of its rows/columns were read as 待核对 or are
    missing); ``prior`` (needs last year's report and it was not given, or it gave
    nothing to compare: ``prior_ran`` lists the rules that compared); ``no_date`` (P-late without a
    publication date); ``no_year`` (a rule about the report year, which was not
    recognised); ``absent`` (its table is absent); ``uncovered`` (its table is
    there but not one of its checks had every cell read with certainty).
    """
    if rule in RULES and RULES[rule].needs_year and not year_known and not any(f.id == rule for f in findings):
        return "no_year"
    if rule in PRIOR_REPORT_RULES and rule not in prior_ran:
        return "prior"
    if rule == "P-late" and timing["finding"] is None and timing["days_late"] is None:
        return "no_date"
    table_key = RULES[rule].table if rule in RULES else None
    if table_key is None or tables is None or table_key not in tables:
        return "ran"
    if any(f.id == rule for f in findings):
        return "ran"
    table = tables[table_key]
    if table is None:
        return "absent"
    if rule not in A.ROW_RULES and rule not in A.COLUMN_RULES:
        return "ran"
    known, total = A.coverage(rule, table)
    if known == 0:
        return "uncovered"
    return "ran" if known == total else "partial"


def causes(findings: Sequence[Finding]) -> list[list[Finding]]:
    """Group findings that follow from one cause, so that one defect counts once.

    Table findings name the cells their rule read. A cell shared by several broken
    checks explains them all (an all-zero 总计 row breaks T3-identity and
    T3-results-sum in every column it touches): the cell shared by the most findings
    is taken as a cause, then the next, and causes in the same table row are one
    cause. Findings without cells are causes of their own.
    """
    with_cells = [f for f in findings if f.cells]
    groups: dict[str, list[int]] = {}
    remaining = set(range(len(with_cells)))
    while remaining:
        count: dict[str, int] = {}
        for i in remaining:
            for cell in with_cells[i].cells:
                count[cell] = count.get(cell, 0) + 1
        best = min(count, key=lambda cell: (-count[cell], cell))
        members = sorted(i for i in remaining if best in with_cells[i].cells)
        groups.setdefault(best.rsplit(".", 1)[0], []).extend(members)
        remaining.difference_update(members)
    out = [[with_cells[i] for i in sorted(m)] for _, m in sorted(groups.items(), key=lambda kv: min(kv[1]))]
    return out + [[f] for f in findings if not f.cells]


def _severity_factor(cs: CriteriaSet, group: Sequence[Finding]) -> Decimal:
    factors = dict(cs.severity_factors)
    return max(_dec(factors.get(f.severity, 1.0)) for f in group)


def _score_rule(
    doc: Document, c: Criterion, findings: Sequence[Finding], timing: dict[str, Any],
    tables: Mapping[str, Any] | None, cs: CriteriaSet, charged_elsewhere: dict[str, str],
    prior_ran: frozenset[str] = frozenset(),
) -> tuple[Outcome, float, dict[str, str]]:
    """The outcome of a rule criterion and the part of its weight that was checked.

    The weight is shared equally by the criterion's rules; the share of a rule that
    did not run is out of the denominator (未核对), never earned. Each cause loses
    ``weight × deduction × factor`` of its most severe finding (factors per severity
    from the criteria set), down to 0 of the checked share.
    """
    rules = tuple(c.rules)
    status = {r: rule_status(r, findings, timing, tables, prior_ran, doc.report_year is not None) for r in rules}
    ran = [r for r in rules if status[r] in ("ran", "partial")]
    if not ran:
        return ("not_assessable", 0.0, 0.0, "not_assessable", explain.rule_not_checked_text(rules, status),
                (), None), 0.0, status
    weight = _dec(c.weight)
    share = weight * len(ran) / len(rules)
    hits = [f for f in findings if f.id in ran]
    groups = [g for g in causes(hits) if _severity_factor(cs, g) > 0]
    # a missing section is one defect: charged in the first criterion that meets it,
    # and only named in the others
    already = {}
    for g in groups:
        seen = [charged_elsewhere[x] for f in g for x in f.cells if x in charged_elsewhere]
        if seen:
            already[id(g)] = seen[0]
    for g in groups:
        if id(g) not in already:
            charged_elsewhere.update({x: c.title for f in g for x in f.cells if x.startswith("section:")})
    named = [g for g in groups if id(g) in already]
    groups = [g for g in groups if id(g) not in already]
    per = weight * _dec(c.deduction)
    lost = min(share, sum((per * _severity_factor(cs, g) for g in groups), Decimal(0)))
    assessable = _round(share, 2)
    points = _round(share - lost, 2)
    credit = _round(_dec(points) / share, 4) if share else 0.0
    if not groups:
        text = explain.rule_passed_text(rules, status)
        if named:
            text = explain.charged_elsewhere_text(named, [already[id(g)] for g in named], text)
        return (("met", 1.0, assessable, "no_findings", text, (), None), assessable, status)
    verdict = "partial" if points > 0 else "not_met"
    charged = [f for g in groups for f in g]
    expl = explain.rule_failed_text(doc, groups, dict(cs.severity_factors), _round(per, 2), _round(lost, 2),
                                    rules, status)
    if named:
        expl = explain.charged_elsewhere_text(named, [already[id(g)] for g in named], expl)
    return ((verdict, credit, points, "findings", expl, tuple(dict.fromkeys(f.id for f in charged)),
             explain.rule_advice(charged, timing)), assessable, status)


def _score_timeliness(c: Criterion, timing: dict[str, Any]) -> Outcome:
    if timing["days_late"] is None:
        return ("not_assessable", 0.0, 0.0, "no_publication_date",
                explain.timeliness_text("not_assessable", timing), (), None)
    if timing["finding"] is not None:
        return ("not_met", 0.0, 0.0, "late", explain.timeliness_text("not_met", timing), ("P-late",),
                explain.timeliness_advice(timing))
    return ("met", 1.0, float(_round(c.weight, 2)), "on_time", explain.timeliness_text("met", timing), (), None)


def totals(rows: Sequence[tuple[str, str, float, "float | None"]]) -> dict[str, Any]:
    """The ``score`` object from (id, verdict, points, assessable weight) per criterion:
    ``total = 100 × earned ÷ assessable weight``, half-up to 0.1."""
    assessable = [r for r in rows if r[1] != "not_assessable"]
    weight = sum((_dec(r[3] or 0) for r in assessable), Decimal(0))
    earned = sum((_dec(r[2]) for r in assessable), Decimal(0))
    total = _round(Decimal(100) * earned / weight, 1) if weight else None
    return {
        "total": total,
        "max": 100,
        "earned": _round(earned, 2),
        "assessable_weight": _round(weight, 2),
        "not_assessable": [r[0] for r in rows if r[1] == "not_assessable"],
    }


def score_assessed(
    doc: Document,
    criteria_set: CriteriaSet,
    *,
    tables: Mapping[str, Any] | None,
    format_version: str | None,
    findings: Sequence[Finding],
    assessments: Mapping[str, Assessment],
    prior_ran: frozenset[str] = frozenset(),
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
    prior_ran : frozenset of str
        Rules that need last year's report and compared something with it
        (:mod:`scorer.history`); the others stay 未核对.

    Returns
    -------
    Result
        Every finding carries its location in Chinese; the document its deadline
        and the deadline's basis: renderers need nothing but ``to_dict()``.
    """
    timing = timeliness(doc, criteria_set)
    all_findings = list(findings)
    if timing["finding"] is not None and not any(f.id == "P-late" for f in all_findings):
        all_findings.append(timing["finding"])

    results: list[CriterionResult] = []
    charged_sections: dict[str, str] = {}  # cause → the criterion that charged it
    for c in criteria_set.criteria:
        conf = None
        evidence: tuple[Evidence, ...] = ()
        part = float(_round(c.weight, 2))
        status: dict[str, str] = {}
        if not c.checkable:
            verdict, credit, points, reason = "not_assessable", 0.0, 0.0, "not_checkable"
            expl, fids, advice = explain.NOT_CHECKABLE_TEXT, (), None
        elif c.scoring == "rule":
            (verdict, credit, points, reason, expl, fids, advice), part, status = _score_rule(
                doc, c, all_findings, timing, tables, criteria_set, charged_sections, prior_ran)
        elif c.scoring == "timeliness":
            verdict, credit, points, reason, expl, fids, advice = _score_timeliness(c, timing)
        else:
            a = assessments.get(c.id)
            if a is None:
                verdict, credit, points, reason = "not_assessable", 0.0, 0.0, "no_assessment"
                expl, fids, advice = explain.NO_ASSESSMENT_TEXT, (), None
            else:
                verdict = a.verdict
                if c.min_count and a.count is not None and a.count < c.min_count and verdict == "met":
                    verdict = "partial"  # a count below the minimum is never full marks
                credit = _credit_for(verdict, c)
                points = _round(_dec(c.weight) * _dec(credit), 2)
                reason, conf, evidence = a.reason, a.confidence, tuple(a.evidence)
                expl = explain.assessment_text(doc, c, a)
                fids = ()
                advice = explain.criterion_advice(c) if verdict in ("not_met", "partial") else None
        results.append(
            CriterionResult(
                id=c.id, title=c.title, weight=c.weight, verdict=verdict, credit=credit,
                points=points if verdict != "not_assessable" else 0.0, reason=reason,
                explanation=expl, confidence=conf, evidence=evidence, findings=fids,
                advice=advice, category=c.category,
                assessable_weight=0.0 if verdict == "not_assessable" else part,
                checks=tuple(status.items()),
            )
        )

    score = totals([(r.id, r.verdict, r.points, r.assessable_weight) for r in results])
    document = doc.to_dict()
    document["format_version"] = format_version
    document["deadline"] = timing["deadline"]
    document["deadline_basis"] = timing["basis"]
    return Result(
        document=document,
        tables=dict(tables) if tables is not None else {},
        findings=tuple(replace(f, location=explain.finding_location(doc, f)) for f in all_findings),
        criteria=tuple(results),
        score=score,
        criteria_set=criteria_set.id,
        criteria_set_title=criteria_set.title,
        engine_version=engine_version(),
    )
