"""Modality and polarity of a sentence: was the thing DONE, only PLANNED, or DENIED?

domain.md §7: what counts is what the report says was done in the report year.
Plans and promises (拟, 将, 计划, 下一步, 明年, 今后, 202X年将 with X after the report
year, 要/应当 as requirements, the improvement half of section 五) do not count, and an
explicit denial ("本年度未召开新闻发布会") is evidence of ``not_met``.

The judgement is local to the criterion phrase where one is given: a denial must
negate the act near the keyword ("未召开新闻发布会", "未运用图表、视频等形式"), so an
unrelated negation in the same sentence ("无一例投诉", "未经复议", "未发生泄密") does not
flip it; a plan cue counts in the keyword's clause or an earlier clause of the
sentence ("下一步，我局将…，开展培训"), not in a later one ("召开发布会2次，下一步将继续").

Labels: ``done``, ``planned``, ``denied``, ``other`` (a shortcoming or a general
statement: "政策解读形式不够丰富" mentions 解读 but reports no deed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MODALITIES", "Judgement", "judge_modality", "clauses"]

MODALITIES: tuple[str, ...] = ("done", "planned", "denied", "other")

_CLAUSE_SEP = re.compile(r"[，,：:；;。！？!?]")

# --- denial -----------------------------------------------------------------------
# A negation word directly before an act ("未召开", "没有举办", "暂无…", "尚未开展").
_NEG = r"(?:尚未|均未|从未|并未|暂未|未能|未曾|没有|暂无|从无|并无|未|无|没|缺少|缺乏)"
# Negations that are not about doing the act: 未经复议, 无一例, 无论, 未来, 无偿 …
_NEG_FALSE = re.compile(
    r"未经|无一例|无一起|无论|未来|无偿|无缝|无障碍|无纸化|无差别|无死角|无盲区|无遗漏|无误|"
    r"无违规|毫无|无不|未成年|无条件|无法提供|无正当理由|无关|未按|未说明|未更新|超期未"
)
# Acts whose negation is a denial even with no keyword position ("未召开…").
_ACT = (
    r"(?:召开|举办|开展|组织|举行|收取|产生|发生|运用|采用|采取|开设|设置|建立|邀请|发布|"
    r"进行|参加|安排|形成|提供|公开|制作|出台|编制|落实|实施|使用|开通|利用|涉及|有)"
)
_DENIAL_ACT = re.compile(_NEG + r".{0,3}?" + _ACT)

# --- plans ------------------------------------------------------------------------
# 将 as future marker, not the object preposition ("将政务公开工作摆上…"): it must be
# followed by an adverb/verb.
_JIANG_NEXT = (
    "进一步|继续|持续|不断|加强|加大|丰富|完善|做好|推进|深化|严格|着力|认真|积极|切实|全面|"
    "重点|按照|坚持|围绕|在|于|把|对|以|通过|采取|从|更加|紧紧|强化|提升|提高|拓宽|扩大|探索|"
    "结合|利用|依托|组织|开展|举办|召开|定期|适时|逐步|努力|全力|聚焦|针对|大力|落实|建立|健全|"
    "推动|优化|规范|及时|主动|深入|进行|多|用|按|根据|会|要|依照|依法|加快|抓好|统筹|着重|力争|"
    "争取|注重|更好|更|全方位|立足|认真|紧扣|进|重视|采用|做实|抓实|突出|始终|牢固|建设|开设|"
    "发挥|拓展|创新|邀请|落地|精心"
)
_PLAN = re.compile(
    r"拟|计划(?:于|在|开展|组织|举办|召开|将|年内|全年)|下一步|今后|明年|接下来|新的一年|"
    r"力争|争取|预计|打算|即将|将于|将要|"
    rf"(?<![即])将(?={_JIANG_NEXT})|"
    # 要/应当/应该 as requirements; 要 not inside 主要/重要/需要/要求/要点…
    r"(?:(?<=^)|(?<=[，,：:；;。\s])|(?<=[我局委办还也都更并]))要(?![求点闻件素害务是])|"
    r"应当|应该|务必|必须|需要进一步|有待"
)
_YEAR = re.compile(r"(20\d\d)\s*年")
# explicit past/done markers that override the improvement-half default
_DONE = re.compile(
    r"已经|已(?!有待)|完成了|取得了|实现了|开展了|举办了|召开了|组织了|进行了|邀请了|成立了|"
    r"梳理了|采取措施|积极整改|整改到位|整改完成|扎实改进|认真整改|(?<![为除对])了[，,。；;]"
)

# --- shortcomings (problems half) ---------------------------------------------------
_SHORT = re.compile(
    r"不够|不足|有待|欠缺|较少|单一|不高|不强|不多|待进一步|待加强|待提升|还需|仍需|差距|薄弱|"
    r"不到位|不规范|不及时|不精准|不准确|不全面|不丰富|不明显|还未能|尚不|少数|个别"
)


@dataclass(frozen=True)
class Judgement:
    """The modality of a sentence (or of one phrase in it) and the cue that decided."""

    modality: str  # one of MODALITIES
    cue: str = ""  # the words that decided ("拟", "未召开", "下一步", "改进措施")


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans of a sentence, cut at ，：；。 (not at 、, which joins list items)."""
    out, a = [], 0
    for m in _CLAUSE_SEP.finditer(text):
        if m.start() > a:
            out.append((a, m.start()))
        a = m.end()
    if a < len(text):
        out.append((a, len(text)))
    return out or [(0, len(text))]


def _future_year(text: str, report_year: int | None) -> str:
    if not report_year:
        return ""
    for m in _YEAR.finditer(text):
        if int(m.group(1)) > report_year:
            rest = text[m.end() : m.end() + 12]
            if re.search(r"将|要|计划|拟|力争|争取|重点|继续|进一步", rest) or m.start() == 0:
                return m.group()
    return ""


def _denial_near(text: str, pos: int, end: int) -> str:
    """A negation shortly before the keyword hit at ``text[pos:end]``, in its clause."""
    start = max(0, pos - 16)
    window = text[start:pos]
    # do not look across a clause boundary
    cut = max(window.rfind(c) for c in "，,：:；;。")
    if cut >= 0:
        window = window[cut + 1 :]
    for m in re.finditer(_NEG, window):
        tail = window[m.start() :] + text[pos:end]
        if _NEG_FALSE.match(tail) or _NEG_FALSE.search(window[max(0, m.start() - 1) : m.end() + 2]):
            continue
        # "无" must not be part of a noun such as 无纸化 (handled) and must be the
        # clause's predicate: short gap to the keyword
        gap = len(window) - m.end()
        # long gaps only through a list of objects ("未运用图表、动画、音频、视频")
        if gap <= 8 or (gap <= 14 and "、" in window[m.end() :]):
            return window[m.start() :] + text[pos:end]
    return ""


def judge_modality(
    text: str,
    hits: tuple[tuple[int, int], ...] = (),
    *,
    report_year: int | None = None,
    section: str | None = None,
    improvement: bool = False,
) -> Judgement:
    """Judge whether ``text`` reports the act as done, planned or denied.

    Parameters
    ----------
    text : str
        One sentence.
    hits : tuple of (int, int)
        Offsets in ``text`` of the criterion phrase (keyword matches). Empty: judge
        the whole sentence (classifier-only evidence).
    report_year : int, optional
        Years after it mark plans ("2023年将丰富解读形式" in a 2022 report).
    section : str, optional
        Section key; shortcomings in section 五 are ``other``.
    improvement : bool
        The sentence lies in the improvement half of section 五: ``planned`` unless
        it says the thing was already done (已, 完成了 …).

    Returns
    -------
    Judgement
        ``modality`` in :data:`MODALITIES` and the deciding ``cue``.

    Examples
    --------
    >>> judge_modality("拟于2022年6-7月举办开放日活动", ((10, 13),)).modality
    'planned'
    >>> judge_modality("本年度未召开新闻发布会", ((7, 11),)).modality
    'denied'
    """
    cls = clauses(text)
    # the scope: clauses up to and including the first one holding a hit
    if hits:
        first = min(h[0] for h in hits)
        upto = next((i for i, (a, b) in enumerate(cls) if a <= first < b or first < a), len(cls) - 1)
        hit_clause = cls[upto]
    else:
        upto = len(cls) - 1
        hit_clause = (0, len(text))

    # 1. denial of the act at the keyword (or of any act, without keywords)
    for a, b in hits:
        neg = _denial_near(text, a, b)
        if neg:
            return Judgement("denied", neg)
    if not hits:
        for m in _DENIAL_ACT.finditer(text):
            if not _NEG_FALSE.match(text, m.start()) and not _NEG_FALSE.search(text[max(0, m.start() - 1) : m.end()]):
                return Judgement("denied", m.group())

    scope = text[: cls[upto][1]]
    # 2. plans: a cue in the hit's clause or before it
    fy = _future_year(scope, report_year)
    if fy:
        return Judgement("planned", fy)
    m = _PLAN.search(scope)
    if m:
        # "有待"/"需要进一步" are shortcomings when stated in the problems half
        if m.group() in ("有待", "需要进一步") and section == "problems" and not improvement:
            return Judgement("other", m.group())
        return Judgement("planned", m.group())
    if improvement:
        done = _DONE.search(text)
        if done:
            return Judgement("done", done.group())
        return Judgement("planned", "改进措施")

    # 3. shortcomings: "政策解读形式不够丰富" is not a deed
    ha, hb = hit_clause
    s = _SHORT.search(text[ha:hb]) or (_SHORT.search(text) if section == "problems" else None)
    if s:
        return Judgement("other", s.group())
    if section == "problems":
        # section 五 states problems and directions ("进一步加强…多元化解读"); a deed
        # there (last year's problems fixed) says so explicitly
        done = _DONE.search(text)
        if done:
            return Judgement("done", done.group())
        return Judgement("other", "存在的问题")
    return Judgement("done", "")
