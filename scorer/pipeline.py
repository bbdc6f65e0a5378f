"""The one path from an input to a scored :class:`~scorer.model.Result`.

Every front end (``xxgk score``/``check``, ``batch`` workers, the web page, a
distributed executor) calls :func:`score_document` and nothing else, so a report is
read, checked and scored the same way wherever it comes from:

    load → (not a report? refuse) → tables → findings → evidence → score

The stages live in their own modules; this one only strings them together and makes
the decisions that belong to no stage: which overrides apply, and whether the input
is an annual report at all.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from scorer.model import CriteriaSet, Document, Result

__all__ = ["ScoreOptions", "Upload", "Scored", "run", "score_document", "prepare_document", "NOT_A_REPORT_WORDS"]


@dataclass(frozen=True)
class ScoreOptions:
    """What the caller knows better than the document (CLI flags, a manifest row, a form).

    ``None`` means "detect it from the document". ``source`` labels where the
    metadata came from ("flag", "manifest", "form") in the memo's provenance notes.
    """

    agency: str | None = None
    report_year: int | None = None
    published_on: str | None = None
    kind: str | None = None
    encoding: str | None = None
    deadline: str | None = None
    url: str | None = None
    source: str = "flag"

    @classmethod
    def of(cls, **kwargs: Any) -> "ScoreOptions":
        """Options from keyword arguments; ``None`` values are dropped, unknown names raise."""
        known = {f.name for f in fields(cls)}
        unknown = set(kwargs) - known
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in kwargs.items() if v is not None})


@dataclass(frozen=True)
class Upload:
    """A document held in memory (a web upload): ``name`` is shown in messages."""

    name: str
    data: bytes


#: How a document kind other than ``report`` is named when scoring is refused.
NOT_A_REPORT_WORDS: dict[str, str] = {"yaodian": "政务公开工作要点", "plan": "工作计划/实施方案"}


def _load(source: Any, opts: ScoreOptions) -> Document:
    load_kw = {k: getattr(opts, k) for k in ("agency", "report_year", "published_on", "kind", "encoding")
               if getattr(opts, k) is not None}
    if isinstance(source, Document):
        meta = {k: v for k, v in load_kw.items() if k in ("agency", "report_year", "published_on", "kind")}
        if not meta:
            return source
        sources = dict(source.metadata_source)
        sources.update({k: opts.source for k in meta})
        return replace(source, metadata_source=sources, **meta)
    if opts.source != "flag":
        load_kw["source"] = opts.source
    if isinstance(source, Upload):
        from scorer.load import load_bytes

        return load_bytes(source.data, source.name, **load_kw)
    from scorer.load import load

    return load(os.fspath(source), **load_kw)


def prepare_document(source: Any, options: ScoreOptions | None = None) -> Document:
    """Load ``source`` with the overrides applied and refuse anything that is not an
    annual report (the one place that decision is made).

    Raises
    ------
    scorer.errors.LoadError
        Unreadable input, or :class:`~scorer.errors.NotAReport`.
    """
    opts = options or ScoreOptions()
    doc = _load(source, opts)
    if doc.kind != "report":
        # a 要点, plan or notice scored as a report would get a meaningless total
        from scorer.errors import NotAReport
        from scorer.load import not_a_report

        raise NotAReport(not_a_report(doc.kind), path=doc.path)
    if opts.deadline:
        doc = replace(doc, deadline=str(opts.deadline))
    if opts.url:
        doc = replace(doc, url=str(opts.url))
    return doc


@dataclass(frozen=True)
class Scored:
    """A result with the document it was read from (front ends that show the text,
    such as the web page, highlight ``result`` spans in ``document.text``)."""

    document: Document
    result: Result


def score_document(
    source: Any,
    criteria: CriteriaSet | str = "core",
    options: ScoreOptions | None = None,
) -> Result:
    """Score one annual report against a criteria set; :func:`run` without the document.

    Parameters
    ----------
    source : path, :class:`Upload` or :class:`~scorer.model.Document`
        The report: a file to read, bytes in memory, or a document already loaded.
    criteria : CriteriaSet or str
        A criteria set, or a shipped name / YAML path for
        :func:`scorer.criteria.load_criteria`.
    options : ScoreOptions, optional
        Metadata overrides, deadline, URL.

    Returns
    -------
    Result
        ``result.to_dict()`` is the JSON contract (``docs/architecture.md``).

    Raises
    ------
    scorer.errors.LoadError
        The input cannot be read, or it is not an annual report (``NotAReport``).
        Defects of a readable report are findings, not errors.
    scorer.errors.CriteriaError
        The criteria set is unknown or invalid.

    Example
    -------
    >>> from scorer.pipeline import score_document
    >>> r = score_document("corpora/seeds/003_8030f6624176119d.txt")  # doctest: +SKIP
    >>> r.score["total"]  # doctest: +SKIP
    """
    return run(source, criteria, options).result


def run(
    source: Any,
    criteria: CriteriaSet | str = "core",
    options: ScoreOptions | None = None,
) -> Scored:
    """Read, check and score one report: the pipeline itself (see :func:`score_document`)."""
    from scorer.criteria import load_criteria
    from scorer.evidence import assess_all
    from scorer.score import score_assessed
    from scorer.tables import extract_tables
    from scorer.validate import validate_document

    doc = prepare_document(source, options)
    cs = criteria if isinstance(criteria, CriteriaSet) else load_criteria(criteria)
    tables = extract_tables(doc)
    findings = list(tables.findings) + list(validate_document(doc, tables))
    assessments = assess_all(doc, cs)
    result = score_assessed(
        doc, cs, tables=tables.to_dict(), format_version=tables.format_version,
        findings=findings, assessments=assessments,
    )
    return Scored(doc, result)
