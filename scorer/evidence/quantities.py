"""Quantities and months stated in a sentence.

Counts with a unit ("年内共2次", "举办3场", "开展培训2次", "两次", "三场") are read so
that count criteria ("年内…不少于1次") can be checked; months ("8月", "6-7月",
"2021年6月", "八月") so that criteria tied to a month ("8月政府开放月") can be.
Chinese numerals go through cn2an (imported only when a Chinese numeral is present,
to keep cold start fast).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quantity", "MonthMention", "extract_counts", "extract_months", "cn_number", "EVENT_UNITS"]

#: Units of counted things, longest first so 人次 wins over 次.
UNITS: tuple[str, ...] = ("人次", "次", "场", "件", "条", "期", "个", "篇", "名", "批", "轮", "项", "家", "人")
#: Units that count occurrences of an activity (meetings, events, trainings).
EVENT_UNITS: frozenset[str] = frozenset({"次", "场", "期", "批", "轮", "人次"})

_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_NUM = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"
_UNIT = "|".join(UNITS)
_COUNT = re.compile(rf"(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
# what makes "N unit" not a count: 第2次 (ordinal), 2个工作日 (a duration),
# 1条例 (a law), 一次性 (an adjective), 一是 (a list item), 十四五
_NOT_AFTER = re.compile(r"^(?:工作日|小时|月|日|年|天|性|例|款|项目|条例|人民|人大|体|中心|国|家庭)")
_CN_WORD = re.compile(r"^(?:一些|一批|一项|一个|一件|一名|一条|一期|一次性)$")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, at ``span`` in the sentence."""

    number: int
    unit: str
    span: tuple[int, int]


@dataclass(frozen=True)
class MonthMention:
    """Months named in a sentence (``months`` ascending) and the year if given."""

    months: tuple[int, ...]
    year: int | None
    span: tuple[int, int]


def cn_number(s: str) -> int | None:
    """Integer value of a Chinese or Arabic numeral string ("两" -> 2, "十二" -> 12).

    Returns None when ``s`` is not a number.

    Examples
    --------
    >>> cn_number("三"), cn_number("两"), cn_number("12"), cn_number("十二")
    (3, 2, 12, 12)
    """
    s = s.strip()
    if not s:
        return None
    if s[0].isdigit():
        try:
            return int(float(s))
        except ValueError:
            return None
    simple = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
    if len(s) == 1 and s in simple:
        return simple[s]  # the common case without importing cn2an
    import cn2an  # lazy: ~0.3 s import

    try:
        return int(cn2an.cn2an(s.replace("两", "二"), "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def extract_counts(text: str) -> list[Quantity]:
    """Counts with units in ``text``, in order.

    Parameters
    ----------
    text : str
        One sentence.

    Returns
    -------
    list of Quantity
        Ordinals (第2次), durations (10个工作日), fractions and list markers are not counts.

    Examples
    --------
    >>> [(q.number, q.unit) for q in extract_counts("邀请相关利益第三方列席有关会议,年内共2次")]
    [(2, '次')]
    >>> [(q.number, q.unit) for q in extract_counts("举办培训两次，参训120人次")]
    [(2, '次'), (120, '人次')]
    """
    out = []
    for m in _COUNT.finditer(text):
        num, unit = m.group("num"), m.group("unit")
        a, b = m.span()
        if a > 0 and text[a - 1] in "第每逐":
            continue
        if a > 0 and (text[a - 1].isdigit() or text[a - 1] in ".．"):
            continue
        if _NOT_AFTER.match(text[b:]) or _NOT_AFTER.match(unit + text[b:]):
            continue
        if unit == "个" and re.match(r"^(?:工作日|月|小时)", text[b:]):
            continue
        if not num[0].isdigit():
            if _CN_WORD.match(num + unit) and not re.search(r"[共计了办开召举]$", text[:a]):
                # "一批/一次性/一些" are quantifiers of speech, unless counted ("共一次")
                continue
            if len(num) > 1 and num[0] in "十" and unit == "条" and "条例" in text[b - 1 : b + 2]:
                continue
        if "." in num:
            continue
        n = cn_number(num)
        if n is None:
            continue
        out.append(Quantity(number=n, unit=unit, span=(a, b)))
    return out


_MONTH_NUM = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_MONTH = re.compile(
    rf"(?:(?P<year>20\d\d)\s*年\s*)?(?P<m1>{_MONTH_NUM})\s*(?:月份?\s*)?(?:[-－—~～至到]\s*(?P<m2>{_MONTH_NUM})\s*)?月份?"
)


def extract_months(text: str) -> list[MonthMention]:
    """Months named in ``text`` ("8月", "6-7月", "6月至7月", "2021年6月", "八月份").

    Parameters
    ----------
    text : str
        One sentence.

    Returns
    -------
    list of MonthMention
        A range is expanded ("6-7月" -> (6, 7)). "12月31日" counts as December.

    Examples
    --------
    >>> [m.months for m in extract_months("拟于2022年6-7月举办开放日活动")]
    [(6, 7)]
    """
    out = []
    for m in _MONTH.finditer(text):
        a = m.start()
        if a > 0 and (text[a - 1].isdigit() or text[a - 1] in "个"):
            continue
        after = text[m.end() : m.end() + 1]
        # "3个月" is a duration: _MONTH needs 月 right after the number, "个" excluded above
        m1 = cn_number(m.group("m1"))
        m2 = cn_number(m.group("m2")) if m.group("m2") else None
        if not m1 or m1 > 12 or (m2 is not None and (m2 > 12 or m2 < m1)):
            continue
        if not m.group("year") and not m.group("m1")[0].isdigit() and after == "":
            pass
        months = tuple(range(m1, (m2 or m1) + 1))
        year = int(m.group("year")) if m.group("year") else None
        out.append(MonthMention(months=months, year=year, span=m.span()))
    return out
