"""A 莆田 crawler page whose table cells are really blank.

The crawler prints every non-empty cell on a line of its own and a run of equal
neighbouring lines once, so on its pages "a lone 0 is seven zeros". A page whose
agency left zero cells blank looks different: most 表三 labels are followed directly
by the next label, and the few values left cannot be expanded into runs. Those rows
are 待核对 and nothing is charged from them.

The examples are real dev reports (corpora/reports2) with every zero cell of 表三
and 表四 deleted the way a blank-cell page prints: the zero lines go, and equal
neighbouring lines are printed once again."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scorer.pipeline import Upload, check
from scorer.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
# dev reports with gold tables (327 prints its section heading differently)
DOCS = [
    "300_putian_shizhengfu_2019", "301_putian_chengguan_2020", "302_putian_chengguan_2022",
    "303_putian_haiyangyuye_2019", "304_putian_haiyangyuye_2021", "306_putian_keji_2021",
    "308_putian_shenji_2025", "309_putian_linye_2019", "312_putian_tongji_2019", "314_putian_tongji_2025",
    "319_putian_yingji_2022", "321_putian_shuili_2021", "322_putian_shuili_2024", "325_putian_chengguan_2019",
    "326_putian_chengguan_2023",
]
_START = re.compile(r"^三、收到和处理政府信息公开申请情况")
_END = re.compile(r"^五、")


def blank_page(text: str, tables: tuple[str, ...] = ("requests", "review")) -> str:
    """``text`` with the zero cells of 表三 (and 表四) deleted, then equal
    neighbouring lines printed once, as the crawler prints a blank-cell page."""
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if _START.match(ln))
    review = next(i for i, ln in enumerate(lines) if i > start and ln.startswith("四、") and "行政复议" in ln)
    end = next(i for i, ln in enumerate(lines) if i > review and _END.match(ln))
    stop = end if "review" in tables else review
    body = [ln for ln in lines[start:stop] if ln.strip() != "0"]
    merged: list[str] = []
    for ln in body:
        if not merged or ln != merged[-1]:
            merged.append(ln)
    return "\n".join(lines[:start] + merged + lines[stop:])


def _gold(name: str) -> dict:
    return json.loads((ROOT / "tests/gold/reports2" / f"{name}.json").read_text(encoding="utf-8"))["tables"]


def _checked(name: str, text: str):
    return check(Upload(f"{name}.txt", text.encode("utf-8")))


@pytest.mark.parametrize("name", DOCS)
def test_original_pages_are_not_blank_pages(name: str) -> None:
    """The rule reads the page's structure: the unedited reports keep their reading."""
    text = (ROOT / "corpora/reports2" / f"{name}.txt").read_text(encoding="utf-8")
    got = _checked(name, text).tables
    assert not any("两个标签之间没有任何数字" in f.message for f in got.findings)
    gold = _gold(name)
    certain = sum(1 for r, cols in got.requests.items() for c, v in cols.items() if v is not None)
    assert certain >= 0.9 * sum(len(cols) for cols in gold["requests"].values())


@pytest.mark.parametrize("name", DOCS)
def test_blank_cell_page_never_reads_a_value_it_cannot_place(name: str) -> None:
    text = blank_page((ROOT / "corpora/reports2" / f"{name}.txt").read_text(encoding="utf-8"))
    checked = _checked(name, text)
    tables = checked.tables
    gold = _gold(name)
    unsure = 0
    for row, cols in gold["requests"].items():
        for col, truth in cols.items():
            cell = tables.cells[f"requests.{row}.{col}"]
            if cell.value is not None:
                # a certain value only where the page leaves no choice: it is the
                # source's own value and never a zero the page does not print
                assert truth != 0 and cell.value == truth, (row, col, cell, truth)
            elif truth == 0:
                assert cell.status in ("blank", "ambiguous", "unreadable"), (row, col, cell)
            else:
                assert cell.status in ("ambiguous", "unreadable"), (row, col, cell)
                if cell.status == "ambiguous":
                    assert truth in cell.candidates, (row, col, cell)
                unsure += 1
    # every row that printed values but not all seven is 待核对, with the reason
    reasons = [f for f in tables.findings if "两个标签之间没有任何数字" in f.message]
    assert reasons and all(f.severity == "info" for f in reasons)
    # nothing arithmetic is charged against the agency from such a page
    charged = [f for f in checked.findings if f.id.startswith(("T3-", "T4-")) and f.severity != "info"]
    assert charged == [], charged
    # and no table finding is an error: 待核对 rows are info, blank rows a warning
    assert not [f for f in checked.findings if RULES[f.id].category == "table" and f.severity == "error"]


def test_a_lone_zero_on_a_blank_page_is_not_seven_zeros() -> None:
    """On 326 with blank cells, a row that kept a single "0" (the agency typed one
    zero, left the rest blank) is not expanded into seven certain zeros."""
    name = "326_putian_chengguan_2023"
    text = blank_page((ROOT / "corpora/reports2" / f"{name}.txt").read_text(encoding="utf-8"))
    text = text.replace("二、上年结转政府信息公开申请数量\n", "二、上年结转政府信息公开申请数量\n0\n", 1)
    tables = _checked(name, text).tables
    for col in ("natural_person", "business", "total"):
        cell = tables.cells[f"requests.carried_over.{col}"]
        assert cell.value is None and cell.status == "ambiguous", cell
    # the same lone zero on the original page is seven zeros (the crawler's runs)
    orig = _checked(name, (ROOT / "corpora/reports2" / f"{name}.txt").read_text(encoding="utf-8")).tables
    assert all(v == 0 for v in orig.requests["carried_over"].values())


def test_blank_page_figures_326() -> None:
    """What 326 with blank cells reads as: its empty rows blank, its rows with a
    few values 待核对, the one row that prints all its values certain."""
    name = "326_putian_chengguan_2023"
    text = blank_page((ROOT / "corpora/reports2" / f"{name}.txt").read_text(encoding="utf-8"))
    tables = _checked(name, text).tables
    req = tables.requests
    assert all(v is None for v in req["carried_over"].values())
    assert tables.cells["requests.carried_over.total"].status == "blank"
    # "19 / 1 / 20": three values for seven cells
    assert all(v is None for v in req["new"].values())
    assert tables.cells["requests.new.natural_person"].status == "ambiguous"
    # the values keep their order: 总计 can only be the last one, 商业企业 the first two
    assert tables.cells["requests.new.total"].candidates == (20,)
    assert set(tables.cells["requests.new.business"].candidates) == {1, 19}
    # "3 / 1 / 4" for 部分公开 (3,0,0,0,1,0,4): still 待核对
    assert all(v is None for v in req["partial"].values())
