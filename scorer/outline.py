"""The outline audit (issue 12): the report's top-level headings as printed, the
statutory section each stands for, and what is wrong with them.

:mod:`scorer.sections` finds the six sections however they are numbered or worded,
and must stay that tolerant: a shifted numeral or a reworded heading must never make
a table unreadable. What that tolerance hides is itself a defect an evaluator marks,
so this module reports it on its own, reading the same text and sections and
changing neither:

- ``two_systems``: the statutory headings numbered in two systems (一、 / （三） / 4.);
- ``subtopic``: sub-topics of 总体情况 numbered as top-level sections ("二、工作机制保障"
  inside 一), which push the statutory headings out of place;
- ``shifted``: a statutory heading whose printed ordinal is not its statutory one;
- ``missing_heading``: a section that starts with its first sub-heading ("（一）主要问题")
  instead of its own heading; ``no_ordinal``: a statutory heading without its numeral;
- ``renamed``: a statutory heading worded otherwise than the national formats
  (国办公开办函〔2019〕60号 / 〔2021〕30号) word it — info, never charged;
- ``doubled``: a doubled numeral ("三三、本年度办理结果"); ``duplicated``: one statutory
  heading printed twice as a top-level heading.

Only the facts live here; their Chinese wording is :func:`scorer.explain.outline_message`.
"""
from __future__ import annotations

import re
from itertools import islice
from dataclasses import dataclass, replace
from typing import Sequence

from scorer.model import SECTION_KEYS, Document, Finding, Section, make_finding
from scorer.sections import heading_key

__all__ = ["Heading", "Defect", "Outline", "audit_outline", "audits_lines", "outline_findings", "SYSTEMS", "DEFECT_KINDS"]

#: Numbering systems of a heading, shown as their first ordinal; ``""`` is none.
SYSTEMS: tuple[str, ...] = ("一、", "（一）", "1.", "第一部分", "")

#: Defect kinds and their severity: warning for what an evaluator marks as a format
#: defect of the outline, info for wording (never charged).
DEFECT_KINDS: dict[str, str] = {
    "two_systems": "warning",
    "subtopic": "warning",
    "shifted": "warning",
    "missing_heading": "warning",
    "no_ordinal": "warning",
    "duplicated": "warning",
    "renamed": "info",
    "doubled": "info",
}

_CN = "一二三四五六七八九十"
_ORDINAL = re.compile(
    rf"[ \t#]*(?:(?P<cn>[{_CN}]{{1,3}})\s*[、.．]"
    rf"|[（(]\s*(?P<paren>[{_CN}]{{1,3}})\s*[)）]"
    r"|(?P<arabic>\d{1,2})\s*[.．、](?!\d)"
    rf"|第(?P<part>[{_CN}]{{1,3}})(?:部分|章))[ \t、:：]*\s*"
)
_SYSTEM_OF = {"cn": "一、", "paren": "（一）", "arabic": "1.", "part": "第一部分"}
#: Top-level systems: a heading numbered otherwise inside a section is a sub-item.
_TOP = ("一、", "第一部分")

# Rows of 表三 are numbered like headings ("一、本年新收…", "三、本年度办理结果").
_TABLE_ROW = re.compile(r"本年度?新收|上年度?结转|本年度?办\s*理|办理结果|结转下年度|申请数量")

# The national formats' wordings of each heading (2019 and 2021 texts, corpora/format/),
# compared after _normal: no spaces or punctuation, connectors 、和与及 alike.
_ACCEPTED: dict[str, re.Pattern[str]] = {
    "overview": re.compile(r"总体情况"),
    "proactive": re.compile(r"(?:行政机关)?主动公开政府信息(?:的)?情况"),
    "requests": re.compile(r"(?:行政机关)?收到、处理政府信息公开申请(?:的)?情况"),
    "review_litigation": re.compile(
        r"(?:因政府信息公开工作被申请行政复议、提起行政诉讼|政府信息公开行政复议、行政诉讼)(?:的)?情况"),
    "problems": re.compile(r"(?:政府信息公开(?:工作)?)?存在的主要问题、改进情况"),
    "other": re.compile(r"其他需要报告的事项"),
}

# Looser words for a numbered heading that stands where a section the detector did
# not name should be, printed with that section's own ordinal ("六、其他应说明事项").
_LOOSE: dict[str, re.Pattern[str]] = {
    "overview": re.compile(r"总体|概述|概况|基本情况"),
    "proactive": re.compile(r"主动公开"),
    "requests": re.compile(r"依申请|公开申请"),
    "review_litigation": re.compile(r"复议|诉讼"),
    "problems": re.compile(r"问题|不足"),
    "other": re.compile(r"其他|需要说明|应说明"),
}

# A doubled numeral where a heading or table row is numbered: "三三、本年度办理结果".
_DOUBLED = re.compile(rf"(?<![\u4e00-\u9fff])([{_CN[:-1]}])\1\s*[、．]")

_SENTENCE_PUNCT = re.compile(r"[。；;，,：:！？]")
_TOC = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|－{3,})\s*\d*\s*$")
# A word every section vocabulary (scorer.sections) holds: titles without one are
# not looked up (a long list of numbered lines must not cost a dozen searches each).
_HINT = re.compile(r"情况|事项|问题|概述|概况|复议|诉讼|主动公开|申请|措施|计划")
#: At most this many doubled numerals, or headings printed twice, are reported.
_MAX_DOUBLED = 5
#: Numbered lines read as possible headings: a report has a few dozen (the corpus at
#: most 136); a text of nothing but numbered lines must not cost minutes.
_MAX_LINES = 2000
_LINE_START = re.compile(r"\n(?=[ \t#]*(?:[一二三四五六七八九十（(第]|\d{1,2}\s*[.．、]))")


@dataclass(frozen=True)
class Heading:
    """A top-level heading as printed.

    ``system`` is one of :data:`SYSTEMS`; ``ordinal`` the value of its numeral (None
    without one, or for a malformed numeral such as 三三); ``numeral`` the numeral as
    printed ("一、", "（三）"); ``title`` the words after it, spaces removed; ``key``
    the statutory section it stands for (None for an agency's own section)."""

    start: int
    end: int
    system: str
    ordinal: int | None
    numeral: str
    title: str
    key: str | None

    @property
    def printed(self) -> str:
        return self.numeral + self.title


@dataclass(frozen=True)
class Defect:
    """One defect of the outline: its kind (:data:`DEFECT_KINDS`), the headings it
    concerns (first one locates it), the statutory section (when one), and for
    ``shifted`` the ordinal each heading should carry, for ``two_systems`` the main
    system."""

    kind: str
    headings: tuple[Heading, ...]
    key: str | None = None
    expected: tuple[int, ...] = ()
    main_system: str = ""
    #: the statutory section has no heading the section detector recognised
    #: (S-section-missing names it): the defect is that finding's cause
    unrecognised: bool = False
    trailing_punct: bool = False

    @property
    def severity(self) -> str:
        return DEFECT_KINDS[self.kind]


@dataclass(frozen=True)
class Outline:
    """Top-level headings in text order (statutory and the agency's own), the
    heading chosen for each statutory section, and the defects."""

    headings: tuple[Heading, ...]
    statutory: dict[str, Heading]
    defects: tuple[Defect, ...]


_DIGITS = {c: i for i, c in enumerate(_CN[:-1], 1)}


def _cn_value(s: str) -> int | None:
    """一..九十九 → int; None for what is not a numeral (三三, 十十)."""
    digits = _DIGITS
    if s in digits:
        return digits[s]
    m = re.fullmatch(rf"([{_CN[:-1]}]?)十([{_CN[:-1]}]?)", s)
    if not m:
        return None
    return (digits[m.group(1)] if m.group(1) else 1) * 10 + (digits[m.group(2)] if m.group(2) else 0)


def _parse(text: str, start: int) -> tuple[str, int | None, str, int]:
    """(system, ordinal, numeral as printed, end of the numeral) at ``start``."""
    m = _ORDINAL.match(text, start)
    if m is None or m.end() == start:
        return "", None, "", start
    name = next(g for g in _SYSTEM_OF if m.group(g))
    value = int(m.group(name)) if name == "arabic" else _cn_value(m.group(name))
    numeral = "".join(m.group(0).split()).lstrip("#")
    return _SYSTEM_OF[name], value, numeral, m.end()


def _normal(title: str) -> str:
    t = "".join(title.split())
    t = re.sub(r"[和与及]", "、", t)
    return _SENTENCE_PUNCT.sub("", t)


def _line_end(text: str, pos: int) -> int:
    e = text.find("\n", pos)
    return len(text) if e < 0 else e


def _title_after(text: str, pos: int, joins: bool = True) -> str:
    """The words of a heading from ``pos`` (after its numeral): the rest of its line,
    joined (``joins``) with the short lines a crawler broke it into ("三、收到和处理⏎
    政府信息⏎公开申请⏎情况") when that completes a section's wording."""
    end = _line_end(text, pos)
    first = "".join(text[pos:end].split())
    hk = _key_of(first) if first else None
    if not joins or (hk is not None and (hk[1] == 2 or _accepted(hk[0], first))) or len(first) > 24:
        return first
    parts, p = [first], end + 1
    # a crawler breaks a heading into at most a few short pieces; a numbered line is
    # the next heading
    while p < len(text) and len(parts) <= 5 and len("".join(parts)) < 40:
        e = _line_end(text, p)
        piece = "".join(text[p:e].split())
        if len(piece) > 12 or _ORDINAL.match(piece):
            break
        parts.append(piece)
        joined = "".join(parts)
        hj = _key_of(joined)
        if hj is not None and (hj[1] == 2 or _accepted(hj[0], joined)):
            return joined
        p = e + 1
    return first


def _key_of(title: str) -> tuple[str, int] | None:
    return heading_key(title) if _HINT.search(title) else None


def _accepted(key: str, title: str) -> bool:
    return _ACCEPTED[key].fullmatch(_normal(title)) is not None


def _extend_glued(text: str, start: int, end: int) -> str:
    """A heading glued to its body in a one-line dump ends where the body starts: a
    digit, bracket or punctuation; the words up to there (a few at most)."""
    words = "".join(text[start:end].split())
    if not words.endswith(("及", "和", "与", "的", "、")):
        return words
    m = re.match(r"[^\d（(。，；：:、,.\s“《]{0,10}", text[end:])
    return words + "".join(m.group(0).split()) if m else words


def _advance(text: str, pos: int, n: int) -> int:
    """The offset after ``n`` non-space characters from ``pos`` (a title joined
    across lines ends where its last character is)."""
    while n > 0 and pos < len(text):
        if not text[pos].isspace():
            n -= 1
        pos += 1
    return pos


def _is_toc(text: str, pos: int) -> bool:
    """An entry of a table of contents: dot leaders, a page number at the end."""
    line = text[pos:_line_end(text, pos)]
    return bool(_TOC.search(line))


def audits_lines(text: str) -> bool:
    """True when the text keeps its lines, so that the checks needing a heading's
    line (sub-topics numbered as sections, two numbering systems, a heading printed
    twice) run; a one-line crawler dump gets only the statutory headings' checks."""
    return text.count("\n") >= 10



def _line_headings(text: str) -> list[Heading]:
    """Numbered headings at line starts (texts with line structure only)."""
    out: list[Heading] = []
    # line starts found by their newline (a ``^`` pattern is tried at every character)
    starts = [0] + [m.end() for m in islice(_LINE_START.finditer(text), _MAX_LINES)]
    for at in starts:
        system, ordinal, numeral, after = _parse(text, at)
        if not system or _is_toc(text, at):
            continue
        # only a top-level numeral may stand on a line of its own or be broken off
        title = _title_after(text, after, joins=system in _TOP)
        if not title or _TABLE_ROW.search(title) or title.startswith(("|", "｜")):
            continue
        hk = _key_of(title)
        key = hk[0] if hk else None
        if key is None:
            # an agency's own top-level section: short, not a sentence, top-level system
            if system not in _TOP or not 2 <= len(title) <= 24 or _SENTENCE_PUNCT.search(title):
                continue
        elif len(title) > 40 or _SENTENCE_PUNCT.search(title[:-1]):
            continue
        start = at
        while text[start] in " \t#":
            start += 1
        out.append(Heading(start, _advance(text, after, len(title)), system, ordinal, numeral, title, key))
    return out


def _from_section(text: str, s: Section, lined: bool) -> Heading:
    system, ordinal, numeral, after = _parse(text, s.start)
    if lined:
        title = _title_after(text, after) or "".join(text[after:s.body_start].split())
        hk = _key_of(title)
        if hk is None or hk[0] != s.key:
            title = "".join(text[after:s.body_start].split())
    else:
        title = _extend_glued(text, after, s.body_start)
        hk = heading_key("".join(text[after:s.body_start].split()))
        if hk is not None and hk[1] == 2:  # the format's own words: nothing to extend
            title = "".join(text[after:s.body_start].split())
    return Heading(s.start, s.body_start, system, ordinal, numeral, title, s.key)


def audit_outline(text: str, sections: Sequence[Section]) -> Outline:
    """The outline facts of a report: top-level headings as printed, the heading of
    each statutory section, and the defects (see the module docstring).

    Parameters
    ----------
    text : str
        ``Document.text``.
    sections : sequence of Section
        ``Document.sections`` (:func:`scorer.sections.find_sections`), not changed.
    """
    lined = audits_lines(text)
    found = {s.key: s for s in sections if s.key is not None}
    lines = _line_headings(text) if lined else []
    statutory: dict[str, Heading] = {}
    unrecognised: set[str] = set()
    order = list(SECTION_KEYS)

    for key in order:
        s = found.get(key)
        if s is not None:
            statutory[key] = _from_section(text, s, lined)
    # the detector may take a section's name from the report's opening sentence (a
    # crawler broke it onto a line of its own) or from a table of contents; the
    # numbered heading in the body is the printed one
    for key, h in list(statutory.items()):
        toc = _is_toc(text, h.start) if lined else False
        if h.system and not toc:
            continue
        nxt = len(text) if toc else _next_start(key, statutory, text)
        better = [x for x in lines if x.key == key and x.system and h.start < x.start < nxt
                  and not _is_toc(text, x.start)]
        if better:
            statutory[key] = replace(better[0], key=key)
    # a section the detector did not name, printed under a heading of other words
    for i, key in enumerate(order):
        if key in statutory:
            continue
        prev = max((statutory[k].end for k in order[:i] if k in statutory), default=0)
        nxt = _next_start(key, statutory, text)
        # numbered in another system only with its own ordinal ("（三）收到和处理…"),
        # or a sub-item of the section before would pass for it
        cands = [x for x in lines if prev <= x.start < nxt and (
            (x.key == key and (x.system in _TOP or x.ordinal == i + 1))
            or (x.key is None and x.system in _TOP and x.ordinal == i + 1 and _LOOSE[key].search(x.title)))]
        if cands:
            pick = min(cands, key=lambda x: (x.system not in _TOP, x.start))
            statutory[key] = replace(pick, key=key)
            unrecognised.add(key)

    chosen = {h.start for h in statutory.values()}
    # the agency's own top-level headings (a sub-topic worded like a section is not it)
    others = [replace(h, key=None) for h in lines if h.start not in chosen and h.system in _TOP]
    heads = sorted(list(statutory.values()) + others, key=lambda h: h.start)
    defects = _defects(text, statutory, others, unrecognised)
    return Outline(tuple(heads), statutory, tuple(defects))


def _next_start(key: str, statutory: dict[str, Heading], text: str) -> int:
    later = SECTION_KEYS[SECTION_KEYS.index(key) + 1:]
    return min((statutory[k].start for k in later if k in statutory), default=len(text))


def _defects(text: str, statutory: dict[str, Heading], others: list[Heading],
             unrecognised: set[str]) -> list[Defect]:
    out: list[Defect] = []
    keys = [k for k in SECTION_KEYS if k in statutory]
    # a section opened by its first sub-heading: "（一）主要问题" standing for 五
    stand_in = {k for k in keys if statutory[k].system == "（一）" and statutory[k].ordinal == 1
                and SECTION_KEYS.index(k) != 0}
    numbered = [k for k in keys if statutory[k].system and k not in stand_in]
    counts: dict[str, int] = {}
    for k in numbered:
        counts[statutory[k].system] = counts.get(statutory[k].system, 0) + 1
    # the main system: the most used, the top-level one on a tie
    main = max(counts, key=lambda s: (counts[s], s in _TOP, -SYSTEMS.index(s))) if counts else ""

    overview = statutory.get("overview")
    if overview is not None and overview.system in _TOP:
        limit = _next_start("overview", statutory, text)
        subs = tuple(h for h in others if overview.start < h.start < limit and h.system == overview.system)
        if subs:
            out.append(Defect("subtopic", subs, "overview"))

    if len(counts) > 1:
        odd = tuple(statutory[k] for k in numbered if statutory[k].system != main)
        out.append(Defect("two_systems", odd, main_system=main))

    # printed ordinals against statutory ones, unless a missing section explains them
    # (the rest renumbered in order: S-section-missing has charged that already)
    shifted, expected, explained = [], [], True
    for k in numbered:
        h = statutory[k]
        want = SECTION_KEYS.index(k) + 1
        if h.system != main or h.ordinal is None or h.ordinal == want:
            continue
        missing_before = sum(1 for j in SECTION_KEYS[:want - 1] if j not in statutory)
        explained = explained and h.ordinal == want - missing_before
        shifted.append(h)
        expected.append(want)
    if shifted and not explained:
        out.append(Defect("shifted", tuple(shifted), expected=tuple(expected)))

    for k in keys:
        h = statutory[k]
        if k in stand_in:
            out.append(Defect("missing_heading", (h,), k))
            continue
        if not h.system and main:
            out.append(Defect("no_ordinal", (h,), k, main_system=main))
        norm = _normal(h.title)
        accepted = _ACCEPTED[k].fullmatch(norm) is not None
        punct = bool(h.title) and _SENTENCE_PUNCT.match(h.title[-1]) is not None
        if h.title and (not accepted or punct):
            out.append(Defect("renamed", (h,), k, unrecognised=k in unrecognised, trailing_punct=punct))

    # one statutory heading printed twice at top level, outside 总体情况's sub-topics
    after_overview = _next_start("overview", statutory, text) if overview is not None else 0
    for h in others:
        hk = _key_of(h.title)
        if hk is not None and hk[1] == 2 and hk[0] in statutory and h.start >= after_overview \
                and h.ordinal == SECTION_KEYS.index(hk[0]) + 1:
            out.append(Defect("duplicated", (statutory[hk[0]], h), hk[0]))
            if sum(d.kind == "duplicated" for d in out) >= _MAX_DOUBLED:
                break

    for m in _DOUBLED.finditer(text):
        if sum(d.kind == "doubled" for d in out) >= _MAX_DOUBLED:
            break
        words = re.match(r"[^\d（(。，；\n|]{0,16}", text[m.end():])
        title = "".join(words.group(0).split()) if words else ""
        system, ordinal, numeral, _ = _parse(text, m.start())
        out.append(Defect("doubled", (Heading(m.start(), m.end(), system, None, numeral, title, None),)))
    return sorted(out, key=lambda d: (d.headings[0].start, d.kind))


def outline_findings(doc: Document, findings: Sequence[Finding] = ()) -> list[Finding]:
    """The S-outline findings of a report (none for a document of another kind):
    one per defect, quoting the headings, located at the first of them.

    Warnings share one cause (``outline``), so the outline costs at most one
    deduction. A reworded heading that the section detector did not recognise, so
    that ``findings`` hold an S-section-missing for its section, is that finding's
    cause and shares it (charged once)."""
    if doc.kind != "report":
        return []
    from scorer.explain import outline_message

    missing = {f.where.split(":", 1)[1] for f in findings if f.id == "S-section-missing"}
    out = []
    for d in audit_outline(doc.text, doc.sections).defects:
        first = d.headings[0]
        d = replace(d, unrecognised=d.unrecognised and d.key in missing)
        cells = (f"section:{d.key}",) if d.unrecognised else ("outline",)
        out.append(make_finding(
            "S-outline", "outline", outline_message(doc, d), (first.start, first.end),
            {"kind": d.kind, "headings": len(d.headings)}, severity=d.severity, cells=cells))
    return out
