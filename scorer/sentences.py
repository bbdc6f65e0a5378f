"""Sentence segmentation of a loaded report, with exact spans and section keys.

Sentences are the unit of evidence: keyword retrieval, the classifier and the
done/planned/denied judgement all work on them, and every quote the engine shows is
``doc.text[start:end]`` of one sentence.

What starts a new sentence (why: reports are often one run-on paragraph):

* Chinese sentence punctuation 。！？；(and ASCII !?;) and newlines;
* list items: ``一是…二是…``, ``(一)…``/``（一）…``, ``1、…``/``1.…``, ``一、…``;
* section headings: a heading glued to the previous or next sentence (平潭 dumps:
  ``…0591-23157559。一、总体情况2023年，我局…``) is cut off at the section's
  ``start`` and ``body_start`` offsets, which the loader found.

Table text is not prose and is skipped: the spans of ``doc.tables`` and any segment
that looks like a table row (``|``/tab separated, mostly digits, run-on digit strings
next to table column labels).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scorer.clean import HEADER_FIELDS

if TYPE_CHECKING:  # pragma: no cover
    from scorer.model import Document

__all__ = ["Sentence", "split_sentences", "split_text", "improvement_start", "plan_start", "is_text_runs"]

Span = tuple[int, int]


@dataclass(frozen=True)
class Sentence:
    """One prose sentence of a document.

    ``text == doc.text[span[0]:span[1]]``; ``section`` is the canonical section key
    (domain.md §2) or None outside the six sections. ``improvement`` is True for
    sentences in the improvement half of section 五 (改进措施/下一步/明年…) or in the
    plan part of a text that is not an annual report (:func:`plan_start`), which
    state plans, not deeds.
    """

    text: str
    span: Span
    section: str | None
    improvement: bool = False

    @property
    def flat(self) -> str:
        """The text with line breaks of wrapped PDF/Markdown lines removed, for
        matching and classification ("政策\n解读" -> "政策解读")."""
        return _BREAK.sub("", self.text) if "\n" in self.text else self.text

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "span": list(self.span),
            "section": self.section,
            "improvement": self.improvement,
        }


# --------------------------------------------------------------------------- boundaries

_CN_NUM = "一二三四五六七八九十"
# A boundary *after* these characters (closing quotes/brackets stay with the sentence).
_TERMINATOR = re.compile(r"[。！？；!?;]+[”’」』）)】]*")
# Characters after which a list marker may start a new item.
_ITEM_CONTEXT = "：:，,；;。！？!?、 \t\u3000\n*#"
# List markers. The pattern opens with the class of their first characters, so
# that a search skips straight to those (a leading lookbehind would make the regex
# engine try every position); a lookbehind then says which alternative that
# character starts, and a "not preceded by X" test moves one character later:
# (?<!X)c is written c(?<!X.).
_ITEM_MARKERS = re.compile(
    rf"[{_CN_NUM}（(\d](?:"
    rf"(?<=[{_CN_NUM}])(?<![第统唯同单万合\d].)[{_CN_NUM}]{{0,2}}是(?![否非])"  # 一是 二是 (not 统一是, 是否)
    rf"|(?<=[（(])(?<!第.)[{_CN_NUM}]{{1,3}}[）)]"  # （一） (not 第（一）项)
    rf"|(?<=[（(])\d{{1,2}}[）)]"  # （1）
    rf"|(?<=\d)(?<![\d.．].)\d?[、．.](?![\d%])"  # 1、 1. (not 2.5, 1.5%)
    rf"|(?<=[{_CN_NUM}])[{_CN_NUM}]{{0,2}}、)"  # 一、 (headings)
)
_SPACE = " \t\r\n\u3000\xa0"
_BREAK = re.compile(r"[ \t\u3000]*\r?\n[ \t\u3000]*")
_LINE_END = "。！？；：:!?;”」）)】"

# Column labels of the statutory tables: text holding these is a (flattened) table.
_TABLE_MARKERS = (
    "本年制发件数", "本年废止件数", "现行有效件数", "本年新制作数量", "本年新公开数量",
    "对外公开总数量", "上一年项目数量", "本年增/减", "处理决定数量", "本年处理决定数量",
    "本年收费金额", "采购项目数量", "采购总金额", "申请人情况", "商业企业", "科研机构",
    "社会公益组织", "法律服务机构", "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量",
    "本年度办理结果", "结转下年度继续办理", "结果维持", "结果纠正", "其他结果", "尚未审结",
    "未经复议直接起诉", "复议后起诉", "信息内容", "属于国家秘密", "信访举报投诉类申请",
)
_ANY_TABLE_MARKER = re.compile("|".join(map(re.escape, _TABLE_MARKERS)))
_DIGIT_RUN = re.compile(r"\d[\d\s]{4,}\d|\d{5,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_TABLE_SECTIONS = ("proactive", "requests", "review_litigation")


def _is_table_like(seg: str, section: str | None) -> bool:
    """True for a segment that is a table row or a flattened table, not prose."""
    if seg.count("|") >= 2 or seg.count("\t") >= 2:
        return True
    cjk = sum(map(len, _CJK_RUN.findall(seg)))
    if cjk == 0:
        return True  # numbers, URLs, punctuation debris
    n = len(seg)
    # CJK ideographs are never digits, so a segment that is at least half CJK (most
    # prose) cannot be mostly digits: count the digits only otherwise
    if n >= 6 and 2 * (n - cjk) > n and sum(map(str.isdigit, seg)) / n > 0.5:
        return True
    # one regex search tells whether any marker is there; count them only then
    markers = sum(map(seg.__contains__, _TABLE_MARKERS)) if _ANY_TABLE_MARKER.search(seg) else 0
    if markers >= 2:
        return True
    # run-on digits ("713000074") inside a table section are flattened cells; a
    # phone number there is harmless to drop. (Digit runs are looked for only when
    # they decide.)
    if markers or (section in _TABLE_SECTIONS and "，" not in seg and "。" not in seg):
        return any(r.strip() != "12345" for r in _DIGIT_RUN.findall(seg))
    return False


def _soft_wrap(text: str, line_start: int, nl: int) -> bool:
    """True for a line break inside a sentence: PDF and Markdown text layers wrap
    paragraphs at a fixed width ("《中华人民共和\n国政府信息公开条例》"). A long line that
    does not end a clause, followed by a line that does not start an item, wraps."""
    line = text[line_start:nl].strip()
    if len(line) < 20 or line[-1] in _LINE_END or "|" in line or "\t" in line:
        return False
    j = nl + 1
    while j < len(text) and text[j] in " \t\u3000":
        j += 1
    if j >= len(text) or text[j] in "\n#*|" or _ITEM_MARKERS.match(text, j):
        return False
    return True


# Text runs: some crawler dumps (莆田) print each run of an HTML paragraph on a line of
# its own, so a line break falls anywhere ("今年我局主动公开的政府信息数\n37件，其中…",
# "20\n21年度"). Such a text has lines that open with a clause mark or end on a comma.
_RUN_OPENS = re.compile(r"^[ \t\u3000]*[，,。、；;：:》”）)！？]", re.M)
_RUN_ENDS = re.compile(r"[，,、《“（(][ \t\u3000]*$", re.M)
_RUN_LINE_END = "。！？；!?;"
#: Lines that open or end mid-sentence from which a text is read as runs.
RUN_LINES = 3
# an enumerated heading on a line of its own ("（一）做好政府信息主动公开工作"), and a
# bare enumeration mark ("二是", "（")
_ENUM_LINE = re.compile(rf"(?:[（(][{_CN_NUM}\d]{{1,3}}[）)]|[{_CN_NUM}]{{1,3}}[、.．是]|\d{{1,2}}[、.．](?!\d))")
_BARE_MARK = re.compile(rf"^(?:[（(]|[（(]?[{_CN_NUM}\d]{{1,3}}[）)、.．]?|[{_CN_NUM}]{{1,3}}是)$")
# the crawler's header fields ("发布时间: 2022-01-14"), never joined to prose
_FIELD_LINE = re.compile(r"(?:" + "|".join(HEADER_FIELDS) + r")\s*[:：]")


def is_text_runs(text: str, fmt: str | None = None) -> bool:
    """True for a text whose line breaks fall inside sentences (one HTML text run per
    line): at least :data:`RUN_LINES` lines open with a clause mark or end on a comma.
    PDF text layers have their own wrapping rule (:func:`_soft_wrap`)."""
    if fmt == "pdf":
        return False
    n = 0
    for rx in (_RUN_OPENS, _RUN_ENDS):
        for _ in rx.finditer(text):
            n += 1
            if n >= RUN_LINES:
                return True
    return False


def _run_on(text: str, line_start: int, nl: int) -> bool:
    """In a text of runs: the line break at ``nl`` continues the sentence, unless the
    line ends one, is an enumerated heading or a header field, or the next line opens
    an item, a heading or a field."""
    line = text[line_start:nl].strip()
    # a closing quote or bracket ends a run, not a sentence ("…条例》（国务院令第711号）" /
    # "和《…格式》…编制了…。"); a sentence mark is cut at anyway
    if not line or line[-1] in _RUN_LINE_END or _FIELD_LINE.match(line):
        return False
    if _ENUM_LINE.match(line) and not _BARE_MARK.match(line):
        return False  # "（一）做好…工作" is a heading of its own; "二是" opens the next line
    j = nl + 1
    while j < len(text) and text[j] in " \t\u3000":
        j += 1
    if j >= len(text) or text[j] in "\n#*|":
        return False
    return not (_ITEM_MARKERS.match(text, j) or _ENUM_LINE.match(text, j) or _FIELD_LINE.match(text, j))


def _boundaries(text: str, start: int, end: int, runs: bool = False) -> list[int]:
    """Offsets in ``text[start:end]`` where a new sentence begins; ``runs``: the text
    breaks lines inside sentences (:func:`is_text_runs`)."""
    if start > end:
        return []
    cuts = {start, end}
    chunk = text[start:end]
    for m in _TERMINATOR.finditer(chunk):
        cuts.add(start + m.end())
    line_start = start
    wrapped = _run_on if runs else _soft_wrap
    # jump from newline to newline (str.find), not character by character
    i = chunk.find("\n")
    while i != -1:
        pos = start + i
        if not wrapped(text, line_start, pos):
            cuts.add(pos + 1)
        line_start = pos + 1
        i = chunk.find("\n", i + 1)
    for m in _ITEM_MARKERS.finditer(chunk):
        pos = start + m.start()
        prev = text[pos - 1] if pos > 0 else "\n"
        # a list marker starts an item only after punctuation/space or at a line start
        # ("一是" also after a heading glued on: "改进措施一是…")
        if prev in _ITEM_CONTEXT or pos == start or (m.group().endswith("是") and _CJK.match(prev)):
            cuts.add(pos)
    return sorted(cuts)  # every cut lies in [start, end]


_IMPROVEMENT = re.compile(
    r"(?:[（(][一二三四五][）)]|\d[、.．])?\s*(?:改进措施|改进举措|改进方向|改进计划|改进情况|工作计划|工作打算)"
    r"|下一步|今后|接下来|明年|新的一年"
    r"|(?:20\d\d)年[，,]?\s*(?:我局|我们|我区|我委|我办|本局|本机关|本单位|实验区|我中心|市科委)?\s*将"
)


def improvement_start(doc: "Document") -> int | None:
    """Offset where the improvement half of section 五 begins, or None.

    Section 五 first states problems, then what will be done about them
    (``（二）改进措施``, ``下一步，我局将…``, ``2023年，我局将…``); the second half
    states plans. A year phrase counts only if it is later than the report year.
    """
    sec = doc.section("problems")
    if sec is None:
        return None
    body = doc.text[sec.body_start : sec.end]
    for m in _IMPROVEMENT.finditer(body):
        g = m.group()
        y = re.match(r"(20\d\d)年", g)
        if y and doc.report_year and int(y.group(1)) <= doc.report_year:
            continue
        # "改进情况" inside the problems half ("存在的主要问题及改进情况" repeated) is
        # not a turn to plans when it is the first words of the section
        if "改进情况" in g and m.start() < 3:
            continue
        return sec.body_start + m.start()
    return None


# The heading that opens the plan part of a document that is not an annual report
# ("2025年工作安排" in a 政府工作报告, "下一步工作打算" in a work summary), on a line of
# its own: what follows states intentions, like the improvement half of a report's 五.
_PLAN_HEADING = re.compile(
    r"^[ \t\u3000#]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])?[ \t\u3000]*"
    r"(?:(20\d\d)[ \t\u3000]*年度?|今年|明年|下一步|下步|下一阶段)?[ \t\u3000]*"
    r"(?:工作安排|工作计划|工作打算|工作思路|工作设想|主要任务|重点工作|工作重点|重点任务|努力方向|工作目标)"
    r"[ \t\u3000]*[:：]?[ \t\u3000]*$",
    re.M,
)


def plan_start(doc: "Document") -> int | None:
    """Offset where the plan part of a document that is not an annual report begins
    (a heading such as ``2025年工作安排`` naming the document's year or a later one),
    or None. Annual reports state their plans in section 五 (:func:`improvement_start`)."""
    if doc.kind == "report":
        return None
    for m in _PLAN_HEADING.finditer(doc.text):
        y = m.group(1)
        if y and doc.report_year and int(y) < doc.report_year:
            continue  # "2024年工作安排" reviewed in a 2025 text is history
        return m.start()
    return None


def split_text(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    section: str | None = None,
    extra_cuts: tuple[int, ...] = (),
    runs: bool = False,
) -> list[tuple[int, int]]:
    """Spans of the prose sentences of ``text[start:end]`` (no table filtering by
    ``doc.tables``). Building block of :func:`split_sentences`.

    Parameters
    ----------
    text : str
        The whole text (spans are offsets into it).
    start, end : int
        The region to split.
    section : str or None
        Section key of the region (table-like segments in table sections are
        dropped more eagerly).
    extra_cuts : tuple of int
        Further forced boundaries (heading ends).
    runs : bool
        The text breaks lines inside sentences (:func:`is_text_runs`): a line
        break ends a sentence only where :func:`_run_on` says so.

    Returns
    -------
    list of (int, int)
        Stripped sentence spans, in order.
    """
    end = len(text) if end is None else end
    cuts = sorted(set(_boundaries(text, start, end, runs)) | {c for c in extra_cuts if start < c < end})
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        while a < b and text[a] in _SPACE:
            a += 1
        while b > a and text[b - 1] in _SPACE:
            b -= 1
        if b - a < 2:
            continue
        seg = text[a:b]
        if _is_table_like(seg, section):
            continue
        spans.append((a, b))
    return spans


class _SectionIndex:
    """Which section holds an offset, in O(1) amortised per look-up (a document with
    thousands of headings made a scan of every section per sentence quadratic)."""

    def __init__(self, secs) -> None:
        self.keyed = _Intervals([s for s in secs if s.key])
        self.other = _Intervals(list(secs))

    def at(self, offset: int):
        """The canonical section holding ``offset`` (an agency's extra section nested
        inside one, as 上海市科委 has, does not hide it); else the extra section."""
        return self.keyed.last_holding(offset) or self.other.last_holding(offset)


class _Intervals:
    """Sections sorted by start; finds the last one (in that order) that holds an offset."""

    def __init__(self, secs) -> None:
        self.secs = secs
        self.starts = [s.start for s in secs]
        self.max_end: list[int] = []  # max_end[i] = largest end among secs[:i + 1]
        m = -1
        for s in secs:
            m = max(m, s.end)
            self.max_end.append(m)

    def last_holding(self, offset: int):
        i = bisect_right(self.starts, offset) - 1
        # walk back only while an earlier section can still reach past ``offset``
        while i >= 0 and self.max_end[i] > offset:
            if self.secs[i].end > offset:
                return self.secs[i]
            i -= 1
        return None


def split_sentences(doc: "Document") -> list["Sentence"]:
    """Split a document's cleaned text into prose sentences.

    Parameters
    ----------
    doc : scorer.model.Document
        A loaded document (``scorer.load``).

    Returns
    -------
    list of Sentence
        In text order; ``s.text == doc.text[s.span[0]:s.span[1]]``. Table rows
        (``doc.tables`` spans, ``|``-separated lines, run-on digits) are left out,
        and section headings are split off the text glued to them.

    Examples
    --------
    >>> from scorer.model import Document
    >>> d = Document(path="x", format="txt", text="我局召开新闻发布会2次。一是加强培训；二是完善制度。",
    ...              kind="report", title=None, agency=None, report_year=2022,
    ...              published_on=None, metadata_source={})
    >>> [s.text for s in split_sentences(d)]
    ['我局召开新闻发布会2次。', '一是加强培训；', '二是完善制度。']
    """
    text = doc.text
    n = len(text)
    # regions between tables: table spans are skipped entirely
    blocked = sorted((max(0, a), min(n, b)) for a, b in (t.span for t in doc.tables) if b > a)
    regions: list[tuple[int, int]] = []
    pos = 0
    for a, b in blocked:
        if a > pos:
            regions.append((pos, a))
        pos = max(pos, b)
    if pos < n:
        regions.append((pos, n))

    # section boundaries: heading start and body start are forced cuts
    secs = sorted(doc.sections, key=lambda s: s.start)
    where = _SectionIndex(secs)
    cuts: set[int] = set()
    for s in secs:
        cuts.update((s.start, s.body_start, s.end))
    runs = is_text_runs(text, doc.format)
    imp = improvement_start(doc)
    if imp is not None:
        cuts.add(imp)
    plan = plan_start(doc)
    if plan is not None:
        cuts.add(plan)
    # further region splits at section edges so each piece has one section key
    edges = sorted(cuts)

    out: list[Sentence] = []
    for ra, rb in regions:
        pieces = [ra] + [e for e in edges if ra < e < rb] + [rb]
        for a, b in zip(pieces, pieces[1:]):
            sec = where.at(a)
            key = sec.key if sec else None
            in_heading = sec is not None and a < sec.body_start
            for sa, sb in split_text(text, a, b, section=key, runs=runs):
                if in_heading and sb <= sec.body_start:
                    continue  # the heading itself is not evidence
                out.append(
                    Sentence(
                        text=text[sa:sb],
                        span=(sa, sb),
                        section=key,
                        improvement=bool((key == "problems" and imp is not None and sa >= imp)
                                         or (plan is not None and sa >= plan)),
                    )
                )
    return out
