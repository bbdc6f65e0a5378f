"""Publication deadlines (条例第四十九条) and the timeliness of a report."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Mapping

from scorer.model import CriteriaSet, Document, make_finding
from scorer.words import SOURCE_LABELS
from scorer.workdays import next_workday

__all__ = ["is_whole_government", "statutory_deadline", "timeliness"]


_WHOLE_MARK = re.compile(r"[（(]\s*全(区|市|县|省|旗|州|盟)\s*[）)]|^全(区|市|县|省)")
_TOWN_GOV = re.compile(r"(乡|镇|街道)(人民政府|政府)$")
_GOV_END = re.compile(r"(人民政府|[区县市省州旗盟]政府)$")
_AREA_END = re.compile(r"[省市县区州旗盟]$")
_ZONE_END = re.compile(r"(管委会|(开发区|园区|新区|实验区|高新区|示范区|试验区|合作区)管理委员会)$")


def is_whole_government(agency: str | None) -> bool:
    """Whether an agency name denotes a 本级政府 (whole-government) report.

    The rule (documented for evaluators):

    1. a marker ``(全区)``/``(全市)``/``(全县)`` … → whole government;
    2. a name ending in ``人民政府`` or ``区/县/市政府`` → whole government, except a
       乡/镇/街道 government, which reports on the department timetable;
    3. a name ending in ``管委会`` or ``…开发区/园区/新区/实验区…管理委员会`` (a zone's
       government) → whole government;
    4. a bare jurisdiction name with no organ after it (``平潭综合实验区``, ``某某县``:
       the report of the whole area) → whole government;
    5. anything else (局, 委, 办公室, 办公厅, 中心, 乡/镇/街道, unknown) → department.
    """
    if not agency:
        return False
    name = "".join(agency.split())
    if _WHOLE_MARK.search(name):
        return True
    if _TOWN_GOV.search(name):
        return False
    return bool(_GOV_END.search(name) or _ZONE_END.search(name) or _AREA_END.search(name))


def statutory_deadline(
    agency: str | None, report_year: int, override: str | None = None,
    deadlines: Mapping[str, str] | None = None,
) -> tuple[_dt.date, str]:
    """The publication deadline of a report and the reason, in Chinese.

    Parameters
    ----------
    agency : str or None
        Agency name, used by :func:`is_whole_government`.
    report_year : int
        The year the report covers.
    override : str, optional
        An ISO date set by a manifest row, a flag or the criteria set; wins over the
        statutory default (localities may set earlier dates).

    Returns
    -------
    (date, basis)
        e.g. ``(date(2023, 1, 31), "部门报告：次年1月31日前（条例第四十九条）")``.

    Raises
    ------
    ValueError
        When ``override`` is not a ``YYYY-MM-DD`` date.
    """
    if override:
        return _dt.date.fromisoformat(str(override)), "指定的发布期限"
    if deadlines is None:
        from scorer.criteria import load_criteria

        deadlines = dict(load_criteria("core").deadlines)  # stated once, in core.yaml
    who, words = ("whole_government", "本级政府报告") if is_whole_government(agency) else ("department", "部门报告")
    month, day = (int(x) for x in deadlines[who].split("-"))
    statutory = _dt.date(report_year + 1, month, day)
    due, source = next_workday(statutory)
    basis = f"{words}：次年{month}月{day}日前（条例第四十九条）"
    if due != statutory:
        basis += (f"；{statutory.isoformat()}为休息日，顺延至{due.isoformat()}（民法典第二百零三条；"
                  f"节假日依据：{source}）")
    else:
        basis += f"；节假日依据：{source}"
    return due, basis


def timeliness(doc: Document, criteria_set: CriteriaSet) -> dict[str, Any]:
    """The deadline check of a document: deadline, its basis, days late and the
    P-late finding when late (or the reason it cannot be judged)."""
    out: dict[str, Any] = {"deadline": None, "basis": None, "published_on": doc.published_on,
                           "days_late": None, "finding": None, "reason": None}
    override = doc.deadline or criteria_set.deadline  # the document's own (manifest/flag) wins
    if not doc.deadline and override and criteria_set.report_year and doc.report_year \
            and doc.report_year != criteria_set.report_year:
        # a set written for another year (scored anyway on request): its deadline
        # moves with the year instead of making every report "late" by years
        set_date = _dt.date.fromisoformat(str(override))
        shift = doc.report_year - criteria_set.report_year
        try:
            override = set_date.replace(year=set_date.year + shift).isoformat()
        except ValueError:  # 29 February
            override = set_date.replace(year=set_date.year + shift, day=28).isoformat()
    if doc.report_year is None and not override:
        out["reason"] = "未识别报告年度，无法确定发布期限"
        return out
    try:
        deadline, basis = statutory_deadline(doc.agency, doc.report_year or 0, override,
                                             dict(criteria_set.deadlines) or None)
    except ValueError:
        out["reason"] = f"发布期限“{override}”不是有效日期"
        return out
    out["deadline"], out["basis"] = deadline.isoformat(), basis
    if not doc.published_on:
        out["reason"] = "未找到发布日期，无法判断是否按时发布"
        return out
    try:
        published = _dt.date.fromisoformat(str(doc.published_on)[:10])
    except ValueError:
        out["reason"] = f"发布日期“{doc.published_on}”无法识别"
        return out
    late = (published - deadline).days
    out["days_late"] = max(late, 0)
    if late > 0:
        src = doc.metadata_source.get("published_on", "")
        src = SOURCE_LABELS.get(src, src)
        out["finding"] = make_finding(
            "P-late",
            "document.published_on",
            f"发布日期{published.isoformat()}晚于期限{deadline.isoformat()}（{basis}），逾期{late}天"
            + (f"；发布日期来源：{src}" if src else ""),
            numbers={"published_on": published.isoformat(), "deadline": deadline.isoformat(),
                     "days_late": late},
        )
    return out
