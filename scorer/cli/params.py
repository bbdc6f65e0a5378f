"""Option types shared by the commands: values are checked where they are typed."""
from __future__ import annotations

import datetime as _dt
from typing import Any

import click

__all__ = ["DATE", "DateType"]


class DateType(click.ParamType):
    """A calendar date written ``YYYY-MM-DD`` (``2025-01-31``); also ``2025年1月31日``
    and ``2025.1.31``, the forms reports use. Anything else is refused with the
    accepted forms, never taken silently."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if isinstance(value, _dt.date):
            return value.isoformat()
        from scorer.metadata import parse_date

        text = str(value).strip()
        day = parse_date(text) if len(text) <= 20 else None
        if day is None:
            shown = text if len(text) <= 20 else text[:20] + "…"
            self.fail(f"“{shown}”不是有效日期；请写成 YYYY-MM-DD（如 2025-01-31），"
                      "也可写 2025年1月31日 或 2025.1.31", param, ctx)
        return day.isoformat()


DATE = DateType()
