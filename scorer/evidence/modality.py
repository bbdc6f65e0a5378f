"""Modality of a sentence: is the act DONE by this agency in the report year, or
something else that mentions it?

domain.md §7: what counts is what the report says the agency did in the report year.
Every candidate sentence gets one class of :data:`MODALITIES`; only ``done`` makes a
verdict, the others say why a sentence was discarded:

``done``         this year, this agency ("我局召开新闻发布会2场", "通过门户网站…对本部门
                 出台的政策文件进行解读").
``planned``      a plan or promise (拟, 将, 计划, 下一步, 明年, 202X年将 with X after the
                 report year, the improvement half of section 五, a heading there).
``required``     an obligation quoted from above or laid on others: 要/应/应当/须/必须/
                 务必, 按照…要求，各单位…, 每半年至少… ("各部门要在文件印发后三个工作日内
                 发布解读材料").
``general``      a rule, definition or purpose clause, a habit without a deed ("本办法所称
                 政府开放日，是指……", "为进一步做好新闻发布工作，……" when the criterion's words
                 stand only in the purpose clause).
``other_actor``  a superior body, a meeting of others, subordinates, or officials where
                 the public is meant ("市政府常务会议听取了…汇报" in a department's report,
                 "各区分管负责同志列席会议").
``denied``       an explicit denial ("本年度未召开新闻发布会").
``other_year``   an earlier year ("2020年，我局召开新闻发布会2场" in a 2022 report).
``other``        a shortcoming or a problem stated in section 五 ("政策解读形式不够丰富").

The judgement is local to the criterion phrase where one is given: a denial must
negate the act near the keyword ("未召开新闻发布会"), so an unrelated negation in
the same sentence ("无一例投诉") does not flip it; a plan or obligation cue counts in
the keyword's clause or an earlier clause ("下一步，我局将…，开展培训"), not in a
later one ("召开发布会2次，下一步将继续"). The cues are words of aspect and tense,
obligation and future, the subject, the place in the report and the sentence's
shape, which read the same in every region's prose (no region's phrasing is
memorised).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MODALITIES", "DISCARDED", "Judgement", "judge_modality", "in_document", "clauses", "is_heading",
           "CUE_NAMES", "cue_features"]

MODALITIES: tuple[str, ...] = (
    "done", "planned", "required", "general", "other_actor", "denied", "other_year", "other",
)
#: Classes that are not a deed of the agency in the report year (all but ``done``).
DISCARDED: tuple[str, ...] = tuple(m for m in MODALITIES if m != "done")

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
    # 拟 heading a relative clause names what is to be published ("对拟公开的信息…审查",
    # "拟在门户网站公开的信息"): an attribute of the object, not a plan
    r"拟(?![^，,。；;]{0,30}的(?:政府)?(?:信息|文件|内容|事项|稿件|政策|材料|公文))|计划(?:于|在|开展|组织|举办|召开|将|年内|全年)|下一步|今后|明年|接下来|新的一年|"
    r"力争|争取|预计|打算|即将|将于|将要|"
    rf"(?<![即])将(?={_JIANG_NEXT})|"
    r"需要进一步|有待"
)
# an enumeration mark opening a sentence ("（一）", "3、", "二."), optional; the cues below
# that must open the sentence allow it before them
_MARK = r"(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*)?"

# --- obligations (required) -------------------------------------------------------------
# 要/应当/应/须 as requirements; 要 not inside 主要/重要/需要/要求/要点…, 应 not inside
# 回应/响应/对应/相应/应用/应急/应对/供应/适应/反应/应公开尽公开…
_OBLIGE = re.compile(
    r"(?<![主重需必只想纪概摘提简首紧不机纲扼])要(?![求点闻件素害务是闻])|"
    r"应当|应该|务必|必须|须(?![知要])|(?<![回响对相适供反答呼顺理效])应(?![用急对公该当答诉主])(?![^，,。；;、]{0,4}尽)|"
    r"不得|严禁|每(?:半年|季度|年|月)(?:至少|不少于)|至少(?:举办|召开|开展|组织)|原则上|不少于|不低于|"
    r"(?:按照|根据|依据|对照)[^，,。；;]{0,30}要求[，,]\s*(?:各|全[市区县省])"
)
# a requirement quoted from above ("按照要点要求，…", "根据《…》规定")
_QUOTED = re.compile(r"(?:按照|根据|依据|对照|落实)[^，,。；;]{0,30}(?:要求|规定)[，,]")
# subordinate units as the subject of a task ("各部门要…", "各单位每半年…")
_OTHERS_SUBJ = re.compile(r"^" + _MARK + r"(?:各(?:区|县|市|乡镇|街道|部门|单位|地|级|成员单位|科室|处室)|全[市区县省]各)")

# --- general: rules, definitions, purpose clauses ---------------------------------------
_DEFINITION = re.compile(
    r"本(?:办法|制度|规定|细则|条例|意见|方案|通知)(?:所称|所指|中)|是指|系指|指的是|"
    r"^" + _MARK + r"第[一二三四五六七八九十百\d]+条|"
    r"本(?:办法|制度|规定|细则)自[^，。]{0,12}(?:施行|实施)|由[^，。]{1,12}负责解释"
)
# a purpose clause: "为(了)(进一步)…" at the start of a clause, ended by the comma
_PURPOSE = re.compile(r"^\s*" + _MARK + r"(?:为了|为(?=进一步|切实|加强|推进|推动|做好|确保|贯彻|提高|提升|规范|保障|深入|全面|更好|扎实|"
    r"有效|落实|促进|加快|强化|充分|拓展|方便|便于|满足|增强|营造|助力|积极|认真|健全|完善|深化|"
    r"扩大|丰富|畅通|回应|让|使|实现|进一步))")

# --- other actors -------------------------------------------------------------------------
# a superior body or another government's meeting as the subject ("市政府常务会议听取…")
_SUPERIOR = re.compile(
    r"^" + _MARK + r"(?:20\d\d年度?[，,]?\s*)?"
    r"(?:国务院|上级|省委|省政府|省人民政府|[省市区县](?:委|政府)?(?:常务会议|常委会)|"
    r"(?:省|市|区|县)(?:委|人民政府|政府)(?:办公厅|办公室)?(?:主要领导|领导|召开|印发|出台|下发|听取|研究|审议|部署)|"
    r"(?:省|市|区|县)(?:政务公开办|政府办)(?:公室)?(?:召开|组织|印发|下发|举办))"
)
# officials sitting in where the public is meant (public_attendance)
_OFFICIALS = re.compile(r"(?:负责同志|负责人|分管领导|领导干部|领导同志|科室负责|局长|主任|干部职工)[^，,。；;]{0,8}列席")
_PUBLIC = re.compile(r"公众|群众|市民|居民|村民|人大代表|政协委员|专家|利益相关|社会各界|企业代表|媒体")
# a whole-government report: the government's own meeting is the agency's deed
_GOVERNMENT_AGENCY = re.compile(r"人民政府|政府办公|管委会|管理委员会")

# --- other years ----------------------------------------------------------------------------
_YEAR_LEAD = re.compile(r"^" + _MARK + r"(?<![自从至到])(20\d\d)\s*年度?(?![至到以起])")

_YEAR_COMMA = re.compile(r"(?<![自从至到及和与、\d])(20\d\d)\s*年度?(?=\s*[，,])")

# --- headings ---------------------------------------------------------------------------------
# "二是强化业务培训。", "（三）加强政策解读", "3、丰富解读形式": an enumeration marker and a
# short verb phrase with no number and no completion marker
_ENUM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十\d]+[、.．]|[一二三四五六七八九十]是)")
_YEAR = re.compile(r"(20\d\d)\s*年")
# explicit past/done markers that override the improvement-half default
_DONE = re.compile(
    r"已经|已(?!有待)|完成了|取得了|实现了|开展了|举办了|召开了|组织了|进行了|邀请了|成立了|"
    r"梳理了|采取措施|积极整改|整改到位|整改完成|扎实改进|认真整改|(?<![为除对])了[，,。；;]|"
    # the perfective 了 after a verb ("开通了…公众号", "回应了群众关切"); not 了解, 为了,
    # 除了, 了如指掌, 不了
    r"(?<=[\u4e00-\u9fff])(?<![为除罢极不对])了(?![解如])"
)

# a number of events with a total or a span of the year: strong evidence of a deed
_COUNTED = re.compile(
    r"(?:今年|本年度?|全年|年内|共|累计|合计)[^，,。；;]{0,16}?\d+\s*(?:场|次|篇|期|件|条|份|人次|批|个|名)"
)


def _this_year(text: str, report_year: int | None) -> str:
    """A lead "今年/本年度/<report year>年" naming the report year."""
    m = re.match(r"^" + _MARK + r"(今年|本年度?|全年|(20\d\d)\s*年度?)", text)
    if not m:
        return ""
    if m.group(2) and int(m.group(2)) != report_year:
        return ""
    return m.group(1)


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


def is_heading(text: str) -> bool:
    """A heading rather than a report: an enumeration marker and a short phrase with no
    number and no completion marker ("二是强化业务培训。", "（三）加强政策解读")."""
    t = text.strip()
    if not _ENUM.match(t) or len(t) > 24:
        return False
    body = _ENUM.sub("", t, count=1)
    return not re.search(r"\d|已|了|完成|共|累计", body) and len(clauses(body)) <= 1


_QUOTE = re.compile(r"《[^》]*》|“[^”]*”|\"[^\"]*\"")


def _masked(text: str) -> str:
    """``text`` with titles and quotations blanked (same length): "《干部应该成为…》",
    "“应解读尽解读”" name a document or a slogan, not the agency's obligation."""
    return _QUOTE.sub(lambda m: " " * len(m.group()), text)


def _earlier_year(text: str, report_year: int | None) -> str:
    """A lead year before the report year ("2020年，我局召开…" in a 2022 report)."""
    if not report_year:
        return ""
    m = _YEAR_LEAD.match(text)
    if not m:
        # a year as the time of the first clause ("…的主要类别2023年，在主动公开的…"):
        # followed by a comma, not part of a range or a list
        a, b = clauses(text + "，")[0]
        m = _YEAR_COMMA.search(text, a, min(b + 1, len(text)))
    if m and int(m.group(1)) < report_year:
        # "2021年以来/至2022年" span into the report year
        if not re.match(r"\s*(?:年度?)?\s*(?:以来|至今|起|到|至)", text[m.end():]):
            return m.group()
    return ""


def _own_government(cue: str, agency: str | None) -> bool:
    """The cue names the reporting government itself ("市政府常务会议" in 莆田市人民政府's
    report), whose meetings are its own deeds."""
    if not agency:
        return False
    g = _GOVERNMENT_AGENCY.search(agency)
    if not g:
        return False
    level = agency[g.start() - 1 : g.start()] if g.start() else ""
    lead = re.sub(r"^[（(]?[一二三四五六七八九十\d]*[）)、.．]?\s*(?:20\d\d年度?[，,]?\s*)?", "", cue)[:1]
    return bool(level) and lead == level


def _other_actor(text: str, scope: str, agency: str | None) -> str:
    """Cue when the subject of the act is not the reporting agency."""
    m = _OFFICIALS.search(scope)
    if m and not _PUBLIC.search(scope):
        return m.group()
    m = _SUPERIOR.match(text)
    if m and not _own_government(m.group(), agency):
        return m.group()
    m = _OTHERS_SUBJ.match(text)
    if m and not _OBLIGE.search(scope):
        return m.group()
    return ""


def judge_modality(
    text: str,
    hits: tuple[tuple[int, int], ...] = (),
    *,
    report_year: int | None = None,
    section: str | None = None,
    improvement: bool = False,
    agency: str | None = None,
) -> Judgement:
    """Judge whether ``text`` reports the act as done by the agency in the report year.

    Parameters
    ----------
    text : str
        One sentence.
    hits : tuple of (int, int)
        Offsets in ``text`` of the criterion phrase (keyword matches). Empty: judge
        the whole sentence (classifier-only evidence).
    report_year : int, optional
        Years after it mark plans ("2023年将丰富解读形式" in a 2022 report), years
        before it another year's deeds.
    section : str, optional
        Section key; shortcomings in section 五 are ``other``.
    improvement : bool
        The sentence lies in the improvement half of section 五: ``planned`` unless
        it says the thing was already done (已, 完成了 …).
    agency : str, optional
        The reporting agency; a government's own 常务会议 is its deed, not another's.

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
    >>> judge_modality("各部门要在文件印发后三个工作日内发布解读材料", ((19, 21),)).modality
    'required'
    >>> judge_modality("2020年，我局召开新闻发布会2场", ((9, 14),), report_year=2022).modality
    'other_year'
    """
    cls = clauses(text)
    # hits inside a purpose clause ("为进一步做好新闻发布工作，…") speak of an aim only;
    # the judgement follows the first hit outside one
    purpose = [(a, b) for a, b in cls if _PURPOSE.match(text[a:b])]
    live = tuple(h for h in hits if not any(a <= h[0] < b for a, b in purpose))
    if hits and not live:
        return Judgement("general", text[purpose[0][0] : purpose[0][1]][:12])
    hits = live
    # the scope: clauses up to and including the first one holding a hit
    if hits:
        first = min(h[0] for h in hits)
        upto = next((i for i, (a, b) in enumerate(cls) if a <= first < b or first < a), len(cls) - 1)
        hit_clause = cls[upto]
    else:
        upto = len(cls) - 1
        hit_clause = (0, len(text))

    # 1. another year's deeds or denials ("2020年，我局召开…" in a 2022 report)
    ey = _earlier_year(text, report_year)
    if ey:
        return Judgement("other_year", ey)
    # denial of the act at the keyword (or of any act, without keywords)
    for a, b in hits:
        neg = _denial_near(text, a, b) or (text[a:b] if re.match(_NEG, text[a:b]) else "")
        if neg:
            return Judgement("denied", neg)
    if not hits:
        for m in _DENIAL_ACT.finditer(text):
            if not _NEG_FALSE.match(text, m.start()) and not _NEG_FALSE.search(text[max(0, m.start() - 1) : m.end()]):
                return Judgement("denied", m.group())

    scope = text[: cls[upto][1]]
    # 2. rules and definitions
    m = _DEFINITION.search(scope)
    if m:
        return Judgement("general", m.group())
    # 3. another year: a plan for a later one, the deeds of an earlier one
    fy = _future_year(scope, report_year)
    if fy:
        return Judgement("planned", fy)
    # 4. plans, then obligations ("下一步要…" is a plan; "各部门要…" a requirement)
    m = _PLAN.search(_masked(scope))
    if m:
        # "有待"/"需要进一步" are shortcomings when stated in the problems half
        if m.group() in ("有待", "需要进一步") and section == "problems" and not improvement:
            return Judgement("other", m.group())
        return Judgement("planned", m.group())
    # an obligation governs the whole sentence ("…,进一步扩大政策解读传播面,要通过新媒体
    # 转发转载"), unless the sentence reports a deed with a number or 了
    bare = _masked(text)
    later = None if (_DONE.search(text) or _COUNTED.search(text)) else _OBLIGE.search(bare, len(scope))
    m = _OBLIGE.search(bare[: len(scope)]) or (later if later and later.group() == "要" else None)
    if m:
        if improvement or section == "problems":
            return Judgement("planned", m.group())
        # a bare 要 with the agency as subject is its own resolution ("…,要通过新媒体
        # 转发转载"); with others as subject or a quoted 要求 it is a requirement
        if m.group() == "要" and not (_OTHERS_SUBJ.match(text) or _QUOTED.search(scope)):
            return Judgement("planned", m.group())
        return Judgement("required", m.group())
    # 5. someone else's act
    actor = _other_actor(text, scope, agency)
    if actor:
        return Judgement("other_actor", actor)
    if improvement:
        # the improvement half as found may hold the year's deeds (a 要点落实情况 part
        # the section finder missed): the report year, 今年/全年, or a number of events
        # with a total say so
        deed = _DONE.search(text) or _this_year(text, report_year) or _COUNTED.search(text)
        if deed:
            return Judgement("done", deed.group() if hasattr(deed, "group") else deed)
        return Judgement("planned", "改进措施")

    # 6. shortcomings: "政策解读形式不够丰富" is not a deed
    ha, hb = hit_clause
    s = _SHORT.search(text[ha:hb])
    if s:
        return Judgement("other", s.group())
    # a fix told in 五 ("针对…渠道单一的问题，我局于5月开通了…公众号"): the act's own
    # clause says it was done, the shortcoming is what it answers
    own = _DONE.search(text, ha, hb) if section == "problems" and hits else None
    if own:
        return Judgement("done", own.group())
    s = _SHORT.search(text) if section == "problems" else None
    if s:
        return Judgement("other", s.group())
    if section == "problems":
        # section 五 states problems and directions ("进一步加强…多元化解读"); a deed
        # there (last year's problems fixed) says so explicitly
        done = _DONE.search(text) or _COUNTED.search(text)
        if done:
            return Judgement("done", done.group())
        this = _this_year(text, report_year)
        if this:
            return Judgement("done", this)
        if is_heading(text):
            return Judgement("planned", "标题")
        return Judgement("other", "存在的问题")
    return Judgement("done", "")


#: Document kinds (:mod:`scorer.metadata`) that state intentions throughout.
PLAN_KINDS: tuple[str, ...] = ("plan", "yaodian")


def in_document(judged: "Judgement | str", kind: str | None) -> str:
    """The modality of a sentence judged by :func:`judge_modality`, given the kind of
    document it stands in: nothing in a 要点 is a deed (its tasks, headings included,
    are ``required``: they are laid down from above), nor in a work plan
    (``planned``), nor in a 政府工作报告 (``other_year``: the year before's work)."""
    modality = judged if isinstance(judged, str) else judged.modality
    if kind == "yaodian" and modality in ("done", "planned", "other_actor"):
        return "required"
    if kind == "plan" and modality == "done":
        return "planned"
    if kind == "gov_work_report" and modality == "done":
        # a 政府工作报告 is delivered early in its title year: its account of work is
        # the year before's (its plans are the part after "20XX年工作安排")
        return "other_year"
    return modality


_SECTIONS = ("overview", "proactive", "requests", "review_litigation", "problems", "other")
_KINDS = ("report", "plan", "yaodian")
#: Names of :func:`cue_features`, in order.
CUE_NAMES: tuple[str, ...] = (
    *(f"rule={m}" for m in MODALITIES),
    "plan_scope", "plan_any", "oblige_scope", "oblige_any", "quoted_requirement",
    "others_subject", "superior_subject", "officials_attend", "definition", "purpose_only",
    "earlier_year", "future_year", "this_year", "denial", "done_marker", "counted", "shortfall",
    "heading", "improvement", *(f"section={x}" for x in (*_SECTIONS, "none")),
    *(f"kind={k}" for k in (*_KINDS, "other")), "long", "has_hits",
)


def cue_features(
    text: str,
    hits: tuple[tuple[int, int], ...] = (),
    *,
    report_year: int | None = None,
    section: str | None = None,
    improvement: bool = False,
    agency: str | None = None,
    kind: str | None = None,
) -> tuple[float, ...]:
    """The cues :func:`judge_modality` reads, as numbers (names :data:`CUE_NAMES`):
    aspect and tense, obligation and future markers, the subject, the place in the
    report, heading or sentence, quantities, and the rules' own judgement. Words of
    no single region: a model on them (``xxgk_lab``) is measured against the rules
    on regions it never saw."""
    rule = in_document(judge_modality(text, hits, report_year=report_year, section=section,
                                      improvement=improvement, agency=agency), kind)
    cls = clauses(text)
    if hits:
        first = min(h[0] for h in hits)
        scope = text[: next((b for a, b in cls if a <= first < b or first < a), len(text))]
    else:
        scope = text
    bare = _masked(text)
    purpose = [(a, b) for a, b in cls if _PURPOSE.match(text[a:b])]
    purpose_only = bool(hits) and all(any(a <= h[0] < b for a, b in purpose) for h in hits)
    denial = any(_denial_near(text, a, b) for a, b in hits) if hits else bool(_DENIAL_ACT.search(text))
    f = [float(rule == m) for m in MODALITIES]
    f += [
        float(bool(_PLAN.search(_masked(scope)))), float(bool(_PLAN.search(bare))),
        float(bool(_OBLIGE.search(bare[: len(scope)]))), float(bool(_OBLIGE.search(bare))),
        float(bool(_QUOTED.search(text))), float(bool(_OTHERS_SUBJ.match(text))),
        float(bool(_SUPERIOR.match(text)) and not _own_government(_SUPERIOR.match(text).group(), agency)),
        float(bool(_OFFICIALS.search(text)) and not _PUBLIC.search(text)),
        float(bool(_DEFINITION.search(text))), float(purpose_only),
        float(bool(_earlier_year(text, report_year))), float(bool(_future_year(text, report_year))),
        float(bool(_this_year(text, report_year))), float(denial),
        float(bool(_DONE.search(text))), float(bool(_COUNTED.search(text))), float(bool(_SHORT.search(text))),
        float(is_heading(text)), float(improvement),
    ]
    f += [float(section == x) for x in _SECTIONS] + [float(section not in _SECTIONS)]
    f += [float(kind == k) for k in _KINDS] + [float(kind not in _KINDS)]
    f += [float(len(text) > 60), float(bool(hits))]
    return tuple(f)
