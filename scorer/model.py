"""Value objects passed between the pipeline stages.

All are frozen dataclasses holding plain data (no frames, no callables), so batch
workers can return them across processes and ``to_dict()`` gives the JSON contract
of ``docs/architecture.md`` (design.md §4).

Spans are ``(start, end)`` character offsets into :attr:`Document.text`, the cleaned
text; every quote the engine shows can be located with them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorer.rules import rule as rule_entry
from scorer.words import KIND_NAMES

Span = tuple[int, int]

#: The six statutory sections (domain.md §2), in order.
SECTION_KEYS: tuple[str, ...] = (
    "overview",
    "proactive",
    "requests",
    "review_litigation",
    "problems",
    "other",
)

DOCUMENT_KINDS: tuple[str, ...] = tuple(KIND_NAMES)


@dataclass(frozen=True)
class Section:
    """A section of the report: ``key`` is one of :data:`SECTION_KEYS`, or None for
    an extra section an agency added (上海市科委 adds 工作机制保障 etc.)."""

    key: str | None
    heading: str
    start: int  # start of the heading
    body_start: int  # first character after the heading
    end: int  # end of the section body (start of the next section or end of text)

    @property
    def span(self) -> Span:
        return (self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "heading": self.heading, "span": [self.start, self.end]}


@dataclass(frozen=True)
class RawTable:
    """A table the source format kept as a grid: an HTML ``<table>``, a DOCX table or
    a pdfplumber table candidate. Its text rendering (cells joined by `` | ``, one row
    per line) lies at ``span`` in :attr:`Document.text`."""

    rows: tuple[tuple[str, ...], ...]
    span: Span
    origin: str  # "html", "docx" or "pdf"
    page: int | None = None  # 1-based PDF page


@dataclass(frozen=True)
class MetaValue:
    """A metadata value with where it came from (flag, manifest, title, header, url,
    signature, text) and an optional note (e.g. why a candidate was rejected)."""

    value: Any
    source: str
    note: str | None = None


@dataclass(frozen=True)
class Document:
    """A loaded document: cleaned text, sections, grid tables and metadata."""

    path: str
    format: str  # "txt", "md", "html", "docx", "pdf"
    text: str
    kind: str  # one of DOCUMENT_KINDS
    title: str | None
    agency: str | None
    report_year: int | None
    published_on: str | None  # ISO date "YYYY-MM-DD"
    metadata_source: dict[str, str]
    sections: tuple[Section, ...] = ()
    tables: tuple[RawTable, ...] = ()
    pages: tuple[Span, ...] = ()  # PDF: span of each page in text
    url: str | None = None
    encoding: str | None = None
    notes: tuple[str, ...] = ()  # what the loader did or rejected, in Chinese
    #: (offset in ``text``, line in the original file) where original lines start
    #: (scorer.lines): line numbers as an editor shows them
    source_lines: tuple[tuple[int, int], ...] = ()
    deadline: str | None = None  # ISO date, when given by a manifest or flag

    def section(self, key: str) -> Section | None:
        """The first section with this canonical key, or None."""
        for s in self.sections:
            if s.key == key:
                return s
        return None

    def section_text(self, key: str) -> str:
        s = self.section(key)
        return self.text[s.body_start : s.end] if s else ""

    def section_at(self, offset: int) -> Section | None:
        """The section that contains a character offset: one of the six when the
        offset lies in one, else an extra section, else None."""
        extra = None
        for s in self.sections:
            if s.start <= offset < s.end:
                if s.key is not None:
                    return s
                extra = extra or s
        return extra

    def page_at(self, offset: int) -> int | None:
        for i, (a, b) in enumerate(self.pages):
            if a <= offset < b:
                return i + 1
        return None

    def line_at(self, offset: int) -> int:
        """1-based line number of an offset as the original file shows it (when the
        loader could align the lines: ``source_lines``), else in the cleaned text."""
        if self.source_lines:
            from bisect import bisect_right

            i = bisect_right(self.source_lines, (offset, float("inf"))) - 1
            if i >= 0:
                anchor, line = self.source_lines[i]
                # past the anchor's own line (an unmatched line follows): count on
                return line + self.text.count("\n", anchor, offset)
        return self.text.count("\n", 0, offset) + 1

    @property
    def section_keys(self) -> list[str]:
        return [s.key for s in self.sections if s.key]

    def to_dict(self) -> dict[str, Any]:
        """The ``document`` object of the JSON result."""
        return {
            "path": self.path,
            "format": self.format,
            "kind": self.kind,
            "title": self.title,
            "agency": self.agency,
            "report_year": self.report_year,
            "published_on": self.published_on,
            "url": self.url,
            "sections": self.section_keys,
            "metadata_source": dict(sorted(self.metadata_source.items())),
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- findings

@dataclass(frozen=True)
class Finding:
    """A defect found in a report. ``severity`` defaults from the rule registry
    (:data:`scorer.rules.RULES`); a
    ``T-cell`` about a blank/placeholder cell is a warning, and one about digits the
    engine could not split with certainty is ``info`` (for a person to check; it
    costs no points)."""

    id: str
    severity: str  # "error" | "warning" | "info"
    where: str  # e.g. "requests.new.total", "section:review_litigation"
    message: str  # Chinese, with the numbers
    span: Span | None = None
    numbers: tuple[tuple[str, Any], ...] = ()  # ordered (name, value) pairs
    location: str | None = None  # Chinese, set when the result is scored
    #: canonical cells the rule read (``requests.total.natural_person`` …): findings
    #: that share a cell may share one cause, and a page can mark them
    cells: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "where": self.where,
            "message": self.message,
            "span": list(self.span) if self.span else None,
            "numbers": {k: v for k, v in self.numbers},
            "location": self.location,
            "cells": list(self.cells),
        }


def make_finding(
    rule: str,
    where: str,
    message: str,
    span: Span | None = None,
    numbers: dict[str, Any] | None = None,
    severity: str | None = None,
    cells: tuple[str, ...] = (),
) -> Finding:
    """Build a :class:`Finding`, taking the severity from the rule registry.

    Raises
    ------
    ValueError
        For a rule id that is not in :data:`scorer.rules.RULES`.
    """
    default = rule_entry(rule).severity
    return Finding(
        id=rule,
        severity=severity or default,
        where=where,
        message=message,
        span=span,
        numbers=tuple((numbers or {}).items()),
        cells=tuple(cells),
    )


# --------------------------------------------------------------------------- criteria

VERDICTS: tuple[str, ...] = ("met", "partial", "not_met", "not_assessable")

#: How a criterion is scored (criteria files, field ``scoring``).
SCORING_KINDS: tuple[str, ...] = ("presence", "count", "rule", "timeliness")


@dataclass(frozen=True)
class Criterion:
    """One scorable item of a criteria set (see ``criteria/README.md``)."""

    id: str
    title: str
    weight: float
    scoring: str = "presence"  # one of SCORING_KINDS
    category: str = ""
    clause: str = ""  # the 要点 clause it comes from, verbatim
    keywords: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # words that disqualify a sentence
    #: words of which one must also stand in the sentence ("解读" beside 视频 or 在线访谈);
    #: ``{year-1}`` is the year before the report year ("2020年" in a 2021 report)
    context: tuple[str, ...] = ()
    min_count: int | None = None
    months: tuple[int, ...] = ()  # e.g. (8,) for "8月政府开放月"
    within_days: int | None = None  # "10个工作日内"
    sections: tuple[str, ...] = ()  # where evidence must be, empty = anywhere
    classifier_label: str | None = None  # core criterion id the classifier predicts
    rules: tuple[str, ...] = ()  # finding ids that cost points (scoring == "rule")
    deduction: float = 0.5  # fraction of the weight lost per finding (rule)
    checkable: bool = True  # False: cannot be judged from a report
    partial_credit: float = 0.5  # credit when only partly met
    source_line: int | None = None  # line in the criteria file, for messages
    frequency: str | None = None  # "monthly", "quarterly", …: how min_count was derived

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "weight": self.weight,
            "scoring": self.scoring,
            "category": self.category,
            "clause": self.clause,
            "keywords": list(self.keywords),
            "min_count": self.min_count,
        }


#: Default of :attr:`CriteriaSet.repeat_threshold`: a section 90 % equal to last
#: year's is copied, not rewritten.
DEFAULT_REPEAT_THRESHOLD = 0.9


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    title: str
    criteria: tuple[Criterion, ...]
    source: str | None = None
    report_year: int | None = None
    deadline: str | None = None  # ISO date, overrides the statutory default
    path: str | None = None
    extends: str | None = None
    #: places the set applies to (a report whose agency names none is refused)
    jurisdiction: tuple[str, ...] = ()
    #: statutory table format by report year: (first year, format), ascending
    table_formats: tuple[tuple[int, str], ...] = ()
    #: statutory deadlines, MM-DD of the year after the report year, by kind of agency
    deadlines: tuple[tuple[str, str], ...] = ()
    #: share of a criterion's deduction charged per finding of each severity
    severity_factors: tuple[tuple[str, float], ...] = (("error", 1.0), ("warning", 0.5), ("info", 0.0))
    #: similarity of a section to last year's above which Q-repeat warns (0-1)
    repeat_threshold: float = DEFAULT_REPEAT_THRESHOLD

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.criteria)

    def get(self, criterion_id: str) -> Criterion | None:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        return None


# --------------------------------------------------------------------------- evidence

@dataclass(frozen=True)
class Evidence:
    """A sentence used for a verdict, with why it counts or not."""

    quote: str
    span: Span
    section: str | None
    probability: float | None = None  # classifier probability for the criterion
    modality: str = "done"  # "done" | "planned" | "denied" | "other"
    counts: tuple[tuple[int, str], ...] = ()  # (number, unit) attached to it
    months: tuple[int, ...] = ()
    keywords: tuple[str, ...] = ()  # matched keywords

    def to_dict(self) -> dict[str, Any]:
        return {
            "quote": self.quote,
            "section": self.section,
            "span": list(self.span),
            "probability": None if self.probability is None else round(self.probability, 4),
            "modality": self.modality,
            "counts": [[n, u] for n, u in self.counts],
            "keywords": list(self.keywords),
        }


@dataclass(frozen=True)
class Assessment:
    """What the evidence layer concludes about one criterion in one document,
    before weights: a verdict and its reason code."""

    criterion_id: str
    verdict: str  # one of VERDICTS
    reason: str  # "matched", "planned_only", "denied", "below_min", "no_evidence", ...
    evidence: tuple[Evidence, ...] = ()
    confidence: float | None = None
    count: int | None = None  # quantity found, for count criteria


@dataclass(frozen=True)
class CriterionResult:
    id: str
    title: str
    weight: float
    verdict: str
    credit: float
    points: float
    reason: str
    explanation: str  # Chinese
    confidence: float | None = None
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[str, ...] = ()  # ids of findings that cost points here
    advice: str | None = None  # for not_met: what the report would need to say
    category: str = ""
    #: the part of ``weight`` whose checks ran (rule criteria whose checks did not all
    #: run count only the rest in the denominator); None: all of it
    assessable_weight: float | None = None
    #: rule criteria: each rule and whether it ran (``ran``, ``partial``, ``prior``,
    #: ``no_date``, ``absent``, ``uncovered``; see scorer.score.rule_status)
    checks: tuple[tuple[str, str], ...] = ()
    #: an evaluator's change of the verdict (``verdict, reason, by, at,
    #: engine_verdict, needs_review``; :mod:`scorer.overrides`); None: the engine's
    override: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = self._dict()
        if self.override is not None:  # additive: results without overrides keep their bytes
            d["override"] = dict(self.override)
        return d

    def _dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "category": self.category,
            "weight": self.weight,
            "verdict": self.verdict,
            "credit": self.credit,
            "points": self.points,
            "reason": self.reason,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "evidence": [e.to_dict() for e in self.evidence],
            "findings": list(self.findings),
            "explanation": self.explanation,
            "advice": self.advice,
            "assessable_weight": self.weight if self.assessable_weight is None else self.assessable_weight,
            "checks": dict(self.checks),
        }


@dataclass(frozen=True)
class Result:
    """The scored document: exactly the JSON contract via :meth:`to_dict`."""

    document: dict[str, Any]
    tables: dict[str, Any]
    findings: tuple[Finding, ...]
    criteria: tuple[CriterionResult, ...]
    score: dict[str, Any]
    criteria_set: str = "core"
    engine_version: str = ""
    criteria_set_title: str | None = None
    #: year-over-year comparison (:func:`scorer.history.trend`), when last year's report was given
    history: dict[str, Any] | None = None
    #: findings an evaluator dismissed, with who and why (:mod:`scorer.overrides`)
    dismissed: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = self._dict()
        if self.history is not None:  # additive keys, present only when used
            d["history"] = self.history
        if self.dismissed:
            d["dismissed_findings"] = [dict(x) for x in self.dismissed]
        return d

    def _dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "tables": self.tables,
            "findings": [f.to_dict() for f in self.findings],
            "criteria": [c.to_dict() for c in self.criteria],
            "score": self.score,
            "criteria_set": self.criteria_set,
            "criteria_set_title": self.criteria_set_title,
            "engine_version": self.engine_version,
        }
