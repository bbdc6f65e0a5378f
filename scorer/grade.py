"""The grade band of a total score, so every front end names a total the same way.

The bands follow the usual 百分制 evaluation practice (优秀/良好/合格/不合格); they
only name the total, they never change it.
"""
from __future__ import annotations

__all__ = ["GRADE_BANDS", "grade_of"]

#: (lowest total of the band, name), highest band first.
GRADE_BANDS: tuple[tuple[float, str], ...] = ((90.0, "优秀"), (80.0, "良好"), (60.0, "合格"), (0.0, "不合格"))


def grade_of(total: float | None) -> str:
    """The grade of a total out of 100; ``"无法计分"`` when there is no total.

    >>> grade_of(91.5), grade_of(59.9), grade_of(None)
    ('优秀', '不合格', '无法计分')
    """
    if total is None:
        return "无法计分"
    for low, name in GRADE_BANDS:
        if total >= low:
            return name
    return GRADE_BANDS[-1][1]
