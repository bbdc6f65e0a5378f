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

__all__ = ["score_assessed"]

Outcome = tuple[str, float, float, str, str, tuple[str, ...], "str | None"]


def _dec(x: float | int | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def _round(x: float | Decimal, places: int) -> float:
    """Half-up rounding (what evaluators do by hand), not Python's banker's rounding."""
    q = Decimal(1).scaleb(-places)
    return float(_dec(x).quantize(q, rounding=ROUND_HALF_UP))


def _credit_for(verdict: str, c: Criterion) -> float:
    return {"met": 1.0, "partial": float(c.partial_credit), "not_met": 0.0}.get(verdict, 0.0)


def _score_rule(
    doc: Document, c: Criterion, findings: Sequence[Finding], timing: dict[str, Any],
    tables: Mapping[str, Any] | None = None,
) -> Outcome:
    """(verdict, credit, points, reason, explanation, finding ids, advice) of a rule criterion."""
    rules = tuple(c.rules)
    unchecked = [r for r in rules if r in PRIOR_REPORT_RULES
                 or (r == "P-late" and timing["finding"] is None and timing["days_late"] is None)]
    # a rule about a table that is absent cannot fire: say so instead of "no problem"
    table_of = {r: RULES[r].table for r in rules if r in RULES and RULES[r].table is not None}
    absent = {r: table_of[r] for r in rules if r not in unchecked and r in table_of
              and tables is not None and table_of[r] in tables and tables[table_of[r]] is None
              and not any(f.id == r for f in findings)}
    checked = [r for r in rules if r not in unchecked and r not in absent]
    if not checked:
        return ("not_assessable", 0.0, 0.0, "not_assessable", explain.rule_not_checked_text(rules, list(absent)),
                (), None)
    # "info" findings are the engine's own reading doubts (ambiguous digit runs): shown
    # for checking, never deducted
    hits = [f for f in findings if f.id in checked and f.severity != "info"]
    per = _dec(c.weight) * _dec(c.deduction)
    lost = min(_dec(c.weight), per * len(hits))
    points = _round(_dec(c.weight) - lost, 2)
    credit = _round(_dec(points) / _dec(c.weight), 4) if c.weight else 0.0
    prior = [r for r in unchecked if r != "P-late"]
    date_unchecked = "P-late" in unchecked
    if not hits:
        return ("met", 1.0, float(_round(c.weight, 2)), "no_findings",
                explain.rule_passed_text(checked, prior, date_unchecked, absent), (), None)
    verdict = "partial" if points > 0 else "not_met"
    expl = explain.rule_failed_text(doc, hits, _round(per, 2), _round(lost, 2), prior, date_unchecked, absent)
    return (verdict, credit, points, "findings", expl,
            tuple(dict.fromkeys(f.id for f in hits)), explain.rule_advice(hits, timing))


def _score_timeliness(c: Criterion, timing: dict[str, Any]) -> Outcome:
    if timing["days_late"] is None:
        return ("not_assessable", 0.0, 0.0, "no_publication_date",
                explain.timeliness_text("not_assessable", timing), (), None)
    if timing["finding"] is not None:
        return ("not_met", 0.0, 0.0, "late", explain.timeliness_text("not_met", timing), ("P-late",),
                explain.timeliness_advice(timing))
    return ("met", 1.0, float(_round(c.weight, 2)), "on_time", explain.timeliness_text("met", timing), (), None)


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
        Every finding carries its location in Chinese; the document its deadline
        and the deadline's basis: renderers need nothing but ``to_dict()``.
    """
    timing = timeliness(doc, criteria_set)
    all_findings = list(findings)
    if timing["finding"] is not None and not any(f.id == "P-late" for f in all_findings):
        all_findings.append(timing["finding"])

    results: list[CriterionResult] = []
    for c in criteria_set.criteria:
        conf = None
        evidence: tuple[Evidence, ...] = ()
        if not c.checkable:
            verdict, credit, points, reason = "not_assessable", 0.0, 0.0, "not_checkable"
            expl, fids, advice = explain.NOT_CHECKABLE_TEXT, (), None
        elif c.scoring == "rule":
            verdict, credit, points, reason, expl, fids, advice = _score_rule(doc, c, all_findings, timing, tables)
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
