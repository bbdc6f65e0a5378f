"""Verdicts per criterion: does the report say the thing was DONE in the report year?

For presence and count criteria: candidate sentences come from keyword retrieval
and/or the classifier (probability >= threshold for ``criterion.classifier_label``
or ``criterion.id``); each is judged done/planned/denied (:mod:`.modality`); with
the shipped ``veto`` strategy the modality head of the classifier then overrules
the regexes where they are weakest (see :data:`STRATEGIES`); counts
(:mod:`.quantities`) are compared with ``min_count`` and months with ``months``.

Reason codes: ``matched`` (met), ``below_min`` / ``wrong_month`` (partial: done,
but fewer times than required or in another month), ``planned_only`` (only plans or
promises), ``denied`` (the report says it was not done),
``no_evidence`` (nothing, or only rules, others' acts, other years, shortcomings —
each discarded sentence keeps its modality, which :mod:`scorer.explain` words).

:func:`assess_all` prepares a document once (sentences, one jieba pass per
sentence, one vectorised classifier call) and then judges every criterion.
Criteria scored as ``rule``/``timeliness`` are not judged here (None).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from scorer.evidence.keywords import (
    KeywordHit,
    context_words,
    criterion_terms,
    find_candidates,
    in_context,
    match_terms,
)
from scorer.evidence.modality import clauses, in_document, judge_modality
from scorer.evidence.quantities import EVENT_UNITS, extract_counts, extract_months
from scorer.model import Assessment, Evidence
from scorer.nlp import cut
from scorer.sentences import Sentence, split_sentences

if TYPE_CHECKING:  # pragma: no cover
    from scorer.evidence.classifier import EvidenceModel
    from scorer.model import CriteriaSet, Criterion, Document

__all__ = ["STRATEGIES", "Prepared", "prepare", "assess", "assess_all", "REASONS"]

#: How keyword and classifier candidates combine.
#: ``keywords``: keyword hits only (the baseline); ``classifier``: probability >=
#: threshold only; ``union``: either; ``gated``: keyword hits the classifier does
#: not reject (probability >= ``gate``) plus confident classifier hits; ``veto``
#: (the shipped one, needs a model with a modality head): keyword hits plus
#: classifier hits at the model's ``combination["topic_threshold"]`` (None: none),
#: then a sentence the regexes judge ``done`` counts only if P(done) >=
#: ``combination["done_veto"]`` (capacity claims, goal headings and plans the
#: regexes miss become ``other``), and, if ``combination["done_rescue"]`` is set, a
#: sentence the regexes judge ``other`` counts as done when P(done) >= it; where
#: ``combination["topic_gate_by_label"]`` names the criterion's label, a keyword hit
#: whose topic probability is below it is not a candidate. The
#: thresholds are chosen by cross-validation on the training documents
#: (:func:`xxgk_lab.evaluate.choose_combination`).
STRATEGIES: tuple[str, ...] = ("keywords", "classifier", "union", "gated", "veto")
DEFAULT_STRATEGY = "veto"
DEFAULT_GATE = 0.05

REASONS: dict[str, str] = {
    "matched": "报告写明本年度已做",
    "below_min": "已做但次数少于要求",
    "wrong_month": "已做但月份不符",
    "planned_only": "仅有计划或打算，未写明已做",
    "denied": "报告写明未做",
    "no_evidence": "报告未提及",
}

#: Criteria for which a statement that nothing happened IS the required content
#: ("本年度未收取信息处理费" satisfies fee_statement, domain.md §7).
_DENIAL_SATISFIES = frozenset({"fee_statement"})

_SCORED_HERE = ("presence", "count")
_MAX_EVIDENCE = 5
_MOD_RANK = {"done": 0, "denied": 1, "planned": 2, "required": 3, "other_year": 4, "other_actor": 5,
             "general": 6, "other": 7}


@dataclass
class Prepared:
    """A document ready for judging: sentences, tokens and classifier output,
    computed once and shared by all criteria."""

    doc: "Document"
    sentences: list[Sentence]
    tokens: list[list[str]]
    proba: np.ndarray | None  # (n_sentences, n_labels) or None without a model
    labels: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)
    has_sections: bool = True
    p_done: np.ndarray | None = None  # (n_sentences,) P(done) of the modality head, or None
    combination: dict = field(default_factory=dict)  # thresholds of the ``veto`` strategy

    def label_proba(self, label: str) -> np.ndarray | None:
        """Probabilities of one label for every sentence, or None if the model
        does not predict it."""
        if self.proba is None or label not in self.labels:
            return None
        return self.proba[:, self.labels.index(label)]


def prepare(
    doc: "Document",
    *,
    sentences: Sequence[Sentence] | None = None,
    model: "EvidenceModel | None | bool" = None,
) -> Prepared:
    """Split, tokenise and classify a document once.

    Parameters
    ----------
    doc : Document
        A loaded document.
    sentences : sequence of Sentence, optional
        Precomputed :func:`scorer.sentences.split_sentences` output.
    model : EvidenceModel, None or False
        None loads the shipped model; False disables the classifier.

    Returns
    -------
    Prepared
    """
    sents = list(sentences) if sentences is not None else split_sentences(doc)
    texts = [s.flat for s in sents]
    tokens = [cut(t) for t in texts]  # the one jieba pass
    if model is None:
        from scorer.evidence.classifier import load_model

        model = load_model()
    proba, labels, thr, p_done, comb = None, (), {}, None, {}
    if model is not False and model is not None:
        if sents:
            proba, mod = model.predict_all(texts, tokens)  # one vectorised call
        else:
            proba, mod = np.zeros((0, len(model.labels))), np.zeros((0, len(model.modality_labels)))
        labels, thr = model.labels, dict(model.thresholds)
        if "done" in model.modality_labels and model.combination:
            p_done = mod[:, model.modality_labels.index("done")]
            comb = dict(model.combination)
    return Prepared(doc, sents, tokens, proba, tuple(labels), thr, has_sections=bool(doc.sections),
                    p_done=p_done, combination=comb)


def _hit_clause_counts(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, str]]:
    """Counts attached to the criterion phrase: in the clause of a keyword hit or a
    later clause of the sentence ("…列席有关会议,年内共2次"); the whole sentence
    when there is no keyword position."""
    qs = extract_counts(text)
    if not spans:
        return [(q.number, q.unit) for q in qs]
    first = min(a for a, _ in spans)
    cl = clauses(text)
    start = next((a for a, b in cl if a <= first < b), 0)
    return [(q.number, q.unit) for q in qs if q.span[0] >= start]


def assess(
    doc: "Document",
    criterion: "Criterion",
    *,
    sentences: Sequence[Sentence] | None = None,
    model: "EvidenceModel | None | bool" = None,
    prepared: Prepared | None = None,
    strategy: str | None = None,
    gate: float = DEFAULT_GATE,
    threshold: float | None = None,
) -> Assessment | None:
    """Judge one presence/count criterion on one document.

    Parameters
    ----------
    doc : Document
        A loaded document.
    criterion : Criterion
        ``scoring`` must be ``presence`` or ``count``; other kinds return None.
    sentences : sequence of Sentence, optional
        Precomputed sentences (ignored when ``prepared`` is given).
    model : EvidenceModel, None or False
        The classifier; None loads the shipped one, False uses keywords only.
    prepared : Prepared, optional
        From :func:`prepare`, to share work across criteria.
    strategy : str, optional
        One of :data:`STRATEGIES`; default ``veto`` with a model that has a
        modality head and combination thresholds, ``union`` with an older model,
        ``keywords`` without a model.
    gate : float
        For ``gated``: minimum probability for a keyword hit to count.
    threshold : float, optional
        Probability for a sentence without keywords to count; default the
        model's threshold for the label.

    Returns
    -------
    Assessment or None
        Verdict (met / partial / not_met), reason code, evidence best first.

    Examples
    --------
    >>> from scorer.model import Criterion, Document
    >>> d = Document(path="x", format="txt", text="本年度未召开新闻发布会。", kind="report",
    ...              title=None, agency=None, report_year=2021, published_on=None, metadata_source={})
    >>> c = Criterion(id="press_conference", title="新闻发布会", weight=1, keywords=("新闻发布会",))
    >>> a = assess(d, c, model=False)
    >>> a.verdict, a.reason
    ('not_met', 'denied')
    """
    if criterion.scoring not in _SCORED_HERE or not criterion.checkable:
        return None
    if prepared is None:
        prepared = prepare(doc, sentences=sentences, model=model)
    label = criterion.classifier_label or criterion.id
    proba = prepared.label_proba(label)
    veto_ok = prepared.p_done is not None
    if strategy is None:
        strategy = DEFAULT_STRATEGY if veto_ok else ("union" if proba is not None else "keywords")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}; got {strategy!r}")
    if strategy == "veto" and not veto_ok:
        strategy = "union" if proba is not None else "keywords"  # no modality head
    if proba is None and strategy not in ("keywords", "veto"):
        strategy = "keywords"  # the model does not know this criterion: keywords alone
    comb = prepared.combination
    if strategy == "veto":
        topic_thr = comb.get("topic_threshold")
        thr = float(threshold if threshold is not None else (topic_thr if topic_thr is not None else np.inf))
        veto = float((comb.get("done_veto_by_label") or {}).get(label, comb.get("done_veto") or 0.0))
        rescue = comb.get("done_rescue")
        topic_gate = (comb.get("topic_gate_by_label") or {}).get(label)
    else:
        thr = float(threshold if threshold is not None else prepared.thresholds.get(label, 0.5))

    sents = prepared.sentences
    kw_hits: dict[int, KeywordHit] = {
        h.index: h for h in find_candidates(sents, criterion, prepared.tokens, has_sections=prepared.has_sections,
                                            report_year=prepared.doc.report_year)
    }
    chosen: dict[int, KeywordHit | None] = {}
    if strategy in ("keywords", "union"):
        chosen.update(kw_hits)
    if strategy == "veto":
        # a keyword hit the topic classifier rejects ("加强数据解读" for policy
        # interpretation) is dropped where cross-validation chose a gate for the label
        chosen.update({i: h for i, h in kw_hits.items()
                       if topic_gate is None or proba is None or proba[i] >= float(topic_gate)})
    if strategy == "gated":
        chosen.update({i: h for i, h in kw_hits.items() if proba[i] >= gate})
    if strategy in ("classifier", "union", "gated") or (strategy == "veto" and proba is not None):
        allowed = set(criterion.sections) if (criterion.sections and prepared.has_sections) else None
        excl = tuple(e for e in criterion.exclude if e)
        ctx = context_words(criterion, prepared.doc.report_year)
        for i in np.flatnonzero(proba >= thr):
            i = int(i)
            s = sents[i]
            if i in chosen or (allowed is not None and s.section not in allowed):
                continue
            if excl and any(e in s.flat for e in excl):
                continue
            if not in_context(s.flat, ctx):
                continue
            chosen[i] = kw_hits.get(i)

    year = prepared.doc.report_year
    evidence: list[Evidence] = []
    for i in sorted(chosen):
        s = sents[i]
        hit = chosen[i]
        spans = hit.spans if hit else ()
        if hit is None:
            # a classifier-only sentence may still hold a weaker term of the criterion
            kws, spans = match_terms(s.flat, criterion_terms(criterion), prepared.tokens[i])
        else:
            kws = hit.keywords
        flat = s.flat
        j = judge_modality(flat, tuple(spans), report_year=year, section=s.section, improvement=s.improvement,
                           agency=prepared.doc.agency)
        modality = in_document(j, prepared.doc.kind)
        if strategy == "veto":
            p_done = float(prepared.p_done[i])
            if modality == "done" and p_done < veto:
                modality = "other"  # the regexes saw a deed, the modality head does not
            elif modality == "other" and rescue is not None and p_done >= float(rescue):
                modality = "done"
        months = tuple(sorted({mo for mm in extract_months(flat) for mo in mm.months}))
        evidence.append(
            Evidence(
                quote=s.text,
                span=s.span,
                section=s.section,
                probability=None if proba is None else float(proba[i]),
                modality=modality,
                counts=tuple(_hit_clause_counts(flat, spans)),
                months=months,
                keywords=tuple(kws),
            )
        )
    return _verdict(criterion, label, evidence, proba)


def _event_count(ev: Evidence) -> int | None:
    ns = [n for n, u in ev.counts if u in EVENT_UNITS]
    return max(ns) if ns else None


def _verdict(criterion: "Criterion", label: str, evidence: list[Evidence], proba: np.ndarray | None) -> Assessment:
    cid = criterion.id
    denial_ok = label in _DENIAL_SATISFIES or cid in _DENIAL_SATISFIES
    if denial_ok:
        # "未收取信息处理费" is the statement the criterion asks for
        evidence = [
            Evidence(e.quote, e.span, e.section, e.probability, "done", e.counts, e.months, e.keywords)
            if e.modality == "denied" else e
            for e in evidence
        ]
    done = [e for e in evidence if e.modality == "done"]

    def key(e: Evidence) -> tuple:
        # best first: deeds, then the ones stating a number/month, the classifier's
        # confidence, the number of matched terms; text order breaks ties
        specific = bool(criterion.min_count and _event_count(e) is not None) or bool(criterion.months and e.months)
        return (_MOD_RANK[e.modality], not specific, -(e.probability or 0.0), -len(e.keywords), e.span[0])

    def conf(es: Iterable[Evidence]) -> float | None:
        ps = [e.probability for e in es if e.probability is not None]
        return max(ps) if ps else None

    if done:
        reason, verdict, count = "matched", "met", None
        if criterion.min_count:
            counts = [c for c in (_event_count(e) for e in done) if c is not None]
            # a deed stated without a number is one occurrence
            count = max(counts) if counts else 1
            if count < criterion.min_count:
                verdict, reason = "partial", "below_min"
        if verdict == "met" and criterion.months:
            stated = [e for e in done if e.months]
            # a heading without a month ("4、召开政府开放日活动。") does not rescue a
            # detail sentence that names another month
            if stated and not any(set(e.months) & set(criterion.months) for e in stated):
                verdict, reason = "partial", "wrong_month"
        ordered = sorted(done, key=key) + sorted((e for e in evidence if e.modality != "done"), key=key)
        return Assessment(cid, verdict, reason, tuple(ordered[:_MAX_EVIDENCE]), confidence=conf(done), count=count)

    denied = [e for e in evidence if e.modality == "denied"]
    # only the agency's own plans make "planned_only"; requirements, rules, others'
    # acts and other years stay "no_evidence", each sentence keeping its class, which
    # scorer.explain words ("系上级或文件提出的要求" …)
    planned = [e for e in evidence if e.modality == "planned"]
    ordered = tuple(sorted(evidence, key=key)[:_MAX_EVIDENCE])
    if denied:
        return Assessment(cid, "not_met", "denied", ordered, confidence=conf(denied))
    if planned:
        return Assessment(cid, "not_met", "planned_only", ordered, confidence=conf(planned))
    c = None if proba is None or len(proba) == 0 else float(1.0 - proba.max())
    return Assessment(cid, "not_met", "no_evidence", ordered, confidence=c)


def assess_all(
    doc: "Document",
    criteria: "CriteriaSet | Iterable[Criterion]",
    *,
    sentences: Sequence[Sentence] | None = None,
    model: "EvidenceModel | None | bool" = None,
    strategy: str | None = None,
) -> dict[str, Assessment]:
    """Judge every presence/count criterion of a set on one document.

    Sentences, tokens and classifier probabilities are computed once.

    Parameters
    ----------
    doc : Document
        A loaded document.
    criteria : CriteriaSet or iterable of Criterion
        The criteria; rule/timeliness ones are skipped.
    sentences : sequence of Sentence, optional
        Precomputed sentences.
    model : EvidenceModel, None or False
        None loads the shipped model; False uses keywords only.
    strategy : str, optional
        See :func:`assess`.

    Returns
    -------
    dict
        criterion id -> Assessment, in criteria order.
    """
    items = getattr(criteria, "criteria", criteria)
    prep = prepare(doc, sentences=sentences, model=model)
    out: dict[str, Assessment] = {}
    for c in items:
        a = assess(doc, c, prepared=prep, strategy=strategy)
        if a is not None:
            out[c.id] = a
    return out
