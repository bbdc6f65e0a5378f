"""Working days in China: which days are 法定节假日 or 调休上班日.

``chinese-calendar`` has the State Council's schedule for the years it knows; a year
beyond its data is read from ``scorer/data/holidays.csv`` (shipped, extendable) and
from the file named by the environment variable ``XXGK_HOLIDAYS`` (the user's, which
wins). A year in none of them falls back to weekends only, and every answer says
which source it used so that a memo can state it.
"""
from __future__ import annotations

import csv
import datetime as _dt
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["is_workday", "next_workday", "SOURCE_CALENDAR", "SOURCE_WEEKENDS"]

SOURCE_CALENDAR = "chinese-calendar节假日数据"
SOURCE_WEEKENDS = "仅按周末计算（缺少该年度节假日数据，可在XXGK_HOLIDAYS文件中补充）"


@lru_cache(maxsize=4)
def _file_days(path: str) -> dict[_dt.date, bool]:
    """date → is a working day, from a holidays CSV (``date,kind,note``)."""
    out: dict[_dt.date, bool] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            rows = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    except OSError:
        return out
    for row in csv.DictReader(rows):
        try:
            day = _dt.date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            continue
        kind = (row.get("kind") or "").strip()
        if kind in ("holiday", "workday"):
            out[day] = kind == "workday"
    return out


def _files() -> list[tuple[str, dict[_dt.date, bool]]]:
    shipped = str(Path(str(resources.files("scorer.data"))) / "holidays.csv")
    user = os.environ.get("XXGK_HOLIDAYS")
    files = [(f"节假日文件{user}", _file_days(user))] if user else []
    return files + [("随程序提供的节假日文件", _file_days(shipped))]


def is_workday(day: _dt.date) -> tuple[bool, str]:
    """Whether ``day`` is a working day, and the source of the answer (Chinese)."""
    for name, days in _files():
        if day in days:
            return days[day], name
        if any(d.year == day.year for d in days):
            return day.weekday() < 5, name
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day)), SOURCE_CALENDAR
    except (NotImplementedError, ImportError):
        return day.weekday() < 5, SOURCE_WEEKENDS


def next_workday(day: _dt.date) -> tuple[_dt.date, str]:
    """``day`` itself when it is a working day, else the first working day after it
    (民法典第二百零三条: a period whose last day is a holiday ends on the first day
    after the holiday), with the source of the holiday data."""
    ok, source = is_workday(day)
    while not ok:
        day += _dt.timedelta(days=1)
        ok, source = is_workday(day)
    return day, source
