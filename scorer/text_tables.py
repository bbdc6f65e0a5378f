"""X-text-table: the figures the narrative states against the tables, in all six
sections.

A figure is read only where the prose says plainly what it counts: applications
received (表三 本年新收), handled (办理/答复/办结), carried over (上年结转) and
forwarded (结转下年度); results (予以公开, 部分公开, 不予公开, 无法提供, 本机关不掌握,
不予处理); 行政复议 and 行政诉讼 (直接起诉, 复议后起诉, or both); 表二's 规章 and
行政规范性文件 (制发, 废止, 现行有效), 行政许可/处罚/强制 decisions and 行政事业性收费.

An agency is charged only for what was read with certainty: a figure of another
year, a comparison (同比, 较上年 …), a cumulative count (累计, 历年 …), a count of
another thing that shares the words (依申请公开信息1180条 are items, not
applications; 行政许可类信息N条 are items, not decisions), a figure whose scope the
prose narrows (“非我局职能不予公开3件”) and any table cell not read as certain are
never compared. A figure that every reading of an ambiguous cell contradicts is
shown as 待核对 (info), never charged.

The text is matched with its whitespace removed (PDF lines and crawler pages
break "申请\\n21件" and even "3 31条"); every span maps back to ``doc.text``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from scorer.explain import where_words
from scorer.model import Document, Finding, make_finding
from scorer.tables import TableResult
from scorer.tables import labels as L

__all__ = ["text_vs_tables", "stated_figures", "Figure"]


# --------------------------------------------------------------------------- what a figure counts


@dataclass(frozen=True)
class _Kind:
    """What a kind of figure counts: the table cells whose sum it states, the
    finding's ``where``, the words for people, and other scopes the prose may
    mean by the same words (a figure equal to one of them is not a mismatch)."""

    cells: tuple[str, ...]
    where: str
    what: str
    also: tuple[tuple[str, ...], ...] = ()
    amount: bool = False  # a sum of money in 万元, compared to its printed precision


def _req(*rows: str) -> tuple[str, ...]:
    return tuple(f"requests.{r}.total" for r in rows)


_DENIED = tuple(r for r in L.REQUEST_ROW_LABELS if r.startswith("denied_"))
_UNABLE = tuple(r for r in L.REQUEST_ROW_LABELS if r.startswith("unable_"))
_REJECTED = tuple(r for r in L.REQUEST_ROW_LABELS if r.startswith("rejected_"))
_LIT = ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total")

KINDS: dict[str, _Kind] = {
    "new": _Kind(_req("new"), "requests.new.total", "收到政府信息公开申请"),
    "new_person": _Kind(("requests.new.natural_person",), "requests.new.natural_person", "收到自然人政府信息公开申请"),
    # 办理/答复/办结 may mean the applications handled (总计) or received, with or
    # without last year's: a figure equal to none of them is a mismatch
    "handled": _Kind(_req("total"), "requests.total.total", "办理政府信息公开申请",
                     also=(_req("new"), _req("new", "carried_over"))),
    "carried_over": _Kind(_req("carried_over"), "requests.carried_over.total", "上年结转政府信息公开申请"),
    "carried_forward": _Kind(_req("carried_forward"), "requests.carried_forward.total", "结转下年度继续办理的申请"),
    # prose often counts 部分公开 as 公开, and everything not disclosed as 不予公开
    "granted": _Kind(_req("granted"), "requests.granted.total", "予以公开", also=(_req("granted", "partial"),)),
    "partial": _Kind(_req("partial"), "requests.partial.total", "部分公开"),
    "denied": _Kind(_req(*_DENIED), "requests.denied.total", "不予公开",
                    also=(_req(*_DENIED, *_UNABLE), _req(*_DENIED, *_UNABLE, *_REJECTED))),
    "unable": _Kind(_req(*_UNABLE), "requests.unable.total", "无法提供"),
    "not_held": _Kind(_req("unable_not_held"), "requests.unable_not_held.total", "本机关不掌握相关政府信息",
                      also=(_req(*_UNABLE),)),
    "rejected": _Kind(_req(*_REJECTED), "requests.rejected.total", "不予处理"),
    "review": _Kind(("review_litigation.review.total",), "review_litigation.review.total", "政府信息公开行政复议"),
    "litigation": _Kind(_LIT, "review_litigation.litigation.total", "政府信息公开行政诉讼"),
    "litigation_direct": _Kind(_LIT[:1], _LIT[0], "未经复议直接起诉的行政诉讼"),
    "litigation_after_review": _Kind(_LIT[1:], _LIT[1], "复议后起诉的行政诉讼"),
    "rules.issued": _Kind(("proactive.rules.issued",), "proactive.rules.issued", "本年制发规章"),
    "rules.repealed": _Kind(("proactive.rules.repealed",), "proactive.rules.repealed", "本年废止规章"),
    "rules.in_force": _Kind(("proactive.rules.in_force",), "proactive.rules.in_force", "现行有效规章"),
    "normative_docs.issued": _Kind(("proactive.normative_docs.issued",), "proactive.normative_docs.issued",
                                   "本年制发行政规范性文件"),
    "normative_docs.repealed": _Kind(("proactive.normative_docs.repealed",), "proactive.normative_docs.repealed",
                                     "本年废止行政规范性文件"),
    "normative_docs.in_force": _Kind(("proactive.normative_docs.in_force",), "proactive.normative_docs.in_force",
                                     "现行有效行政规范性文件"),
    "licensing": _Kind(("proactive.licensing.decisions",), "proactive.licensing.decisions", "行政许可决定"),
    "punishment": _Kind(("proactive.punishment.decisions",), "proactive.punishment.decisions", "行政处罚决定"),
    "coercion": _Kind(("proactive.coercion.decisions",), "proactive.coercion.decisions", "行政强制决定"),
    "fees": _Kind(("proactive.fees.amount_wan_yuan",), "proactive.fees.amount_wan_yuan", "行政事业性收费",
                  amount=True),
}
# A clean-up of older documents ("对2021年12月31日前…发布的规范性文件进行清理，保留6件")
# counts those kept, without the ones made this year: in force − made this year.
_KEPT_OF_OLD = {"normative_docs.in_force": ("proactive.normative_docs.in_force", "proactive.normative_docs.issued"),
                "rules.in_force": ("proactive.rules.in_force", "proactive.rules.issued")}
_KEPT_WORDS = re.compile(r"保留|继续有效")
#: Kinds whose cells are the 2021 format's: a 2019 表二 counts 新制作/新公开/对外公开总数.
_FORMAT_2021 = frozenset(k for k in KINDS if k.startswith(("rules.", "normative_docs.")) or k == "fees")
#: Kinds about applications: the sentence must speak of applications.
_REQUEST_KINDS = frozenset({"new", "new_person", "handled", "carried_over", "carried_forward"})
#: Results: read only near a statement of the applications they result from.
_RESULT_KINDS = frozenset({"granted", "partial", "denied", "unable", "not_held", "rejected"})
_CASE_KINDS = frozenset({"review", "litigation", "litigation_direct", "litigation_after_review"})
_APPLICATION_KINDS = frozenset({"new", "new_person", "handled"})

# --------------------------------------------------------------------------- patterns (on text without whitespace)

_N = r"(?<![\d.])(?P<n>\d+)(?![\d.])"
_U = r"(?P<u>件|条|份|个|起|宗)"
_NU = _N + _U
# (not "不予受理申请2件", "未办结的申请2件")
_APPLY_VERB = r"(?<![未不没无予])(?:收到|受理|接收|接到|新收|收悉|受[（(]办[)）]理)"
_APPLY_OBJ = r"(?:政府信息公开申请|信息公开申请|公开申请|申请公开政府信息的要求|依申请公开(?:政府)?信息|依申请公开(?:事项|事宜|件)?|申请件|申请)"
_GAP = r"[^。；;，,：:\d]{0,30}?"
_TAIL = r"(?:件)?(?:共计|共|合计|总计|为|达)?"

_RES_TAIL = r"(?:的)?(?:申请)?(?:答复)?(?:数)?(?:的)?(?:有|为)?"
_DOC = r"(?:行政)?规范性文件"
_RULE = r"(?:政府)?规章"
_DOC_UNIT = r"(?P<u>件|个|份|部)"


def _p(kind: str, pattern: str, *needles: str) -> tuple[str, re.Pattern[str], tuple[str, ...]]:
    """A figure pattern and the words every match of it contains (where to look)."""
    return kind, re.compile(pattern), needles


_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    _p("new", r"(?P<a>" + _APPLY_VERB + r")(?P<gap>" + _GAP + r")" + _APPLY_OBJ + _TAIL + _NU, "申请"),
    _p("new", r"(?P<a>" + _APPLY_VERB + r")(?:了)?(?:共|共计|合计)?" + _NU + r"(?:政府信息公开|信息公开|依申请公开|公开)?申请", "申请"),
    _p("handled", r"(?<![未不没无予])(?P<a>办理|答复|办结)(?:了)?(?:各类)?(?:政府信息)?" + r"(?:政府信息公开申请|信息公开申请|公开申请|依申请公开(?:件)?|依申请|申请)" + _TAIL + _NU, "申请"),
    _p("carried_over", r"(?P<a>上一?年度?结转|结转上一?年度?)(?:的)?(?:政府信息公开|依申请公开|信息公开)?(?:政府信息)?(?:申请)?(?:数量)?(?:件)?(?:为|共)?" + _NU, "结转"),
    _p("carried_forward", r"(?P<a>(?:结转|转)(?:至|到)?下一?年度?)(?:继续)?(?:办理|处理)?(?:答复)?(?:的)?(?:申请)?(?:有|为|共)?" + _NU, "转"),
    _p("carried_forward", r"(?P<a>(?:结转|顺延|转)(?:至|到)(?P<y>20\d\d)年度?)(?:继续)?(?:办理|处理)?(?:的)?(?:申请)?(?:有|为|共)?" + _NU, "转", "顺延"),
    _p("carried_forward", _NU + r"(?:申请)?(?P<a>(?:结转|顺延|转)(?:至|到)?下一?年度?)", "转", "顺延"),
    _p("granted", r"(?<![不未])(?P<a>予以公开|同意公开|全部公开)" + _RES_TAIL + _NU, "予以公开", "同意公开", "全部公开"),
    _p("partial", r"(?P<a>部分公开)" + _RES_TAIL + _NU, "部分公开"),
    _p("denied", r"(?P<a>不予公开)" + _RES_TAIL + _NU, "不予公开"),
    _p("unable", r"(?P<a>无法提供)" + _RES_TAIL + _NU, "无法提供"),
    _p("not_held", r"(?P<a>(?:本机关)?不掌握(?:相关)?(?:政府)?信息|信息不存在)(?:而)?(?:无法提供|不予公开)?(?:的)?(?:为)?" + _NU, "不掌握", "信息不存在"),
    _p("rejected", r"(?P<a>不予处理)" + _RES_TAIL + _NU, "不予处理"),
    _p("review", r"(?P<a>行政复议)(?:案件|申请)?(?:数|共|共计)?(?:为)?" + _NU, "行政复议"),
    _p("review", _NU + r"(?P<gap>[^。；;，,、\d]{0,16}?)(?P<a>行政复议)", "行政复议"),
    _p("litigation_direct", r"(?P<a>直接(?:起诉|提起)(?:的)?(?:行政诉讼)?|直接(?:行政)?诉讼)(?:案件)?(?:数|共)?(?:为)?" + _NU, "直接"),
    _p("litigation_after_review", r"(?P<a>复议后(?:起诉|提起)(?:的)?(?:行政诉讼)?|复议后(?:行政)?诉讼)(?:案件)?(?:数|共)?(?:为)?" + _NU, "复议后"),
    _p("litigation", r"(?<!复议后)(?<!直接)(?<!提起)(?<!起诉)(?<!起诉的)(?<!提起的)(?P<a>行政诉讼)(?:案件)?(?:数|共|共计)?(?:为)?" + _NU, "行政诉讼"),
    _p("litigation", _NU + r"(?P<gap>[^。；;，,、\d]{0,16}?)(?<!直接)(?<!提起)(?<!起诉)(?P<a>行政诉讼)", "行政诉讼"),
    _p("rules.issued", r"(?P<a>(?:新)?(?:制定|制发|出台|印发))(?:了)?" + _RULE + r"(?:共)?" + _N + _DOC_UNIT, "规章"),
    _p("rules.repealed", r"(?P<a>(?:宣布)?废止)(?:失效)?(?:了)?(?:的)?" + _RULE + r"(?:共)?" + _N + _DOC_UNIT, "规章"),
    _p("rules.in_force", r"(?P<a>现行有效|继续有效|现有)(?:的)?" + _RULE + r"(?:共)?" + _N + _DOC_UNIT, "规章"),
    _p("normative_docs.issued", r"(?P<a>(?:新)?(?:制定|制发|出台|印发))(?:了)?" + _DOC + r"(?:共)?" + _N + _DOC_UNIT, "规范性文件"),
    _p("normative_docs.repealed", r"(?P<a>(?:宣布)?废止)(?:失效)?(?:了)?(?:的)?" + _DOC + r"(?:共)?" + _N + _DOC_UNIT, "规范性文件"),
    _p("normative_docs.repealed", _DOC + r"[^。；;\d]{0,6}?(?:共)?" + _N + _DOC_UNIT + r"(?P<a>废止)", "规范性文件"),
    _p("normative_docs.in_force", r"(?P<a>现行有效|保留(?:继续有效)?|继续有效|现有)(?:的)?" + _DOC + r"(?:共)?" + _N + _DOC_UNIT, "规范性文件"),
    _p("normative_docs.in_force", _DOC + r"[^。；;\d]{0,6}?(?:共)?" + _N + _DOC_UNIT + r"(?P<a>现行有效|继续有效)", "规范性文件"),
    _p("licensing", r"(?P<a>行政许可(?:决定|审批结果))(?:书)?(?:共|共计)?(?:为)?" + _N + r"(?P<u>件|个|份|宗|项次)", "行政许可"),
    # (not "查处行政处罚案件N件": cases opened are not decisions made)
    _p("punishment", r"(?P<a>行政处罚决定)(?:书)?(?:共|共计)?(?:为)?" + _NU, "行政处罚决定"),
    _p("coercion", r"(?P<a>行政强制决定)(?:书)?(?:共|共计)?(?:为)?" + _NU, "行政强制决定"),
    _p("fees", r"(?P<a>行政事业性收费)(?:金额|收入|总额)?(?:共计|共|合计|为|达)?"
               r"(?<![\d.])(?P<n>\d+(?:\.\d+)?)(?P<u>亿元|万元|元)", "行政事业性收费"),
)
#: Statements that there were none.
_NONE_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    _p("new", r"(?P<a>(?:未|没有|无)(?:收到|受理|接到|接收))(?:过)?(?:任何)?(?:政府信息公开|信息公开|依申请公开|公开)?(?:的)?(?:申请|事宜|事项)(?![人书表材])", "收到", "受理", "接到", "接收"),
    _p("new", r"(?P<a>未有)依申请(?:公开)?(?:事项|事宜)", "未有依申请"),
    _p("carried_over", r"(?P<a>(?:无|没有|未有)上一?年度?结转)", "结转"),
    _p("review", r"(?P<a>未发生|没有发生|没有|未出现|未有|无|未收到|未产生)(?:过)?(?P<gap>[^。；;，,、\d]{0,24}?)行政复议"
                 r"(?P<lit>(?:[和及与或、]|或者)(?:提起)?(?:行政)?诉讼)?", "行政复议"),
)

_BACK, _FORE = 64, 80  # longer than any match reaches before / after its word, digits aside
_DIGIT_RUN = ".0123456789"


def scan(pat: re.Pattern[str], needles: Sequence[str], s: str) -> list[re.Match[str]]:
    """``pat.finditer(s)``, trying the pattern only around its words.

    Every match holds one of ``needles`` and reaches at most ``_BACK`` characters
    before it and ``_FORE`` after it, but for runs of digits, which a window is
    widened over; windows that overlap are merged, so the matches are the same
    (tests/test_text_tables.py compares them with ``finditer``), at a fraction of
    the time: a pattern that opens with an optional word makes ``re`` try it at
    every position of the text."""
    spots = []
    for w in needles:
        i = s.find(w)
        while i >= 0:
            spots.append((i, i + len(w)))
            i = s.find(w, i + 1)
    if not spots:
        return []
    spots.sort()
    n = len(s)
    windows: list[list[int]] = []
    for a, b in spots:
        lo, hi = max(0, a - _BACK), min(n, b + _FORE)
        while lo > 0 and s[lo - 1] in _DIGIT_RUN:
            lo -= 1
        while hi < n and s[hi] in _DIGIT_RUN:
            hi += 1
        hi = min(n, hi + 4)  # the unit after a number ("万元")
        while hi < n and s[hi - 1] in _DIGIT_RUN:  # (a run the margin ran into)
            hi += 1
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    return [m for lo, hi in windows for m in pat.finditer(s, lo, hi)]


# --------------------------------------------------------------------------- the quiet cases

_YEAR = re.compile(r"(?<!\d)(20\d\d)年")
_COMPARE = re.compile(r"同比|环比|较上|较去|较20|比上|比去|比20|相比|增加|减少|增长|下降|上升|持平|上年同期")
_CUMULATIVE = re.compile(r"累计|历年|以来|成立至今|截至目前")
_OTHER_ACTOR = re.compile(r"全市|全区|全县|全省|各级|各单位|各部门|系统")
#: What a result word may follow within its clause ("其中予以公开2件"), so that a
#: result the prose narrows ("非我局职能不予公开3件") is not taken for the total.
_RESULT_LEAD = re.compile(r"(?:[^，,、；;：:]*申请中|其中|其余|另有|另|共|均|有|属于|按办理结果分类|办理结果(?:为|是)?|结果为|答复)?")
_CLAUSE_MARKS = "，,、；;：:（(。！？"
_SENTENCE_MARKS = "。！？"
_REACH = 2000  # how far a sentence boundary is looked for (a text may lack them)
_NEAR_REQUEST = 300  # results: how far back the applications they result from are stated


class _Flat:
    """``text`` without whitespace, and the way back to offsets in ``text``."""

    __slots__ = ("s", "_flat", "_orig")

    def __init__(self, text: str) -> None:
        runs = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        self.s = "".join(text[a:b] for a, b in runs)
        self._flat: list[int] = []
        self._orig: list[int] = []
        n = 0
        for a, b in runs:
            self._flat.append(n)
            self._orig.append(a)
            n += b - a

    def orig(self, i: int) -> int:
        """The offset in the original text of flat offset ``i``."""
        if not self._flat:
            return 0
        k = max(bisect_right(self._flat, i) - 1, 0)
        return self._orig[k] + i - self._flat[k]

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.orig(a), (self.orig(b - 1) + 1 if b > a else self.orig(a))

    def flat(self, pos: int) -> int:
        """The flat offset of original offset ``pos`` (the next non-space one)."""
        if not self._orig:
            return 0
        k = bisect_right(self._orig, pos) - 1
        if k < 0:
            return 0
        run_len = (self._flat[k + 1] if k + 1 < len(self._flat) else len(self.s)) - self._flat[k]
        return self._flat[k] + min(pos - self._orig[k], run_len)


@dataclass(frozen=True)
class Figure:
    """A figure the narrative states: its kind (a key of :data:`KINDS`), value, the
    span of the statement in ``doc.text`` and the sentence around it."""

    kind: str
    value: Decimal
    unit: str
    span: tuple[int, int]
    sentence: tuple[int, int]
    says_carried: bool = False  # the clause mentions 结转 ("共受理N件（含上年结转M件）")
    none: bool = False  # a statement that there were none ("未收到申请"), not a number


def _sentence(flat: str, a: int, b: int, floor: int) -> tuple[int, int]:
    lo, hi = max(floor, a - _REACH), min(len(flat), b + _REACH)
    start = max(flat.rfind(ch, lo, a) for ch in _SENTENCE_MARKS)
    start = start + 1 if start >= 0 else lo
    ends = [i for i in (flat.find(ch, b, hi) for ch in _SENTENCE_MARKS) if i >= 0]
    return start, (min(ends) + 1 if ends else hi)


def _clause_start(flat: str, a: int, floor: int) -> int:
    i = max(flat.rfind(ch, max(floor, a - 200), a) for ch in _CLAUSE_MARKS)
    return i + 1 if i >= 0 else max(floor, a - 200)


def _nearest_year(flat: str, a: int, b: int) -> int | None:
    years = list(_YEAR.finditer(flat, a, b))
    return int(years[-1].group(1)) if years else None


def stated_figures(doc: Document, tables: TableResult) -> list[Figure]:
    """The figures the narrative states plainly, outside the tables, for the report
    year: comparisons, cumulative counts, other years and narrowed scopes left out."""
    flat = _Flat(doc.text)
    s = flat.s
    table_spans = sorted((flat.flat(a), flat.flat(b)) for a, b in tables.spans.values())
    year = doc.report_year
    out: list[Figure] = []
    taken: set[tuple[str, int]] = set()
    applications: list[int] = []  # where statements of applications received/handled end
    results: list[tuple[int, int]] = []  # results outside section 三: (start, prose floor)

    def floor_at(i: int) -> int | None:
        """Where the prose before ``i`` starts (after a table); None inside a table."""
        f = 0
        for a, b in table_spans:
            if a <= i < b:
                return None
            if b <= i:
                f = max(f, b)
        return f

    for kind, pat, needles, none in [(*p, False) for p in _PATTERNS] + [(*p, True) for p in _NONE_PATTERNS]:
        for m in scan(pat, needles, s):
            a, b = m.start(), m.end()
            floor = floor_at(a)
            if floor is None:
                continue
            sa, sb = _sentence(s, a, b, floor)
            cs = _clause_start(s, a, floor)
            sentence, before = s[sa:sb], s[sa:a]
            anchor = m.start("a")
            k = kind
            if none and kind == "review" and _NARROWED_CASES.search(m.group("gap")):
                continue
            if kind == "new" and not none and m.groupdict().get("gap"):
                gap = m.group("gap")
                if re.search(r"自然人|公民", gap) and not re.search(r"法人|组织|企业", gap):
                    k = "new_person"
                elif re.search(r"法人|组织|企业|机构", gap) and not re.search(r"自然人|公民", gap):
                    continue  # the applications of some applicants only
                elif re.search(r"因|针对|关于|涉及|有关|转办|转来|信访|投诉|咨询|热线|留言|12345|审批|许可|服务|办件|业务|"
                               r"项目|登记|备案|补贴|资金|诉求|复议|诉讼", gap):
                    continue  # another kind of request
            # ------------------------------------------------------------ other years
            if m.groupdict().get("y"):
                if year is None or int(m.group("y")) != year + 1:
                    continue  # "结转至2026年" forwards to the next year only
                y = _nearest_year(s, sa, m.start("a"))
            else:
                y = _nearest_year(s, sa, a)
            if y is not None and y != year:
                continue  # another year's figure (or, the report year unknown, perhaps one)
            if re.search(r"上一?年度?|去年|前年|明年|下一?年度?", s[max(cs, sa):anchor]) and k not in ("carried_over",):
                continue
            if _PART_OF_YEAR.search(s[max(cs, sa):anchor]) and "12月31日" not in s[sa:anchor]:
                continue  # "上半年收到申请2件", "12月收到…": part of the year
            if _PLANNED.search(s[cs:anchor]):
                continue  # "拟制定规范性文件3件": a plan
            # ------------------------------------------------------------ comparisons and totals over years
            number_at = m.start("n") if "n" in m.groupdict() and m.group("n") else b
            if _COMPARE.search(s[max(cs, sa):number_at]):
                continue
            if _CUMULATIVE.search(before) and not k.endswith("in_force"):
                continue
            if re.match(r"[%％]|余|多|左右|以上|次", s[b:b + 2]):
                continue
            # ------------------------------------------------------------ what is counted
            if k in _REQUEST_KINDS and not _in(doc, flat.orig(a), "requests") and not (
                    _ABOUT_REQUESTS.search(sentence) or _ABOUT_REQUESTS.search(s, max(floor, sa - 200), sa)):
                continue  # "受理审批申请3000件": applications of another kind
            if k in _REQUEST_KINDS | _RESULT_KINDS and _OTHER_ACTOR.search(before) and not _whole_region(doc):
                continue
            if k in _REQUEST_KINDS and _PART_OF_ALL.search(s[cs:anchor]):
                continue  # "其中区本级收到申请5件": a part of the applications
            if k in _RESULT_KINDS:
                lead = s[_clause_start(s, anchor, floor):anchor]
                if not _RESULT_LEAD.fullmatch(lead):
                    continue  # "非我局职能不予公开3件": a narrowed part, not the result's total
                if not _in(doc, flat.orig(a), "requests"):
                    results.append((a, floor))  # kept if applications are stated shortly before
            if k in _CASE_KINDS:
                if re.search(r"结果维持|维持|纠正|尚未审结|其他结果", s[max(cs, sa):a]):
                    continue
                # "因政府信息公开…引发的行政复议N起": the qualifier comes first ("办理行政复议
                # 案件20件，其中涉及政府信息公开的3件" counts all the agency's reviews)
                if not _ABOUT_CASES.search(s[_qualifier_from(s, cs, max(floor, sa)):b]) and not _in(
                        doc, flat.orig(a), "review_litigation"):
                    continue
                if not none and m.groupdict().get("gap") and re.search(r"申请|答复|办理|直接|复议后", m.group("gap")):
                    continue  # "收到申请3件，…行政复议": the number counts something else
            if k in ("licensing", "punishment", "coercion", "fees") and re.search(r"信息", s[anchor:number_at]):
                continue  # "公开行政处罚决定信息N条" are items disclosed
            if k == "fees" and re.search(r"信息处理费", sentence):
                continue
            if k in ("licensing", "punishment", "coercion", "fees") and _RELIEF.search(s[cs:number_at]):
                continue  # "减免行政事业性收费N万元" is relief, not the fees charged
            key = (k, m.start("n") if not none else anchor)
            if key in taken:
                continue
            taken.add(key)
            if none:
                value, unit = Decimal(0), "件"
            else:
                value, unit = Decimal(m.group("n")), m.group("u")
            span = flat.span(a, b)
            clause_end = min([i for i in (s.find(ch, b, b + 200) for ch in "。；;") if i >= 0] or [min(len(s), b + 200)])
            says_carried = "结转" in s[cs:clause_end]
            out.append(Figure(k, value, unit, span, flat.span(sa, sb), says_carried, none))
            if k in _APPLICATION_KINDS and not none:
                applications.append(b)
            if none and kind == "review" and m.group("lit"):
                out.append(Figure("litigation", Decimal(0), "件", span, flat.span(sa, sb), none=True))
    # a result outside section 三 counts applications only when it follows a
    # statement of them closely ("共收到申请3件，予以公开1件"); "制发政府信息313条，
    # 其中主动公开128条、依申请公开130条、不予公开55条" counts documents
    far = {flat.span(a, a + 1)[0] for a, floor in results
           if not any(max(floor, a - _NEAR_REQUEST) <= e <= a for e in applications)}
    out = [f for f in out if f.kind not in _RESULT_KINDS or f.span[0] not in far]
    out.sort(key=lambda f: (f.span, f.kind))
    return out


_PART_OF_YEAR = re.compile(r"上半年|下半年|季度|[一二三四]季|(?<![\d年])\d{1,2}月|\d{1,2}月份")
_PART_OF_ALL = re.compile(r"其中|本级|本部|下属|所属|乡镇|街道")
_PLANNED = re.compile(r"拟|计划|将|预计|力争|争取|下一步|目标")
_RELIEF = re.compile(r"减免|减征|免征|免收|减收|退还|返还|降低|节约|缓缴")
_ABOUT_CASES = re.compile(r"信息公开|依申请")


def _qualifier_from(s: str, cs: int, floor: int) -> int:
    """Where the words that may qualify a count of cases start: its clause, and the
    clauses before it while they count cases too ("因政府信息公开申请引发的行政复议36起，
    行政诉讼9起"): a list of counts shares its qualifier."""
    start = cs
    for _ in range(3):
        if start <= floor:
            break
        prev = _clause_start(s, start - 1, floor)
        if not _CASE_WORD.search(s[prev:start]):
            break
        start = prev
    return start


_CASE_WORD = re.compile(r"行政复议|行政诉讼|起诉")


#: Words that make a sentence speak of disclosure applications.
_ABOUT_REQUESTS = re.compile(r"信息公开|依申请|公开政府信息|公开申请")
# "未出现因受理不及时…引起的行政复议": only the reviews of one cause
_NARROWED_CASES = re.compile(r"不及时|不准确|不规范|不当|错误|超期|逾期")


def _in(doc: Document, pos: int, key: str) -> bool:
    sec = doc.section_at(pos)
    return sec is not None and sec.key == key


def _whole_region(doc: Document) -> bool:
    """A report of a whole government (its tables count every body of the region)."""
    from scorer.deadline import is_whole_government

    return is_whole_government(doc.agency)


# --------------------------------------------------------------------------- the comparison


def _sum(tables: TableResult, cells: Sequence[str]) -> tuple[Decimal | None, list[str]]:
    """The sum of cells read with certainty, or None and the cells that were not."""
    total, doubtful = Decimal(0), []
    for key in cells:
        cell = tables.cells.get(key)
        if cell is None or cell.status != "ok" or cell.value is None:
            doubtful.append(key)
            continue
        total += Decimal(str(cell.value))
    return (None if doubtful else total), doubtful


def _places(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


#: 万元 per unit of an amount stated in prose.
_WAN = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}


def _wan_yuan(f: Figure) -> Decimal:
    return f.value * _WAN.get(f.unit, Decimal(1))


def _agrees(f: Figure, stated: Decimal, table: Decimal, tables: TableResult, kind: _Kind) -> bool:
    if not kind.amount:
        return stated == table
    # an amount agrees to the precision either side prints ("18651.06" vs 18651.064104)
    said = Decimal(5).scaleb(-(_places(str(f.value)) + 1)) * _WAN.get(f.unit, Decimal(1))
    raw = tables.cells[kind.cells[0]].raw
    printed = Decimal(5).scaleb(-(_places(raw) + 1))
    return abs(stated - table) <= max(said, printed)


def _number(x: Decimal) -> str:
    text = format(x, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _table_value(x: Decimal) -> int | float:
    return int(x) if x == x.to_integral_value() else float(x)


def _quote(text: str, span: tuple[int, int], sentence: tuple[int, int]) -> str:
    """The sentence around a figure, shortened around the figure when long."""
    a, b = sentence
    # a heading line the sentence runs on from ("四、政府信息公开申请情况\n全年收到…") is not quoted
    nl = text.rfind("\n", a, span[0])
    if nl >= 0 and not any(ch in text[a:nl] for ch in "，。；,;"):
        a = nl + 1
    q = " ".join(text[a:b].split()).rstrip("。")
    if len(q) <= 80:
        return q
    fa = len(" ".join(text[a:span[0]].split()))
    lo = max(0, fa - 40)
    hi = min(len(q), lo + 78)
    return ("…" if lo else "") + q[lo:hi] + ("…" if hi < len(q) else "")


def text_vs_tables(doc: Document, tables: TableResult) -> list[Finding]:
    """X-text-table: every figure the narrative states (:func:`stated_figures`)
    against the table cells it states, where those were read with certainty.

    Returns findings of severity ``error`` for a mismatch with certain cells, and
    ``info`` (待核对, never charged) where every reading of an ambiguous cell
    differs from the figure or the table was read by OCR."""
    out: list[Finding] = []
    ocr = doc.format == "pdf-ocr"
    for f in stated_figures(doc, tables):
        kind = KINDS[f.kind]
        table = kind.cells[0].split(".", 1)[0]
        if tables.table(table) is None:
            continue
        if f.kind in _FORMAT_2021 and tables.variants.get("proactive") != "2021":
            continue
        stated = _wan_yuan(f) if kind.amount else f.value
        if _other_scope(doc, tables, f, kind, stated):
            continue
        value, doubtful = _sum(tables, kind.cells)
        if value is None:
            note = _doubt(doc, tables, f, kind, stated)
            if note is not None:
                out.append(note)
        elif not _agrees(f, stated, value, tables, kind):
            out.append(_finding(doc, f, kind, stated, value, "info" if ocr else None))
    return out


def _other_scope(doc: Document, tables: TableResult, f: Figure, kind: _Kind, stated: Decimal) -> bool:
    """True when the figure equals, in certain cells, another scope its words may
    mean: ``kind.also``, new + carried over for a total that mentions 结转, or the
    older documents a clean-up kept (in force − made this year)."""
    scopes = list(kind.also)
    if f.says_carried and f.kind == "new":
        scopes.append(_req("new", "carried_over"))
    if any(_sum(tables, cells)[0] == stated for cells in scopes):
        return True
    if _kept_of_old(doc, f):
        in_force, issued = (_sum(tables, (c,))[0] for c in _KEPT_OF_OLD[f.kind])
        return in_force is not None and issued is not None and stated == in_force - issued
    return False


def _kept_of_old(doc: Document, f: Figure) -> bool:
    """A count of documents a clean-up kept ("清理…保留6件"): only words of keeping, or
    a sentence about a clean-up, may mean that scope; "现行有效N件" is the table's own."""
    if f.kind not in _KEPT_OF_OLD:
        return False
    return bool(_KEPT_WORDS.search(doc.text, *f.span)) or "清理" in doc.text[f.sentence[0]:f.sentence[1]]


def _doubt(doc: Document, tables: TableResult, f: Figure, kind: _Kind, stated: Decimal) -> Finding | None:
    """A figure against a cell read only as 待核对: an info when no reading of that
    one ambiguous cell gives the figure, else nothing."""
    if len(kind.cells) != 1 or kind.amount:
        return None
    cell = tables.cells.get(kind.cells[0])
    if cell is None or cell.status != "ambiguous" or not cell.candidates:
        return None
    if any(Decimal(str(c)) == stated for c in cell.candidates) or _kept_of_old(doc, f) or f.says_carried:
        return None
    return _finding(doc, f, kind, stated, None, "info", candidates=cell.candidates)


def _finding(doc: Document, f: Figure, kind: _Kind, stated: Decimal, value: Decimal | None,
             severity: str | None, candidates: Sequence[int | float] = ()) -> Finding:
    quote = _quote(doc.text, f.span, f.sentence)
    unit = "万元" if kind.amount else f.unit
    said = f"没有{kind.what}" if f.none else f"{kind.what}{_number(f.value)}{f.unit}"
    cell_words = where_words(kind.where)
    summed = "合计" if len(kind.cells) > 1 else ""
    if value is None:
        readings = "或".join(_number(Decimal(str(c))) for c in candidates)
        message = (f"正文称{said}（“{quote}”），{cell_words}{summed}读取待核对（可能为{readings}），"
                   f"均与正文不符，请对照原件核对")
        numbers = {"text": _table_value(stated), "table": None}
    else:
        message = (f"正文称{said}（“{quote}”），而{cell_words}{summed}为{_number(value)}{unit if kind.amount else ''}，"
                   "两者不一致")
        numbers = {"text": _table_value(stated), "table": _table_value(value)}
    if severity == "info" and value is not None:
        message += "（表格由OCR识别，待核对）"
    return make_finding("X-text-table", kind.where, message, f.span, numbers, severity=severity, cells=kind.cells)
