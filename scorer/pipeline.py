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
from typing import Any

from scorer.model import CriteriaSet, Document, Result
from scorer.words import KIND_NAMES

__all__ = [
    "ScoreOptions", "Upload", "Checked", "Scored", "run", "check", "score_document", "prepare_document",
    "NOT_A_REPORT_WORDS", "resolve_criteria", "check_applicable", "section_texts", "document_key",
]


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
    #: score with a criteria set written for another report year / another place
    #: (refused otherwise); the memo says so
    any_year: bool = False
    any_place: bool = False
    #: the agency's report of the year before (:class:`scorer.history.PreviousReport`):
    #: the year-over-year rules run, and the result gets a ``history`` section
    previous: Any = None
    #: evaluators' overrides (:class:`scorer.overrides.Override`); those of this
    #: document's agency key and year apply
    overrides: tuple[Any, ...] = ()
    #: the name this agency is matched by across years (default: from its name,
    #: :func:`scorer.history.agency_key`)
    agency_key: str | None = None

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


#: How a document kind other than ``report`` is named when scoring is refused (the
#: kinds and how they are recognised: :mod:`scorer.metadata`).
#: How a document kind other than ``report`` is named when scoring is refused.
NOT_A_REPORT_WORDS = KIND_NAMES


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


def prepare_document(source: Any, options: ScoreOptions | None = None, *, require_report: bool = True) -> Document:
    """Load ``source`` with the overrides applied and refuse anything that is not an
    annual report (the one place that decision is made; ``require_report=False``
    for views such as ``xxgk tables`` that show any document).

    Raises
    ------
    scorer.errors.LoadError
        Unreadable input, or :class:`~scorer.errors.NotAReport`.
    """
    opts = options or ScoreOptions()
    doc = _load(source, opts)
    if require_report and doc.kind != "report":
        # a 要点, plan or notice scored as a report would get a meaningless total
        from scorer.errors import NotAReport

        what = NOT_A_REPORT_WORDS.get(doc.kind, NOT_A_REPORT_WORDS["other"])
        current = "现行格式的" if doc.kind == "old_format" else ""
        raise NotAReport(
            f"这不是{current}政府信息公开工作年度报告（看起来是{what}），不予评分；"
            "如确为年度报告，请加 --kind report",
            path=doc.path,
        )
    if opts.deadline:
        doc = replace(doc, deadline=str(opts.deadline))
    if opts.url:
        doc = replace(doc, url=str(opts.url))
    return doc


@dataclass(frozen=True)
class Checked:
    """A document with its tables as read and every finding about it."""

    document: Document
    tables: Any  # scorer.tables.TableResult (imported lazily: pandas-free start)
    findings: tuple[Any, ...]


def check(source: Any, options: ScoreOptions | None = None, *, require_report: bool = True,
          criteria: CriteriaSet | None = None) -> Checked:
    """Read a document and its tables and check them (no evidence, no score): the
    first half of :func:`run`, which ``xxgk tables`` shows on its own. The table
    format in force per year comes from ``criteria`` (else from ``core``)."""
    doc = prepare_document(source, options, require_report=require_report)
    return _check_document(doc, criteria)


def _check_document(doc: Document, criteria: CriteriaSet | None) -> Checked:
    from scorer.tables import extract_tables
    from scorer.validate import validate_document

    tables = extract_tables(doc)
    formats = criteria.table_formats if criteria is not None and criteria.table_formats else None
    # validate_document includes the extractor's own findings (unreadable cells):
    # every finding is produced once, here
    findings = tuple(validate_document(doc, tables, formats))
    if doc.kind == "report":
        # the outline audit reads the headings only: it never changes the sections
        # found or the tables read
        from scorer.outline import audits_lines, outline_findings
        from scorer.validate import finding_sort_key

        findings = tuple(sorted(findings + tuple(outline_findings(doc, findings)), key=finding_sort_key))
        if not audits_lines(doc.text):  # say what the audit could not look at, never pass it silently
            from scorer.explain import OUTLINE_UNLINED_NOTE

            doc = replace(doc, notes=tuple(doc.notes) + (OUTLINE_UNLINED_NOTE,))
    if doc.format == "pdf-ocr":
        findings = tuple(_ocr_doubt(f) for f in findings)
    return Checked(doc, tables, findings)


def _ocr_doubt(f: Any) -> Any:
    """Numbers read by OCR are never certain enough to charge an agency: a table
    finding of a scanned report is shown as 待核对, for a person to check."""
    from scorer.rules import RULES

    if f.id in RULES and RULES[f.id].category == "table" and f.severity != "info":
        return replace(f, severity="info", message=f.message + "（表格由OCR识别，待核对）")
    return f


def resolve_criteria(criteria: CriteriaSet | str, doc: Document) -> CriteriaSet:
    """The criteria set for ``doc``: a set, a shipped name / path, or a family of
    sets by year (``pingtan-{year}``: each report gets the set of its own year)."""
    if isinstance(criteria, CriteriaSet):
        return criteria
    from scorer.criteria import load_criteria
    from scorer.errors import CriteriaError

    if "{year}" in criteria:
        if doc.report_year is None:
            raise CriteriaError(f"未识别报告年度，无法从“{criteria}”选择该年度的指标体系；请用 --report-year 指明",
                                path=doc.path)
        name = criteria.replace("{year}", str(doc.report_year))
        try:
            return load_criteria(name)
        except CriteriaError:
            from scorer.criteria import list_criteria
            from scorer.errors import CriteriaNotApplicable

            prefix, _, suffix = criteria.partition("{year}")
            have = [cs.id for cs in list_criteria() if cs.id.startswith(prefix) and cs.id.endswith(suffix)]
            raise CriteriaNotApplicable(
                f"本报告为{doc.report_year}年度，没有该年度的指标体系“{name}”"
                f"（已有：{'、'.join(have) or '无'}）；请提供该年度的指标体系，或改用 core 评分",
                path=doc.path) from None
    return load_criteria(criteria)


def _mentions(agency: str, places: tuple[str, ...]) -> bool:
    return any(p and p in agency for p in places)


def check_applicable(cs: CriteriaSet, doc: Document, opts: ScoreOptions) -> Document:
    """Refuse a report outside the set's year or place, or (when the caller insists)
    note in the document that it was scored anyway."""
    from scorer.errors import CriteriaNotApplicable

    notes = []
    if cs.report_year and doc.report_year and cs.report_year != doc.report_year:
        if not opts.any_year:
            raise CriteriaNotApplicable(
                f"指标体系“{cs.id}”适用于{cs.report_year}年度报告，本报告为{doc.report_year}年度；"
                f"请选用{doc.report_year}年度的指标体系，或加 --any-year 仍按此体系评分", path=doc.path)
        notes.append(f"按评估人员要求，用适用于{cs.report_year}年度的指标体系“{cs.id}”评分本{doc.report_year}年度报告"
                     "（发布期限按年度顺延）")
    if cs.jurisdiction and doc.agency and not _mentions(doc.agency, cs.jurisdiction):
        if not opts.any_place:
            raise CriteriaNotApplicable(
                f"指标体系“{cs.id}”适用于{'、'.join(cs.jurisdiction)}，本报告的机构是{doc.agency}；"
                "请选用该地区的指标体系，或加 --any-place 仍按此体系评分", path=doc.path)
        notes.append(f"按评估人员要求，用适用于{'、'.join(cs.jurisdiction)}的指标体系“{cs.id}”评分{doc.agency}的报告")
    elif cs.jurisdiction and not doc.agency:
        notes.append(f"未识别机构，未能核对指标体系“{cs.id}”是否适用于本报告所在地区")
    return replace(doc, notes=tuple(doc.notes) + tuple(notes)) if notes else doc


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
    """Read, check and score one report: the pipeline itself (see :func:`score_document`).

    With ``options.previous`` the year-over-year rules run (:mod:`scorer.history`);
    with ``options.overrides`` an evaluator's dismissals and verdicts apply
    (:mod:`scorer.overrides`), each beside the engine's own verdict."""
    from scorer.evidence import assess_all
    from scorer.score import score_assessed

    opts = options or ScoreOptions()
    doc = prepare_document(source, opts)
    cs = resolve_criteria(criteria, doc)
    doc = check_applicable(cs, doc, opts)
    checked = _check_document(doc, cs)
    doc, tables = checked.document, checked.tables
    table_dict = tables.to_dict()
    findings = list(checked.findings)
    prior_ran: frozenset[str] = frozenset()
    if opts.previous is not None:
        from scorer.history import history_findings

        extra, prior_ran = history_findings(
            tables=table_dict, format_version=tables.format_version, sections=section_texts(doc),
            section_spans={s.key: (s.body_start, s.end) for s in doc.sections if s.key}, cells=tables.cells,
            previous=opts.previous, criteria_set=cs)
        findings += extra
    mine: tuple[Any, ...] = ()
    dismissed: tuple[dict[str, Any], ...] = ()
    if opts.overrides:
        from scorer.overrides import dismiss_findings, for_document

        mine = for_document(opts.overrides, document_key(doc, opts), doc.report_year, cs.id)
        findings, dismissed = dismiss_findings(findings, mine, cs)
    assessments = assess_all(doc, cs)
    result = score_assessed(
        doc, cs, tables=table_dict, format_version=tables.format_version,
        findings=findings, assessments=assessments, prior_ran=prior_ran,
    )
    if mine:
        from scorer.overrides import apply_verdicts

        result = replace(apply_verdicts(result, cs, mine), dismissed=dismissed)
    if opts.previous is not None:
        from scorer.history import trend

        result = replace(result, history=trend(result.to_dict(), opts.previous, sorted(prior_ran)))
    return Scored(doc, result)


def section_texts(doc: Document) -> dict[str, str]:
    """The text of each of the six sections (empty when absent): what next year's
    Q-repeat compares with."""
    from scorer.model import SECTION_KEYS

    return {k: doc.section_text(k) for k in SECTION_KEYS}


def document_key(doc: Document, options: ScoreOptions | None = None) -> str | None:
    """The agency key of a document: ``options.agency_key`` when given, else from its name."""
    if options is not None and options.agency_key:
        return options.agency_key
    from scorer.history import agency_key

    return agency_key(doc.agency)
