"""The six sections of domain.md §2, found by their wording rather than their numeral.

Agencies renumber (上海市科委 puts 主动公开 under "一、" of a second part), add sections,
use alternative headings (一、概述 / 六、需要说明的其他事项与附表), drop the numeral, or —
in the 平潭 crawler dumps — glue the heading to the previous sentence and the next
one ("…联系电话：0591-23157559。一、总体情况2023年，我局…"). A heading is therefore a
numeral-led phrase from a per-section vocabulary, or that phrase alone on its line.
Rows of 表三 ("一、本年新收…", "四、结转下年度继续办理") are numeral-led too; their
wording is not in the vocabulary, so they never start a section.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from scorer.model import SECTION_KEYS, Section

_NUM = r"(?:[一二三四五六七八九十]{1,2}\s*[、.．]|第[一二三四五六七八九十]{1,2}部分[、:：\s]*|#{1,4}\s*)"

# (strong, weak) heading vocabularies per section. Strong = the national format's
# wording; weak = alternatives seen in the corpus. Strong candidates win.
_VOCAB: dict[str, tuple[str, str]] = {
    "overview": (r"总体情况", r"概述|概况|基本情况|工作概况"),
    "proactive": (r"(?:行政机关)?主动公开政府信息(?:的)?情况", r"主动公开(?:工作)?情况"),
    "requests": (
        r"(?:行政机关)?收到和处理政府信息公开申请(?:的)?情况",
        r"(?:依申请公开|政府信息公开申请)(?:工作)?(?:的)?情况",
    ),
    "review_litigation": (
        r"(?:因?政府信息公开(?:工作)?)?(?:被申请)?(?:政府信息公开)?行政法?复议[、和及与]?(?:提起)?行政诉讼(?:的)?情况",
        r"(?:政府信息公开)?(?:被申请)?行政法?复议[^。\n]{0,12}行政诉讼(?:的)?情况",
    ),
    "problems": (
        r"(?:政府信息公开)?(?:工作)?存在的主要问题(?:及|和|与)(?:其)?改进(?:情况|措施)",
        r"(?:政府信息公开|政务公开)?(?:工作)?(?:存在的(?:主要)?问题(?:及|和|与)?(?:改进)?(?:情况|措施)?|主要问题(?:及|和)改进(?:情况|措施))",
    ),
    "other": (
        # 其他需要报告事项 (without 的) in 莆田 pages is the national heading, not a variant
        r"其他需要报告的?事项",
        r"需要说明的其他事项(?:与附表)?|其他需要说明的事项|其他应说明的?事项|其他事项",
    ),
}



def _spread(pattern: str) -> str:
    """``pattern`` with line breaks and spaces allowed after each CJK character outside
    a character class: 莆田 pages print a numbered heading over several lines
    ("三、收到和处理" / "政府信息" / "公开申请" / "情况")."""
    out, in_class, skip = [], False, False
    for i, ch in enumerate(pattern):
        if skip:
            skip = False
            continue
        if ch == "[" and (i == 0 or pattern[i - 1] != "\\"):
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        elif not in_class and "\u4e00" <= ch <= "\u9fff":
            if pattern[i + 1:i + 2] == "?":  # an optional character stays optional
                out.append(rf"(?:{ch}\s*)?")
                skip = True
            else:
                out.append(ch + r"\s*")
            continue
        out.append(ch)
    return "".join(out)


_COMPILED: dict[str, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]] = {}
for _k, (_strong, _weak) in _VOCAB.items():
    _COMPILED[_k] = (
        # numeral-led, anywhere (headings glued into one-line dumps, or printed over lines)
        re.compile(rf"{_NUM}\s*(?:{_spread(_strong)})"),
        re.compile(rf"{_NUM}\s*(?:{_spread(_weak)})"),
        # a line that is just the phrase (no numeral), optionally bracket-numbered
        re.compile(rf"(?m)^[ \t]*(?:{_strong})[ \t]*$"),
    )

# Scanning the text once per pattern above is slow; these unions match wherever at
# least one of them can (numeral-led; own line, with a newline in place of ``^``),
# and _candidates tries the individual patterns only where they match.
# _NUM_SCAN is _NUM opening with the class of its possible first characters, so that
# the regex engine skips to them (a leading alternation makes it try every
# position); a lookbehind on that character then picks the alternative.
_N = "一二三四五六七八九十"
_NUM_SCAN = rf"[{_N}第#](?:(?<=[{_N}])[{_N}]?\s*[、.．]|(?<=第)[{_N}]{{1,2}}部分[、:：\s]*|(?<=#)#{{0,3}}\s*)"
_ANY_NUMBERED = re.compile(
    rf"{_NUM_SCAN}\s*(?:" + "|".join(f"(?:{_spread(s)})|(?:{_spread(w)})" for s, w in _VOCAB.values()) + ")"
)
_ANY_LINE = re.compile(r"(?m)\n[ \t]*(?:" + "|".join(f"(?:{s})" for s, _ in _VOCAB.values()) + r")[ \t]*$")

# Alternative heading for a missing section 五 seen in 上海市科委: "（一）主要问题".
_PROBLEMS_SUB_BODY = r"[ \t]*[（(]一[)）]\s*(?:存在的)?主要问题"
_PROBLEMS_SUB = re.compile(rf"(?m)^{_PROBLEMS_SUB_BODY}")

# Numbered lines at line start that are extra, agency-specific top-level sections.
_EXTRA_BODY = r"[ \t]*(?:[一二三四五六七八九十]{1,2}\s*、)\s*([^\n]{2,24})$"
_EXTRA = re.compile(rf"(?m)^{_EXTRA_BODY}")
_TABLE_ROWS = re.compile(r"本年新收|上年结转|本年度办理结果|结转下年度|行政复议|行政诉讼|予以公开")

# For _line_starts: the two patterns above with a newline in place of ``^``.
_PROBLEMS_SUB_SCAN = re.compile(rf"(?m)\n{_PROBLEMS_SUB_BODY}")
_EXTRA_SCAN = re.compile(rf"(?m)\n{_EXTRA_BODY}")


@dataclass(frozen=True)
class _Cand:
    key: str
    start: int
    end: int
    strength: int  # 2 strong numeral-led or own line, 1 weak, 0 fallback


def _candidates(text: str) -> list[_Cand]:
    # Numeral-led matches of each pattern, exactly as its own ``finditer`` would
    # give them: every position where one can match comes from _ANY_NUMBERED in text
    # order, and a pattern is tried there only past its own previous match.
    numbered: dict[tuple[str, str], tuple[re.Pattern[str], list[re.Match[str]]]] = {}
    for key, (strong, weak, _) in _COMPILED.items():
        numbered[key, "strong"] = (strong, [])
        numbered[key, "weak"] = (weak, [])
    m = _ANY_NUMBERED.search(text)
    while m is not None:
        p = m.start()
        for pat, found in numbered.values():
            if not found or p >= found[-1].end():
                mm = pat.match(text, p)
                if mm is not None:
                    found.append(mm)
        m = _ANY_NUMBERED.search(text, p + 1)
    starts = _line_starts(_ANY_LINE, text)

    out: list[_Cand] = []
    for key, (strong, weak, line) in _COMPILED.items():
        for m in numbered[key, "strong"][1]:
            out.append(_Cand(key, m.start(), m.end(), 2))
        for m in _line_matches(line, starts, text):
            out.append(_Cand(key, m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end(), 2))
        for m in numbered[key, "weak"][1]:
            out.append(_Cand(key, m.start(), m.end(), 1))
    for m in _line_matches(_PROBLEMS_SUB, _line_starts(_PROBLEMS_SUB_SCAN, text), text):
        out.append(_Cand("problems", m.start(), m.end(), 0))
    return out


def _line_starts(scan: re.Pattern[str], text: str) -> list[int]:
    """0 and each line start whose preceding newline ``scan`` matches.

    ``scan`` is a ``(?m)^…`` pattern (or a union of them) with ``\\n`` in place of
    ``^``: the regex engine jumps from newline to newline, where ``^`` would make it
    try every character.
    """
    starts = [0]
    m = scan.search(text)
    while m is not None:
        starts.append(m.start() + 1)
        m = scan.search(text, m.start() + 1)
    return starts


def _line_matches(pattern: re.Pattern[str], starts: list[int], text: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)``, for a ``(?m)^…`` pattern that never
    matches empty and can match only at ``starts`` (from :func:`_line_starts`)."""
    end = 0
    for p in starts:
        if p >= end:  # finditer resumes after the previous match
            m = pattern.match(text, p)
            if m is not None:
                yield m
                end = m.end()


def find_sections(text: str) -> tuple[Section, ...]:
    """Sections in text order, with spans.

    For each key in the national order, the first strong candidate after the previous
    section is taken; failing that a weak one, then a fallback. A key with no
    candidate is simply absent (validation reports ``S-section-missing``).
    """
    cands = _candidates(text)
    chosen: list[_Cand] = []
    pos = 0
    for key in SECTION_KEYS:
        pick = None
        for strength in (2, 1, 0):
            pool = [c for c in cands if c.key == key and c.strength == strength and c.start >= pos]
            if pool:
                pick = min(pool, key=lambda c: (c.start, -c.end))
                # a strong heading much later is preferable to a weak one inside the
                # previous section only when no strong one exists: handled by order
                break
        if pick is None:
            continue
        # Do not let a weak/fallback match jump over a later key's strong heading.
        later_strong = [
            c.start
            for c in cands
            if c.strength == 2 and c.start >= pos and SECTION_KEYS.index(c.key) > SECTION_KEYS.index(key)
        ]
        if pick.strength < 2 and later_strong and pick.start > min(later_strong):
            continue
        chosen.append(pick)
        pos = pick.end
    extras = _extra_sections(text, chosen)
    marks = sorted([(c.start, c.end, c.key) for c in chosen] + extras)
    sections: list[Section] = []
    # next start after s, found by bisection (thousands of headings made a scan quadratic)
    all_starts = [m[0] for m in marks]
    canon_starts = [m[0] for m in marks if m[2] is not None]
    for s, e, k in marks:
        starts = all_starts if k is None else canon_starts
        i = bisect_right(starts, s)
        nxt = starts[i] if i < len(starts) else len(text)
        sections.append(Section(key=k, heading=text[s:e].strip(), start=s, body_start=e, end=nxt))
    return tuple(sections)


def _extra_sections(text: str, chosen: list[_Cand]) -> list[tuple[int, int, None]]:
    """Numbered headings on their own line that are not one of the six (上海市科委's
    二、工作机制保障 …). Only meaningful for documents with real line structure."""
    if text.count("\n") < 10:
        return []
    taken = {c.start for c in chosen}
    spans = [(c.start, c.end) for c in chosen]
    out: list[tuple[int, int, None]] = []
    for m in _line_matches(_EXTRA, _line_starts(_EXTRA_SCAN, text), text):
        title = m.group(1)
        if _TABLE_ROWS.search(title) or any(a <= m.start() < b for a, b in spans):
            continue
        # an indented heading starts after its indent: compare that position, or one
        # of the six would be listed a second time as an extra section
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        if re.search(r"[。；;，,]$", title) or m.start() in taken or start in taken:
            continue
        out.append((start, m.end(), None))
    return out


# A heading's title (its numeral taken off) against the same vocabularies, for the
# outline audit (scorer/outline.py), which names the section a printed heading stands
# for without changing which sections are found.
_TITLE_VOCAB: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    k: (re.compile(s), re.compile(w)) for k, (s, w) in _VOCAB.items()
}


def heading_key(title: str) -> tuple[str, int] | None:
    """The statutory section a heading title names, and how surely (2: the national
    format's wording; 1: a wording seen in reports), or None.

    >>> heading_key("其他需要报告的事项")
    ('other', 2)
    >>> heading_key("存在的主要问题及下一步工作计划")
    ('problems', 1)
    """
    for strength, i in ((2, 0), (1, 1)):
        for key, pats in _TITLE_VOCAB.items():
            if pats[i].search(title):
                return key, strength
    return None
