"""Keyword retrieval: candidate sentences for a criterion.

A sentence is a candidate when it contains one of the criterion's ``keywords`` or
``synonyms`` and none of its ``exclude`` words, and lies in one of its ``sections``
(when the document has sections at all). Terms are matched as substrings, except
one-character terms, which must be a whole jieba token (so 会 does not hit 会议).
A term may hold ``…`` for "A then B within 12 characters" (``听取…汇报``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import Criterion
    from scorer.sentences import Sentence

__all__ = ["KeywordHit", "match_terms", "find_candidates", "criterion_terms", "term_gaps", "MAX_GAPS",
           "context_words", "in_context"]

_GAP = 12  # characters allowed between the parts of an "A…B" term
#: Most gaps one term may have (criteria files with more are refused by the loader):
#: the search is linear in the text, times the number of gaps.
MAX_GAPS = 8


@dataclass(frozen=True)
class KeywordHit:
    """A candidate sentence: its index in the sentence list, the terms that matched
    and their spans inside the sentence text."""

    index: int
    keywords: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def criterion_terms(criterion: "Criterion") -> tuple[str, ...]:
    """Keywords then synonyms of a criterion, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for t in (*criterion.keywords, *criterion.synonyms):
        t = t.strip()
        if t:
            seen.setdefault(t, None)
    return tuple(seen)


def term_gaps(term: str) -> int:
    """Number of ``…`` gaps in a term."""
    return max(0, len(_parts(term)) - 1)


@lru_cache(maxsize=4096)
def _parts(term: str) -> tuple[str, ...]:
    return tuple(p for p in re.split(r"…+|\.\.\.", term) if p)


def _search_gapped(text: str, parts: tuple[str, ...]) -> tuple[int, int] | None:
    """The span a regex ``A.{0,12}?B.{0,12}?C…`` would find, without the regex.

    Such a regex backtracks exponentially in the number of gaps on a hostile term or
    text; here each (part, position) that cannot lead to a match is remembered, so
    the search is linear in the text for a given term. Same answer as the regex:
    leftmost start, then the shortest gap first at each step; gaps hold no newline.
    """
    if not parts:
        return None
    failed: set[tuple[int, int]] = set()
    start = text.find(parts[0])
    while start >= 0:
        end = _follow(text, parts, start + len(parts[0]), failed)
        if end is not None:
            return start, end
        start = text.find(parts[0], start + 1)
    return None


def _follow(text: str, parts: tuple[str, ...], pos: int, failed: set[tuple[int, int]]) -> int | None:
    """End of parts[1:] placed after ``pos`` with gaps of at most ``_GAP`` (an explicit
    stack, not recursion: a term may have any number of gaps)."""
    if len(parts) == 1:
        return pos
    stack = [[1, pos, 0]]  # part index, where its gap starts, next gap length to try
    while stack:
        frame = stack[-1]
        k, at0, g = frame
        pushed = False
        while g <= _GAP:
            at = at0 + g
            if g > 0 and (at > len(text) or text[at - 1] == "\n"):
                break  # the gap ran past the text or over a line break
            g += 1
            if text.startswith(parts[k], at):
                end = at + len(parts[k])
                if k + 1 == len(parts):
                    return end
                if (k + 1, end) not in failed:
                    frame[2] = g
                    stack.append([k + 1, end, 0])
                    pushed = True
                    break
        if not pushed:
            failed.add((k, at0))
            stack.pop()
    return None


def match_terms(
    text: str,
    terms: Sequence[str],
    tokens: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Terms of ``terms`` found in ``text`` and the span of each first match.

    Parameters
    ----------
    text : str
        One sentence.
    terms : sequence of str
        Keywords (``A…B`` allowed).
    tokens : sequence of str, optional
        jieba tokens of ``text``; needed for one-character terms.

    Returns
    -------
    (tuple of str, tuple of (int, int))
        Matched terms (in ``terms`` order) and their spans in ``text``.

    Examples
    --------
    >>> match_terms("邀请相关利益第三方列席有关会议", ["列席", "公众代表"])
    (('列席',), ((9, 11),))
    """
    found, spans = [], []
    for term in terms:
        if len(term) == 1:
            if tokens is not None and term in tokens:
                i = text.find(term)
                found.append(term)
                spans.append((i, i + 1))
            continue
        if "…" in term or "..." in term:
            span = _search_gapped(text, _parts(term))
            if span is not None:
                found.append(term)
                spans.append(span)
            continue
        i = text.find(term)
        if i >= 0:
            found.append(term)
            spans.append((i, i + len(term)))
    return tuple(found), tuple(spans)


@lru_cache(maxsize=1024)
def _prefilter(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex that any sentence holding one of ``terms`` matches (the first part
    of an ``A…B`` term, or a one-character term): sentences it misses cannot match,
    so the per-term search runs only on the few that hit. None when a term has no
    usable literal."""
    heads = []
    for term in terms:
        head = re.split(r"…+|\.\.\.", term)[0] if ("…" in term or "..." in term) else term
        if not head:
            return None
        heads.append(re.escape(head))
    return re.compile("|".join(sorted(set(heads), key=lambda h: (-len(h), h)))) if heads else None


def context_words(criterion: "Criterion", report_year: int | None) -> tuple[str, ...]:
    """The criterion's ``context`` words with ``{year-1}`` filled in (dropped when the
    report year is unknown)."""
    out = []
    for w in criterion.context:
        if "{year-1}" in w:
            if report_year:
                out.append(w.replace("{year-1}", str(report_year - 1)))
        else:
            out.append(w)
    return tuple(out)


def in_context(text: str, words: tuple[str, ...]) -> bool:
    """True when ``words`` is empty or one of them stands in ``text``."""
    return not words or any(w in text for w in words)


def find_candidates(
    sentences: Sequence["Sentence"],
    criterion: "Criterion",
    tokens: Sequence[Sequence[str]] | None = None,
    *,
    has_sections: bool = True,
    report_year: int | None = None,
) -> list[KeywordHit]:
    """Candidate sentences for ``criterion`` by keyword match.

    Parameters
    ----------
    sentences : sequence of Sentence
        From :func:`scorer.sentences.split_sentences`.
    criterion : scorer.model.Criterion
        Uses ``keywords``, ``synonyms``, ``exclude`` and ``sections``.
    tokens : sequence of token lists, optional
        jieba tokens per sentence (for one-character terms).
    has_sections : bool
        False when the document's sections could not be found: then
        ``criterion.sections`` cannot be applied and is ignored.
    report_year : int, optional
        Fills ``{year-1}`` in the criterion's ``context`` words.

    Returns
    -------
    list of KeywordHit
        In sentence order.
    """
    terms = criterion_terms(criterion)
    if not terms:
        return []
    excl = tuple(e for e in criterion.exclude if e)
    ctx = context_words(criterion, report_year)
    allowed = set(criterion.sections) if (criterion.sections and has_sections) else None
    quick = _prefilter(tuple(terms))
    out = []
    for i, s in enumerate(sentences):
        if allowed is not None and s.section not in allowed:
            continue
        toks = tokens[i] if tokens is not None else None
        text = s.flat  # line breaks of wrapped PDF text removed
        if quick is not None and not quick.search(text):
            continue
        kws, spans = match_terms(text, terms, toks)
        if not kws:
            continue
        if excl and any((e in toks) if (len(e) == 1 and toks is not None) else (e in text) for e in excl):
            continue
        if not in_context(text, ctx):
            continue  # "局领导参加在线访谈1次" is no interpretation form without 解读
        out.append(KeywordHit(index=i, keywords=kws, spans=spans))
    return out
