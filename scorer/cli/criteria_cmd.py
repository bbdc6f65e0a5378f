"""``xxgk criteria``: list, check and draft criteria sets (library: scorer.criteria)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import click

from scorer.cli.group import cli, input_path_argument
from scorer.criteria import draft_criteria, list_criteria, load_criteria
from scorer.model import CriteriaSet, Criterion


@cli.group("criteria")
def criteria_group() -> None:
    """Criteria sets: what reports are scored against (criteria/README.md).

    \b
      xxgk criteria list                         shipped sets
      xxgk criteria check qingpu-lvrong-2022     validate a set and show its items
      xxgk criteria draft 要点.txt -o mine.yaml   draft a set from a 要点 or plan
    """


@criteria_group.command("list")
def list_cmd() -> None:
    """List the shipped criteria sets.

    Example: xxgk criteria list
    """
    rows = [
        [cs.id, cs.title, str(len(cs.criteria)), _num(cs.total_weight), cs.extends or "",
         str(cs.report_year or "")]
        for cs in list_criteria()
    ]
    click.echo(_table(["name", "title", "items", "weight", "extends", "year"], rows))


@criteria_group.command("check")
@click.argument("file_or_name")
def check_cmd(file_or_name: str) -> None:
    """Validate a criteria set and print it as a table.

    FILE_OR_NAME is a YAML file or a shipped set name (see `xxgk criteria list`).
    Problems are reported with file, line and field, and exit code 2.

    Example: xxgk criteria check criteria/core.yaml
    """
    cs = load_criteria(file_or_name)
    click.echo(_describe(cs))


@criteria_group.command("draft")
@input_path_argument("file")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the draft here instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.option("--extends", "parent", default="core", show_default=True,
              help="Parent set the draft extends.")
@click.option("--standalone", is_flag=True, help="Do not extend a parent set.")
@click.option("--parent-weight", type=click.FloatRange(0, 100, min_open=True, max_open=True),
              default=50.0, show_default=True,
              help="Points the inherited items share; the drafted items share the rest.")
def draft_cmd(file: str, out: Path | None, force: bool, parent: str, standalone: bool,
              parent_weight: float) -> None:
    """Draft a criteria set from a 政务公开工作要点, task table or plan.

    One item per checkable clause, with its numbers (不少于N次, N个工作日内, 8月,
    每月一次 …) captured. Review it, then run `xxgk criteria check OUT`.
    An annual report is refused (exit 2): criteria come from what was required,
    and a report says what was done (score it with `xxgk score`).

    Example: xxgk criteria draft 要点.txt -o criteria/mine.yaml
    """
    if out is not None and out.exists() and not force:
        raise click.UsageError(f"{out} exists; pass --force to overwrite it.")
    text = draft_criteria(file, extends=None if standalone else parent,
                          parent_weight=parent_weight)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    n = text.count("\n  - id: ")
    click.echo(f"Wrote a draft with {n} items to {out}; review it, then run "
               f"`xxgk criteria check {out}`.", err=True)


# --------------------------------------------------------------------------- rendering


def _num(x: float) -> str:
    x = round(float(x), 2)
    return str(int(x)) if x.is_integer() else f"{x:g}"


def _limits(c: Criterion) -> str:
    parts = []
    if c.min_count is not None:
        parts.append(f"≥{c.min_count}次")
    if c.months:
        parts.append("月" + ",".join(str(m) for m in c.months))
    if c.within_days is not None:
        parts.append(f"{c.within_days}工作日内")
    if c.rules:
        parts.append(" ".join(c.rules))
    if c.sections:
        parts.append("in " + ",".join(c.sections))
    return "; ".join(parts)


def _describe(cs: CriteriaSet) -> str:
    rows = []
    for c in cs.criteria:
        scoring = c.scoring if c.checkable else f"{c.scoring}*"
        words = ", ".join(c.keywords + c.synonyms)
        rows.append([c.id, c.title, c.category, _num(c.weight), scoring, _limits(c), words])
    head = [
        f"{cs.id}: {cs.title}",
        "  ".join(
            part for part in (
                f"file: {cs.path}",
                f"extends: {cs.extends}" if cs.extends else "",
                f"report year: {cs.report_year}" if cs.report_year else "",
                f"deadline: {cs.deadline}" if cs.deadline else "",
            ) if part
        ),
        "",
    ]
    body = _table(["id", "title", "category", "weight", "scoring", "limits", "keywords"], rows,
                  max_widths=[32, 24, 16, 6, 11, 30, 30], right=(3,))
    unchecked = sum(1 for c in cs.criteria if not c.checkable)
    foot = (f"\ntotal weight {_num(cs.total_weight)} over {len(cs.criteria)} criteria"
            + (f"; * = not checkable from a report ({unchecked})" if unchecked else "") + ".")
    return "\n".join(head) + body + "\n" + foot


def _width(s: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _clip(s: str, width: int) -> str:
    if _width(s) <= width:
        return s
    out, w = "", 0
    for ch in s:
        cw = _width(ch)
        if w + cw > width - 1:
            break
        out, w = out + ch, w + cw
    return out + "…"


def _table(header: list[str], rows: list[list[str]], max_widths: list[int] | None = None,
           right: tuple[int, ...] = ()) -> str:
    """Columns aligned on display width (CJK-aware), two spaces apart."""
    if max_widths:
        rows = [[_clip(cell, m) for cell, m in zip(row, max_widths)] for row in rows]
    widths = [max(_width(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule] + [line(r) for r in rows])
