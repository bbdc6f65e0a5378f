"""Draft a criteria set from a 政务公开工作要点, a task table (任务分解表) or a plan.

The draft is YAML for an evaluator to edit, and loads as is with
:func:`scorer.criteria.load_criteria`. It follows the document's own structure:

* 一、 headings give the ``category``; (一) headings and numbered tasks (1. / 1、)
  group the clauses; tab-separated table rows (序号 | 内容 | 完成时间) are items too;
* one item per checkable clause: a numbered task as a whole, else each sentence that
  states a duty (要/应/须, 不少于/至少, 每月/每季度, 年内, N个工作日内, 拟 …), starts with
  an action (做好, 开展, 邀请 …) or speaks of a core criterion;
* numbers are captured: 不少于N次 / 至少N次 / 设立N个 -> ``min_count``; 每月一次 ->
  ``frequency: monthly`` (``min_count`` 12); N个工作日内 -> ``within_days``; 8月 /
  6-7月 / 第二季度 -> ``months``; 7月底前 / 年底前 -> ``note``;
* a clause about a core criterion (列席 -> public_attendance …) overrides that core item
  (its clause and numbers) the first time, and later ones get ``classifier_label``;
* website features and internal housekeeping (搜索功能, 标识, 错链 …) are
  ``checkable: false``;
* keywords come from :func:`scorer.nlp.cut` with the domain dictionary.

Output is deterministic: the same input gives byte-identical YAML.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorer.errors import EmptyDocument, LoadError

__all__ = ["draft_criteria", "DraftItem", "extract_items"]

_CN_DIGITS = "零一二三四五六七八九十"
_CN = "一二三四五六七八九十"
_NUM = r"(\d+|[一二两三四五六七八九十]+)"


def _cn(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十 (heading numerals)."""
    if n <= 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _int(token: str) -> int:
    if token.isdigit():
        return int(token)
    import cn2an

    return int(cn2an.cn2an(token.replace("两", "二"), "smart"))


# --------------------------------------------------------------------------- reading


@dataclass
class _Source:
    text: str
    title: str | None
    label: str  # what goes into `source:`
    stem: str
    kind: str = "other"  # scorer.metadata's document kind


_CHROME_LINES = {"返回上一级", "字号", "打印", "关闭", "主动公开", "分享", "收藏"}


def _read(path_or_doc: Any) -> _Source:
    """The text of a 要点 or plan, read by the same loader as reports (so chrome, the
    crawler header and encodings are handled once, in one place)."""
    if hasattr(path_or_doc, "text") and hasattr(path_or_doc, "path"):
        doc = path_or_doc  # a scorer.model.Document: already cleaned by the loader
    else:
        from scorer.load import load

        doc = load(os.fspath(path_or_doc))
    label = str(doc.path)
    return _Source(doc.text, doc.title, label, Path(label).stem, doc.kind)


def _clean_markup(text: str) -> str:
    """Markdown emphasis and heading marks out; chrome-only lines out."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line).replace("**", "").replace("__", "")
        if line.strip() in _CHROME_LINES:
            line = ""
        lines.append(line.rstrip())
    return "\n".join(lines)


def _guess_title(text: str) -> str | None:
    for line in text.splitlines()[:40]:
        s = line.strip()
        if 6 <= len(s) <= 80 and re.search(r"要点|计划|方案|任务|意见", s) and "。" not in s:
            return s
    return None


def _join_lines(s: str) -> str:
    """Join hard-wrapped lines (PDF/markdown debris) and squeeze blank runs."""
    s = re.sub(r"\s*\n\s*", "", s.strip())
    return re.sub(r"[ \t\u3000]{2,}", " ", s)


# --------------------------------------------------------------------------- structure


@dataclass
class _Block:
    level: int  # 1 一、, 2 (一), 3 1.
    number: int
    start: int  # of the marker
    body_start: int
    end: int = 0
    l1: int = 0
    l2: int = 0
    l1_title: str = ""
    l2_title: str = ""


def _boundary_ok(text: str, pos: int) -> bool:
    """A 一、 heading starts a line or follows punctuation, except in flattened text
    (crawler dumps put a whole table on one line, so anything may precede it)."""
    if pos == 0 or text[pos - 1] in "\n \t\u3000。；;）)】」”\"*#>：:":
        return True
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    return (line_end if line_end != -1 else len(text)) - line_start > 300


def _find(pattern: str, text: str, pos: int, check=None) -> re.Match | None:
    """First match at or after ``pos`` (lookbehinds still see the text before it)."""
    for m in re.compile(pattern).finditer(text, pos):
        if check is None or check(text, m.start()):
            return m
    return None


def _scan(text: str) -> list[_Block]:
    """Find the numbered structure by expecting the next number at each level, so that
    a stray "二、" in prose or a repeated table cell does not start a new section."""
    blocks: list[_Block] = []
    pos, e1, e2, e3 = 0, 1, 1, 1
    reset3 = False
    while True:
        cands: list[tuple[int, int, int, re.Match]] = []
        for n in (e1, e1 + 1):
            m = _find(rf"(?<![{_CN}]){_cn(n)}、", text, pos, _boundary_ok)
            if m:
                cands.append((m.start(), 1, n, m))
        for n in (e2, e2 + 1):
            m = _find(rf"[（(]{_cn(n)}[）)]", text, pos)
            if m:
                cands.append((m.start(), 2, n, m))
        numbers = [e3, e3 + 1, e3 + 2] + ([1] if reset3 and e3 != 1 else [])
        for n in numbers:
            m = _find(rf"(?<![\d.．]){n}\s*[.、．](?![\d])", text, pos)
            if m:
                cands.append((m.start(), 3, n, m))
        if not cands:
            break
        start, level, n, m = min(cands, key=lambda c: (c[0], c[1], c[2]))
        blocks.append(_Block(level, n, start, m.end()))
        pos = m.end()
        if level == 1:
            e1, e2, reset3 = n + 1, 1, True
        elif level == 2:
            e2, reset3 = n + 1, True
        else:
            e3, reset3 = n + 1, False
    for i, b in enumerate(blocks):
        b.end = blocks[i + 1].start if i + 1 < len(blocks) else len(text)
    # Context: the enclosing 一、 and (一) of every block.
    l1 = l2 = 0
    l1_title = l2_title = ""
    for b in blocks:
        head, _ = _split_heading(text[b.body_start:b.end])
        if b.level == 1:
            l1, l2, l1_title, l2_title = b.number, 0, head, ""
        elif b.level == 2:
            l2, l2_title = b.number, head
        b.l1, b.l2, b.l1_title, b.l2_title = l1, l2, l1_title, l2_title
    return blocks


def _split_heading(body: str) -> tuple[str, str]:
    """Heading = up to the first 。 or line end; the rest is the body."""
    s = body.lstrip(" \t\u3000")
    cut = len(s)
    for sep in ("。", "\n"):
        i = s.find(sep)
        if i != -1:
            cut = min(cut, i)
    head = s[:cut].strip(" \t\u3000:：")
    rest = s[cut + 1:] if cut < len(s) else ""
    return _join_lines(head), rest


# --------------------------------------------------------------------------- clauses

_MODAL = re.compile(
    r"(?<![重主需必纲摘概只])要(?![求素点件闻])|(?<![回相供适对响效反])应(?![急用])|须|"
    r"不少于|不低于|至少|不得少于|每(?:周|月|季度|季|半年|年)|年内|全年|工作日内|底前|前完成|拟"
)
_ACTION = re.compile(
    r"^(?:同时|并|另外|此外|继续|进一步|全面|认真|切实|积极|主动|及时|严格|持续|不断|定期|大力|"
    r"深入|要|应)*(?:加强|做好|建立|健全|完善|推进|推动|开展|落实|强化|提升|提高|规范|扩大|优化|"
    r"探索|组织|举办|邀请|召开|设立|发布|公开|实行|施行|执行|加大|深化|整合|安排|配合|抓好|用好|"
    r"办好|畅通|督促|梳理|编制|更新|对照|跟踪|依托|结合|围绕|聚焦|利用|通过)"
)
_NOT_CHECKABLE_STRONG = ("搜索功能", "标识", "标注", "错链", "断链", "超链接", "分列", "醒目")
_NOT_CHECKABLE_WEAK = (
    "栏目", "台账", "经费", "队伍", "专人专责", "格式规范", "要素齐全", "全量覆盖", "分类展示",
    "数据同源", "稿源", "原创比例", "内容混杂", "联络员", "梯度", "文件库", "巡查",
)
_UNITS = re.compile(r"(单位|局|办|委|政府|中心|处|企|街道|乡镇|片区)[）)]?\s*$")


def _sentences(body: str) -> list[str]:
    """Sentences of a block body, hard-wrapped lines joined; split at 。 and ；."""
    text = _join_lines(body)
    parts = re.split(r"(?<=[。；;！!？?])", text)
    return [p.strip() for p in parts if p.strip()]


@dataclass
class DraftItem:
    """A clause found in the document, with the numbers captured from it."""

    clause: str
    title: str
    category: str
    path: tuple[int, ...]  # (l1, l2, k) numbering, used for ids
    kind: str  # "sentence", "task" or "row"
    min_count: int | None = None
    frequency: str | None = None
    months: tuple[int, ...] = ()
    within_days: int | None = None
    notes: list[str] = field(default_factory=list)
    checkable: bool = True
    label: str | None = None
    label_score: int = 0
    keywords: tuple[str, ...] = ()

    @property
    def quantified(self) -> bool:
        return bool(self.min_count or self.months or self.within_days)


_FREQ_WORDS = {"周": "weekly", "月": "monthly", "季度": "quarterly", "季": "quarterly",
               "半年": "half_yearly", "年": "yearly"}
_PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _quantities(item: DraftItem, text: str) -> None:
    """Fill min_count / frequency / months / within_days / notes from the clause."""
    # 每月一次, 频次不低于每月一次, 每季度至少听取一次: a frequency, not a count of one.
    freq = re.search(
        r"(?:(?:不少于|不低于|至少)\s*)?每(周|月|季度|季|半年|年)\s*(?:[^，。；,;\d]{0,8}?)"
        rf"(?:不少于|不低于|至少)?\s*{_NUM}\s*次",
        text,
    )
    if freq and freq.group(1) != "年":
        item.frequency = _FREQ_WORDS[freq.group(1)]
        item.min_count = _PER_YEAR[item.frequency] * _int(freq.group(2))
        item.notes.append(f"频次：{freq.group(0).strip()}")
    else:
        periodic = re.search(r"每(周|月|季度|半年)", text)
        if periodic:
            item.frequency = _FREQ_WORDS[periodic.group(1)]
            item.min_count = _PER_YEAR[item.frequency]
            item.notes.append(f"频次：{periodic.group(0)}")
    if item.min_count is None:
        m = re.search(
            rf"(?:不少于|不低于|至少|最少|不得少于)[^\d一二两三四五六七八九十，。；,;每]{{0,6}}?\s*"
            rf"{_NUM}\s*(次|场|期|个|篇|条|项|批|家|人次|轮)",
            text,
        ) or re.search(rf"(?:设立|设置|开设|建立|建设)\s*{_NUM}\s*个", text)
        if m:
            item.min_count = _int(m.group(1))
    days = re.search(rf"{_NUM}\s*个?\s*工作日内", text)
    if days:
        item.within_days = _int(days.group(1))
    months: list[int] = []
    for m in re.finditer(r"(?<![\d.])(\d{1,2})\s*[-—–~至到]\s*(\d{1,2})\s*月(?!底|\s*\d{1,2}\s*日)", text):
        a, b = int(m.group(1)), int(m.group(2))
        if 1 <= a <= b <= 12:
            months.extend(range(a, b + 1))
    for m in re.finditer(r"(?<![\d.\-—–~])(\d{1,2})\s*月(?!底|\s*\d{1,2}\s*[日号]|份?前)", text):
        if 1 <= int(m.group(1)) <= 12:
            months.append(int(m.group(1)))
    for m in re.finditer(r"(?<!每)(?<!上)第?([一二三四1-4])季度", text):
        q = _QUARTERS[m.group(1)]
        months.extend(range(3 * q - 2, 3 * q + 1))
    item.months = tuple(sorted(set(months)))
    for m in re.finditer(r"(?:\d{4}\s*年|\d{1,2}\s*月|年)\s*底前|\d{1,2}\s*月(?:份)?前", text):
        item.notes.append(f"期限：{m.group(0)}")
    if "年内" in text and item.min_count:
        item.notes.append("年内")


def _title(sentence: str, fallback: str) -> str:
    """A short title: the fragment that carries the numbers or the main action."""
    s = sentence.rstrip("。；;")
    frags = [f.strip() for f in re.split(r"[，,：:；;]", s) if f.strip()]
    if not frags:
        return fallback
    pick = 0
    for i, f in enumerate(frags):
        if re.search(r"不少于|至少|不低于|每(?:月|季度|半年|周)|工作日内|\d+\s*月|受理点|开放|列席|培训|听取", f):
            pick = i
            break
    title = frags[pick]
    # A fragment that is only the quantity ("频次不低于每月一次") needs its verb phrase.
    core = re.sub(rf"(频次)?(不少于|不低于|至少)?\s*(每\S{{1,2}})?\s*{_NUM}\s*(次|个)?", "", title)
    if len(core) < 6 and pick > 0:
        title = frags[pick - 1]
    title = re.sub(r"^(?:同时|并|另外|此外|年内|要|应|须|继续|积极|进一步|切实|严格|认真|拟)+", "", title)
    title = re.sub(rf"(?:不少于|至少|不低于)\s*{_NUM}\s*次$", "", title).strip()
    if len(title) < 4:
        title = fallback or s
    return title if len(title) <= 30 else title[:29] + "…"


# --------------------------------------------------------------------------- extraction


def _table_rows(text: str) -> tuple[str, list[tuple[str, str, str, str]]]:
    """Tab-separated plan tables (序号 | 工作内容 | 完成时间): returns the text without
    them and the rows as (number, content, time, caption)."""
    kept, rows = [], []
    caption = "工作计划表"
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) >= 2 and sum(1 for c in cells if c) >= 2:
            if re.fullmatch(r"\d{1,3}", cells[0]):
                content = max(cells[1:], key=len)
                rest = [c for c in cells[1:] if c is not content and c]
                rows.append((cells[0], content, rest[-1] if rest else "", caption))
            continue  # header rows and table debris are not prose
        if line.strip() and len(line.strip()) <= 40 and re.search(r"计划|要点|任务|清单|表", line):
            caption = line.strip()
        kept.append(line)
    return "\n".join(kept), rows


def extract_items(text: str, *, labeler=None) -> list[DraftItem]:
    """The checkable clauses of a 要点 / plan text, in document order.

    Parameters
    ----------
    text : str
        The document text (crawler header and web chrome already removed).
    labeler : callable, optional
        ``labeler(clause) -> (core id or None, score)``; defaults to the core set's words.

    Returns
    -------
    list of DraftItem
    """
    labeler = labeler or _core_labeler()
    text = _clean_markup(text)
    text, rows = _table_rows(text)
    blocks = _scan(text)
    first_l1 = next((b for b in blocks if b.level == 1), None)
    if first_l1 is not None:
        blocks = [b for b in blocks if b.start >= first_l1.start]
        text = _cut_signature(text, first_l1.start)
    items: list[DraftItem] = []
    seen: set[str] = set()

    def add(item: DraftItem) -> None:
        key = re.sub(r"\s+", "", item.clause)
        if key in seen or len(key) < 6:
            return  # repeated body copies (seeds 000, 002) give each clause once
        seen.add(key)
        _quantities(item, item.clause)
        item.label, item.label_score = labeler(item.clause)
        strong = any(w in item.clause for w in _NOT_CHECKABLE_STRONG)
        weak = any(w in item.clause for w in _NOT_CHECKABLE_WEAK)
        item.checkable = not (strong or (weak and item.label is None))
        items.append(item)

    has_children = {(b.l1, b.l2) for b in blocks if b.level == 3}
    for b in blocks:
        category = b.l1_title
        body = text[b.body_start:b.end]
        if b.level == 3:
            clause = _task_clause(body)
            if clause:
                head = clause.split("。")[0]
                add(DraftItem(clause, _title(head, b.l2_title), category or b.l2_title,
                              (b.number,), "task"))
            continue
        if b.level == 2 and (b.l1, b.l2) in has_children:
            continue
        head, rest = _split_heading(body)
        if b.level == 1 and not rest.strip():
            continue
        sentences = _sentences(rest)
        k = 0
        for s in sentences:
            if not _qualifies(s, labeler):
                continue
            k += 1
            add(DraftItem(s, _title(s, head), category, (b.l1, b.l2, k), "sentence"))
    for number, content, when, caption in rows:
        clause = _join_lines(content)
        item = DraftItem(clause, _title(clause.split("。")[0], caption), caption,
                         (int(number),), "row")
        if when:
            item.notes.append(f"完成时间：{when}")
        seen_before = len(items)
        add(item)
        if when and len(items) > seen_before:
            # The time column is the schedule: 8月份 -> months, 第二季度 -> April–June.
            probe = DraftItem("", "", "", (), "row")
            _quantities(probe, when)
            if probe.months:
                items[-1].months = tuple(sorted(set(items[-1].months) | set(probe.months)))
    return items


_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$", re.M)


def _cut_signature(text: str, after: int) -> str:
    """Blank the signature (issuing agency + date line) and what follows it, so that it
    does not become part of the last clause. Offsets are kept (blanks, not cuts)."""
    m = _DATE_LINE.search(text, after)
    if not m:
        return text
    head = text[: m.start()].rstrip()
    line_start = head.rfind("\n") + 1
    agency = head[line_start:].strip()
    cut = line_start if line_start > after and len(agency) <= 40 and "。" not in agency else m.start()
    return text[:cut] + re.sub(r"[^\n]", " ", text[cut:])


def _task_clause(body: str) -> str:
    """A numbered task: its sentences, without the responsible units that a flattened
    task table appends after the last 。."""
    text = _join_lines(body)
    last = text.rfind("。")
    if last == -1:
        return text if not _UNITS.search(text) else ""
    tail = text[last + 1:].strip()
    return text if tail and not _UNITS.search(tail) and len(tail) > 40 else text[: last + 1]


def _qualifies(sentence: str, labeler) -> bool:
    if len(sentence) < 8:
        return False
    return bool(_MODAL.search(sentence) or _ACTION.match(sentence) or labeler(sentence)[0])


# --------------------------------------------------------------------------- labels/keywords


#: Tie order of the labeler: specific criteria before the generic ones that share
#: their words (三同步 and 图解 sentences also say 解读).
_LABEL_ORDER: tuple[str, ...] = (
    "interpretation_sync", "interpretation_forms", "public_attendance", "open_day",
    "decision_consultation", "press_conference", "request_to_proactive", "fee_statement", "training",
    "leadership_review", "new_media", "responding_concerns", "prior_rectification",
    "yaodian_implementation", "policy_interpretation",
)


def _count(text: str, words: tuple[str, ...]) -> tuple[int, str]:
    """Occurrences of ``words`` (longest first, without overlaps); the rest of the text."""
    n = 0
    for w in sorted(words, key=lambda w: (-len(w), w)):
        if w in text:
            n += 1
            text = text.replace(w, "\0")
    return n, text


def _core_labeler():
    """clause -> (core criterion it is about, score), by the core set's own words.

    A criterion's exclude words are blanked first; then keywords count 2 and synonyms
    1, each word once and without overlaps (解读 inside 政策解读 does not count twice).
    The best score wins; ties go to :data:`_LABEL_ORDER`.
    """
    from scorer.criteria.loader import load_criteria

    core = load_criteria("core")
    by_id = {c.id: c for c in core.criteria}
    vocab = [(cid, by_id[cid]) for cid in _LABEL_ORDER if cid in by_id]

    def label(clause: str) -> tuple[str | None, int]:
        best: tuple[str | None, int] = (None, 0)
        for cid, c in vocab:
            text = clause
            for word in c.exclude:
                text = text.replace(word, "\0")
            k, text = _count(text, c.keywords)
            n, _ = _count(text, c.synonyms)
            score = 2 * k + n
            if score > best[1]:
                best = (cid, score)
        return best

    return label


_STOP = {
    "要", "应", "做好", "加强", "进一步", "工作", "年内", "不少于", "至少", "不低于", "本单位", "单位",
    "情况", "相关", "各类", "及时", "切实", "积极", "继续", "持续", "严格", "按照", "根据", "确保",
    "提高", "提升", "推进", "推动", "开展", "落实", "加大", "深化", "优化", "完善", "健全", "建立",
    "强化", "规范", "充分", "利用", "进行", "通过", "以及", "不断", "主动", "一次", "每月", "频次",
    "全面", "有关", "方面", "工作日", "出台", "政务公开", "政府信息公开", "信息公开", "主动公开",
    "公开", "要求", "实际", "重点", "重要", "社会", "群众", "公众", "人民群众", "社会公众", "本区",
    "全区", "我区", "我局", "本局", "领导", "主要", "专门", "亲自", "关心", "部署", "组织", "形成",
    "确定", "更好", "进行", "一并", "向", "等", "并", "及", "和", "与", "的", "了", "对", "在", "为",
    "将", "拟", "于", "以", "把", "由", "其", "之", "上", "中", "内", "后", "前", "期间", "定期",
    "常态化", "工作机制", "机制", "水平", "质量", "能力", "内容", "信息", "政府", "政策", "文件",
    "区政府", "以上", "其他", "方式", "形式", "渠道", "平台", "统一", "各项", "工作任务", "任务",
    "实现", "维护", "注意", "突出", "结合", "围绕", "加快", "全年", "次", "个", "年度",
    "低于", "存在", "包括", "予以", "接受", "提出", "保持", "抓好", "鼓励", "依托", "新增", "提供",
    "设置", "显示", "以下", "简称", "认真", "贯彻落实", "进一步", "明确", "力度", "着力", "做到",
}


def _keywords(clause: str, label: str | None, core_words: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Up to six words to search for: the core criterion's words found in the clause
    first, then domain-dictionary words, then other content words, in clause order."""
    from scorer.nlp import cut, domain_words

    domain = set(domain_words())
    found: list[str] = []
    if label:
        found += [w for w in core_words.get(label, ()) if w in clause]
    words = [w for w in cut(clause) if len(w) >= 2 and not re.search(r"[\d\W_]", w)]
    words = [w for w in words if w not in _STOP]
    found += [w for w in words if w in domain]
    found += [w for w in words if w not in domain]
    out: list[str] = []
    for w in found:
        if w not in out:
            out.append(w)
    return tuple(out[:6])


# --------------------------------------------------------------------------- output


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _flow(values: tuple) -> str:
    return "[" + ", ".join(_q(v) if isinstance(v, str) else str(v) for v in values) + "]"


def _slug(stem: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return f"draft-{s}" if s else "draft"


def _shares(n: int, total: float) -> list[float]:
    """``n`` weights in hundredths that add up to ``total`` exactly."""
    cents = round(total * 100)
    base, extra = divmod(cents, n)
    return [(base + (1 if i < extra else 0)) / 100 for i in range(n)]


def _fmt_weight(w: float) -> str:
    return str(int(w)) if float(w).is_integer() else f"{w:.2f}".rstrip("0")


def draft_criteria(path_or_doc: Any, *, extends: str | None = "core",
                   parent_weight: float = 50.0) -> str:
    """Draft a criteria set (YAML text) from a 要点, task table or plan.

    Parameters
    ----------
    path_or_doc : str, path-like or scorer.model.Document
        A .txt/.md file (read directly; a crawler header is dropped, its 标题 kept) or a
        Document from :func:`scorer.load` (other formats need the loader).
    extends : str or None, default "core"
        Parent set. Clauses about a core criterion override it (first one) or carry
        its ``classifier_label``. None drafts a stand-alone set.
    parent_weight : float, default 50
        With a parent: the inherited items are rescaled to this total and the drafted
        items share the rest, so the draft sums to 100 and loads as is.

    Returns
    -------
    str
        YAML text, byte-identical for the same input.

    Raises
    ------
    scorer.errors.LoadError
        When the file cannot be read, is an annual report (criteria are drafted from
        what was required, not from what a report says was done), or holds no clause
        to draft from.

    Examples
    --------
    >>> yaml_text = draft_criteria("corpora/seeds/004_778e9eaa94c38b02.txt")  # doctest: +SKIP
    """
    src = _read(path_or_doc)
    if src.kind == "report":
        # a report says what was done; criteria come from what was required
        raise LoadError(
            "这是政府信息公开工作年度报告，不是政务公开工作要点或工作计划，不能据此起草评估指标；"
            "请用 xxgk score 给它评分",
            path=src.label,
        )
    from scorer.criteria.loader import load_criteria

    parent = load_criteria(extends) if extends else None
    items = extract_items(src.text)
    if not items:
        raise EmptyDocument(
            "no checkable clause found (expected 一、/(一)/1. numbering and sentences with "
            "要/应/不少于/每月 …).",
            path=src.label,
        )
    core_words = {}
    if parent is not None:
        core_words = {c.id: c.keywords + c.synonyms for c in parent.criteria}
    else:
        core = load_criteria("core")
        core_words = {c.id: c.keywords + c.synonyms for c in core.criteria}

    # The first clause about a core criterion (preferring one with numbers) overrides it.
    overrides: dict[str, DraftItem] = {}
    if parent is not None:
        parent_ids = {c.id for c in parent.criteria}
        # Numbers first (they are what the 要点 adds), then the clearest wording.
        ranked = sorted(
            (it for it in items if it.label in parent_ids and it.checkable),
            key=lambda it: (not it.quantified, -it.label_score, items.index(it)),
        )
        for it in ranked:
            overrides.setdefault(it.label, it)
    override_ids = {id(it): cid for cid, it in overrides.items()}
    new_items = [it for it in items if id(it) not in override_ids]
    for it in items:
        if id(it) not in override_ids:
            it.keywords = _keywords(it.clause, it.label, core_words)
            if not it.keywords:
                it.checkable = False  # nothing to search for: a person must judge it

    title = src.title or _guess_title(_clean_markup(src.text)) or src.stem
    year = re.search(r"(20\d{2})", title)
    out: list[str] = [
        f"# Draft criteria set generated by `xxgk criteria draft` from {src.label}.",
        "# Review every item: delete what you do not want to score, adjust weights (a set",
        "# must sum to 100), keywords and checkable. Items with a core id override that",
        "# core criterion with the clause and numbers found here; the rest are new items.",
        f"id: {_slug(src.stem)}",
        f"title: {_q(title)}",
        f"source: {_q(src.label)}",
    ]
    total_new = 100.0
    if parent is not None:
        out.append(f"extends: {_q(extends)}")
        if new_items:
            pw = parent_weight
            out.append(
                f"parent_weight: {_fmt_weight(pw)}  # the {parent.id} items share {_fmt_weight(pw)} "
                f"points; the new items below share {_fmt_weight(100 - pw)}"
            )
            total_new = 100.0 - pw
        else:
            total_new = 0.0
    if year:
        y = int(year.group(1))
        out.append(f"report_year: {y}")
        out.append(f"# deadline: {y + 1}-01-31  # set it when the jurisdiction has its own date")
    out.append("criteria:")
    weights = _shares(len(new_items), total_new) if new_items else []
    w_iter = iter(weights)
    used_ids: set[str] = set(overrides)
    if parent is not None:
        used_ids |= {c.id for c in parent.criteria}
    current_category = None
    for it in items:
        if it.category != current_category:
            current_category = it.category
            out.append(f"  # ---- {it.category or '(未分类)'}")
        cid = override_ids.get(id(it))
        if cid:
            out.append(f"  - id: {cid}  # overrides the {parent.id} criterion")
        else:
            cid = _item_id(it, used_ids)
            used_ids.add(cid)
            out.append(f"  - id: {cid}")
            out.append(f"    title: {_q(it.title)}")
            out.append(f"    category: {_q(it.category)}")
        out.append(f"    clause: {_q(it.clause)}")
        if not override_ids.get(id(it)):
            out.append(f"    weight: {_fmt_weight(next(w_iter))}")
            if it.keywords:
                out.append(f"    keywords: {_flow(it.keywords)}")
            if it.label:
                out.append(f"    classifier_label: {it.label}")
        if it.frequency:
            out.append(f"    frequency: {it.frequency}")
        if it.min_count is not None:
            out.append(f"    min_count: {it.min_count}")
        if it.months:
            out.append(f"    months: {_flow(it.months)}")
        if it.within_days is not None:
            out.append(f"    within_days: {it.within_days}")
        if not it.checkable:
            out.append("    checkable: false")
        if it.notes:
            out.append(f"    note: {_q('；'.join(dict.fromkeys(it.notes)))}")
    return "\n".join(out) + "\n"


def _item_id(it: DraftItem, used: set[str]) -> str:
    prefix = it.label or {"task": "task", "row": "plan_row"}.get(it.kind, "item")
    base = f"{prefix}_{'_'.join(str(n) for n in it.path)}"
    cid, n = base, 2
    while cid in used:
        cid, n = f"{base}_{n}", n + 1
    return cid
