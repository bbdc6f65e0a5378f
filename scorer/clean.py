"""Cleaning of extracted blocks: width normalisation, web chrome, the crawler header,
and a body that appears twice.

Everything here works on blocks before they are assembled into the located text, so
spans computed afterwards are exact. Width normalisation maps one character to one
character, so it never moves text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate, compress, count, islice
from operator import ne

from scorer.formats import Block

# Full-width digits, Latin letters and the ideographic space → half-width. Chinese
# punctuation (，。（）) is kept: it is how the reports are written and quoted.
_WIDTH = {0x3000: " ", 0xA0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0xFF0E: "."}
_WIDTH.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)})  # ０-９
_WIDTH.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_WIDTH.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDTH.update({0x200B: "", 0x200C: "", 0x200D: "", 0xFEFF: ""})
_TABLE = str.maketrans({k: v for k, v in _WIDTH.items() if v != ""})
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")
# Any character normalize_width changes. ``str.translate`` with a dict costs a lookup
# per character, and most lines have nothing to change: test for these first.
_TO_NORMALIZE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _WIDTH) + "]")


def normalize_width(text: str) -> str:
    """Full-width digits/letters/spaces to half-width; drop zero-width characters.

    Idempotent: ``normalize_width(normalize_width(t)) == normalize_width(t)``.
    """
    if _TO_NORMALIZE.search(text) is None:
        return text
    return _ZERO_WIDTH.sub("", text.translate(_TABLE))


# Lines that are page furniture, not report text (exact match after stripping).
CHROME_LINES = frozenset(
    """返回上一级 返回 返回顶部 字号 大 中 小 【大 中 小】 打印 打印本页 【打印】 【打印本页】 关闭 关闭窗口
    【关闭】 【关闭窗口】 关注我们 分享 分享到 分享到： 分享到: 微信 微博 QQ空间 发送至邮箱 内容 收藏 首页
    最近搜索 热门搜索 搜索 查看详情 查看详情》 相关推荐 附件: 附件： 附件下载 扫一扫 扫一扫在手机打开当前页
    全真版 文字版 文件下载 正文 --> 招投标大数据 上一篇 下一篇 责任编辑 浏览次数""".split()
) | {"【大 中 小】", "字号：大 中 小", "字号: 大 中 小"}
_CHROME_PREFIX = re.compile(r"^(当前位置|您当前的位置|您的位置|信息来源|浏览次数|责任编辑)\s*[:：]")
_RELATED = re.compile(r"^\s*相关链接\s*[:：]")
# The 平潭 pages glue breadcrumb, source, time and share buttons before the body:
# "当前位置： 首页… 来源：… 时间：2022-02-08 16:34 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： -->"
_INLINE_CHROME = re.compile(r"^\s*当前位置[:：].*?相关链接[:：]\s*(-->\s*)?")
_PAGE_TIME = re.compile(r"时间[:：]\s*(\d{4}-\d{1,2}-\d{1,2})")
_TRAILING_WORDS = ("附件下载", "【打印本页】", "【关闭窗口】", "打印本页", "关闭窗口")
_TRAILING_CHROME = re.compile(r"\s*(" + "|".join(map(re.escape, _TRAILING_WORDS)) + r")\s*$")
#: Field names of the header lines crawler dumps open with (平潭: 原文链接, 本地目录;
#: 莆田: 原始链接, then "正文:"), and of the metadata lines of government pages.
HEADER_FIELDS: tuple[str, ...] = ("标题", "发布时间", "文号", "发布机构", "栏目", "原文链接", "原始链接", "本地目录",
                                  "正文", "来源", "索引号", "发文日期", "主题分类")
_HEADER_LINE = re.compile(r"^(标题|发布时间|文号|发布机构|栏目|原文链接|本地目录)\s*:\s?(.*)$")
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+$")
_LINKS_NOTE = re.compile(r"^页面链接与图片详见")
# The 莆田 crawler's header: "标题: … / 发布时间: … / 文号: / 发布机构: / 栏目: /
# 原始链接: …" then "正文:". That crawler prints the page one cell or text run per line
# and prints a run of equal neighbouring lines once (corpora/reports2/README.md).
_RUNS_HEADER_FIELDS = ("标题", "发布时间", "原始链接")
_RUNS_BODY_MARK = re.compile(r"^正文\s*[:：]\s*$")

#: The note that tells later stages a document's lines went through that crawler:
#: a table row printing fewer numbers than cells holds runs of equal cells
#: (scorer.tables reads it so). One fact, one place: the tables stage tests for it.
MERGED_RUNS_NOTE = "网页爬虫把相邻的相同行只印一次：表格中连续相同的单元格被合并为一个数，已按表格勾稽关系还原，无法唯一还原的单元格标为待核对"

#: A line that occurs more often than this is boilerplate (a repeated heading), not
#: a line of a body printed twice; pairing all its occurrences would be quadratic.
_MAX_REPEATS = 6


@dataclass
class Cleaned:
    blocks: list[Block]
    header: dict[str, str] = field(default_factory=dict)  # crawler header fields
    page_time: str | None = None  # "时间：" of the page chrome
    notes: list[str] = field(default_factory=list)
    #: every piece of text removed, with why: ("chrome" | "crawler_header" |
    #: "repeated_title" | "repeated_body" | "page_tail", text). Together with the
    #: kept blocks it accounts for the whole input.
    removed: list[tuple[str, str]] = field(default_factory=list)


def clean_blocks(blocks: list[Block]) -> Cleaned:
    """Normalise width, lift the crawler header into metadata, drop chrome and a
    repeated body. Returns the kept blocks and what was learnt."""
    for b in blocks:
        if b.rows is not None:
            b.rows = [[normalize_width(c).strip() for c in row] for row in b.rows]
        else:
            b.text = normalize_width(b.text)
    out = Cleaned(blocks=blocks)
    if merges_equal_lines(blocks):
        out.notes.append(MERGED_RUNS_NOTE)
    _lift_crawler_header(out)
    _drop_chrome(out)
    _drop_repeated_body(out)
    _cut_page_tail(out)
    out.blocks = _trim_blank_runs(out.blocks)
    return out


def merges_equal_lines(blocks: list[Block]) -> bool:
    """True when the blocks are a dump of the crawler that prints a run of equal
    neighbouring lines once: its header (标题, 发布时间, 原始链接) and the
    "正文:" line open the text."""
    seen: set[str] = set()
    for b in blocks[:30]:
        if b.is_table:
            return False
        t = b.text.strip()
        if not t:
            continue
        if _RUNS_BODY_MARK.match(t):
            return all(f in seen for f in _RUNS_HEADER_FIELDS)
        m = _RUNS_HEADER_LINE.match(t)
        if not m:
            return False
        seen.add(m.group(1))
    return False


_RUNS_HEADER_LINE = re.compile(r"^(标题|发布时间|文号|发布机构|栏目|原始链接)\s*:")


def _lift_crawler_header(c: Cleaned) -> None:
    """The crawler dumps start with ``标题: …`` lines and a ``==== 正文 ====`` mark."""
    blocks = c.blocks
    first = next((i for i, b in enumerate(blocks) if not b.is_table and b.text.strip()), None)
    if first is None or not _HEADER_LINE.match(blocks[first].text.strip()):
        return
    end = None
    for i in range(first, min(len(blocks), first + 40)):
        t = blocks[i].text.strip() if not blocks[i].is_table else ""
        if _BODY_MARK.match(t):
            end = i
            break
        m = _HEADER_LINE.match(t)
        if m:
            c.header[m.group(1)] = m.group(2).strip()
    if end is None:
        c.header.clear()
        return
    c.removed.extend(("crawler_header", b.text if not b.is_table else _table_text(b)) for b in blocks[first : end + 1])
    del blocks[first : end + 1]
    c.notes.append("已识别爬虫页头（标题、发布时间、原文链接等）并转为元数据")


def _drop_chrome(c: Cleaned) -> None:
    kept: list[Block] = []
    dropped = 0
    for b in c.blocks:
        if b.is_table:
            kept.append(b)
            continue
        t = b.text.strip()
        if t in CHROME_LINES or _LINKS_NOTE.match(t) or (_CHROME_PREFIX.match(t) and len(t) < 80):
            c.removed.append(("chrome", b.text))
            dropped += 1
            continue
        m = _INLINE_CHROME.match(b.text)
        if m:
            tm = _PAGE_TIME.search(m.group(0))
            if tm and c.page_time is None:
                c.page_time = tm.group(1)
            c.removed.append(("chrome", m.group(0)))
            b.text = b.text[m.end():]
            dropped += 1
        # _TRAILING_CHROME tries a match at every character (slow on the one-line
        # dumps): run it only on a line that ends with one of its words
        if b.text.rstrip().endswith(_TRAILING_WORDS):
            tm = _TRAILING_CHROME.search(b.text)
            if tm:
                c.removed.append(("chrome", tm.group(0)))
                b.text = b.text[: tm.start()]
                dropped += 1
        kept.append(b)
    if dropped:
        c.notes.append(f"已去除网页导航、打印、分享等页面元素{dropped}处")
    c.blocks = kept


def _key(b: Block) -> str:
    if b.is_table:
        return "\x00T" + "\x01".join("\x02".join(r) for r in b.rows or [])
    return "".join(b.text.split())


def _drop_repeated_body(c: Cleaned) -> None:
    """Seeds 000 and 002 carry the whole body twice (page text + print version).

    Find the longest run of consecutive blocks that occurs twice; when it holds most
    of the text, drop the second occurrence (and the title lines just before it that
    repeat the ones before the first).
    """
    _drop_repeated_title(c)
    blocks = c.blocks
    keys = [_key(b) for b in blocks]
    # chars_before[k] = characters in keys[:k], so a run's size is one subtraction
    chars_before = [0, *accumulate(map(len, keys))]
    total = chars_before[-1] or 1
    where: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if len(k) >= 8:
            where.setdefault(k, []).append(i)
    starts = {k for k, idx in where.items() if 2 <= len(idx) <= _MAX_REPEATS}
    best = (0, -1, -1, 0)  # chars, i, j, length
    for k in starts:
        idx = where[k]
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                i, j = idx[a], idx[b]
                if i > 0 and j > 0 and keys[i - 1] == keys[j - 1] and keys[i - 1] in starts:
                    continue  # not the start of a run
                # run length: blocks equal from i and from j, at most up to j and the
                # end; the first unequal pair is found in C (seed 002 has runs of
                # hundreds of blocks, walked once per repeated line)
                limit = min(j - i, len(keys) - j)
                n = next(compress(count(), map(ne, islice(keys, i, i + limit), islice(keys, j, j + limit))), limit)
                chars = chars_before[i + n] - chars_before[i]
                if chars > best[0]:
                    best = (chars, i, j, n)
    chars, i, j, n = best
    if chars < 0.3 * total or n < 3:
        return
    # extend backwards over repeated title lines (short, equal)
    start = j
    while start - 1 > i + n - 1 and i - (j - start) - 1 >= 0 and keys[start - 1] == keys[i - (j - start) - 1]:
        start -= 1
    c.removed.extend(("repeated_body", b.text if not b.is_table else _table_text(b)) for b in blocks[start : j + n])
    del blocks[start : j + n]
    c.notes.append(f"正文重复出现两次，已保留一份（删除重复的{j + n - start}段）")


# A title line: no sentence punctuation, and it names a report, plan or notice.
_TITLE_WORDS = re.compile(r"报告|要点|方案|计划|通知|意见")
_SENTENCE_END = re.compile(r"[。；;！？]")


def _drop_repeated_title(c: Cleaned) -> None:
    """The page title printed twice in a row at the top (title bar + heading).

    Only that is removed: a line is never dropped merely for equalling its
    neighbour, since a table flattened one cell per line repeats equal cells
    ("2 / 0 / 0 / 0 / 0 / 0 / 2")."""
    blocks = c.blocks
    first = [i for i, b in enumerate(blocks) if not b.is_table and b.text.strip()][:2]
    if len(first) < 2 or first[1] > first[0] + 2:
        return
    a, b = (blocks[i].text.strip() for i in first)
    if a != b or len(a) > 80 or not _TITLE_WORDS.search(a) or _SENTENCE_END.search(a):
        return
    c.removed.append(("repeated_title", blocks[first[1]].text))
    del blocks[first[1]]
    c.notes.append(f"页面标题重复印了两次，已删除重复的一行（“{_short(a)}”）")


def _table_text(b: Block) -> str:
    return "\n".join(" ".join(r) for r in b.rows or [])


def _short(s: str, n: int = 30) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _cut_page_tail(c: Cleaned) -> None:
    """CMS pages end the article with "相关链接:"; what follows is recommendations,
    search boxes and footer. Cut there when the rest holds no sentence."""
    blocks = c.blocks
    for i in range(len(blocks) - 1, -1, -1):
        b = blocks[i]
        if b.is_table or not _RELATED.match(b.text):
            continue
        rest = "".join(x.text for x in blocks[i + 1 :] if not x.is_table)
        if "。" not in rest and len(rest) < 400 and not any(x.is_table for x in blocks[i + 1 :]):
            c.removed.extend(("page_tail", x.text) for x in blocks[i:])
            del blocks[i:]
            c.notes.append("已去除正文后的“相关链接”及页面尾部")
        else:
            c.removed.append(("page_tail", b.text))
            del blocks[i]
        return


def _trim_blank_runs(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if not b.is_table and not b.text.strip():
            if not out or (not out[-1].is_table and not out[-1].text.strip()):
                continue
        out.append(b)
    while out and not out[-1].is_table and not out[-1].text.strip():
        out.pop()
    return out
