"""``xxgk tables FILE`` (the three statutory tables and their checks) and
``xxgk tables-accuracy`` (cell accuracy of the extractor against the gold set; a lab
tool of the source checkout, package ``xxgk_lab``, imported inside the command)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from scorer.cli.group import EXIT_BAD_INPUT, cli, format_option, input_path_argument, metadata_options
from scorer.cli.lab import lab_missing
from scorer.load import load


@cli.command()
@input_path_argument()
@metadata_options
@format_option()
def tables(file: str, fmt: str, encoding, kind, agency, report_year, published_on) -> None:
    """Read 表二/表三/表四 of FILE into canonical keys and check them: 勾稽 rules
    (T3-*, T4-sum), unreadable or ambiguous cells (T-cell), missing sections and
    tables, outdated format, narrative numbers against the tables, wrong years.

    A cell shown as "?" could not be read with certainty (glued digits with several
    readings); the findings list the candidates. "空" is a blank cell.

    \b
    Example:
      xxgk tables corpora/reports/091_pingtan_nongyenongcun_2023.txt
      xxgk tables report.pdf --format json
    """
    from scorer.pipeline import ScoreOptions, check
    from scorer.tables.render import render_text

    opts = ScoreOptions.of(encoding=encoding, kind=kind, agency=agency, report_year=report_year,
                           published_on=published_on)
    checked = check(file, opts, require_report=False)
    result, findings = checked.tables, list(checked.findings)
    if fmt == "json":
        out = {"tables": result.to_dict(), "findings": [f.to_dict() for f in findings]}
        click.echo(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=2))
        return
    click.echo(render_text(result, findings), nl=False)


@cli.command("tables-accuracy")
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    show_default="tests/gold/tables in the source checkout",
    help="Directory of gold files <doc-stem>.json (see tests/gold/README.md).",
)
@format_option()
def tables_accuracy(gold_dir: Path | None, fmt: str) -> None:
    """Measure table extraction against hand-checked gold files: per-document and
    overall cell accuracy, the wrong cells (gold vs extracted), and cells reported
    unreadable/ambiguous, counted apart from wrong ones.

    A cell is correct when the value equals the gold, or the gold marks it "?"
    (ambiguous in the report itself) and the extractor reports it ambiguous;
    unreadable when the extractor declined to give a value; wrong otherwise.

    \b
    Example:
      xxgk tables-accuracy --gold tests/gold/tables
    """
    try:
        from xxgk_lab.paths import DEFAULT_GOLD_TABLES
        from xxgk_lab.tables_accuracy import run_gold, summary
    except ImportError as exc:
        lab_missing(exc, "tables-accuracy")

    gold_dir = gold_dir or DEFAULT_GOLD_TABLES
    if not gold_dir.is_dir() or not any(gold_dir.glob("*.json")):
        click.echo(f"Error: no gold files (*.json) in {gold_dir}; pass --gold DIR", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    docs = run_gold(gold_dir, load)
    total = summary(docs)
    if fmt == "json":
        out = {"documents": [d.to_dict() for d in docs], "overall": total}
        click.echo(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=2))
        return
    width = max(len(d.name) for d in docs)
    click.echo(f"{'document':<{width}}  cells  correct  unreadable  wrong  accuracy  gold '?'")
    for d in docs:
        click.echo(
            f"{d.name:<{width}}  {d.total:>5}  {d.correct:>7}  {d.unreadable:>10}  {d.wrong:>5}  {d.accuracy:>8.2%}"
            f"  {d.source_ambiguous:>8}"
        )
    click.echo(
        f"{'OVERALL':<{width}}  {total['cells']:>5}  {total['correct']:>7}  {total['unreadable']:>10}"
        f"  {total['wrong']:>5}  {total['accuracy']:>8.2%}  {total['source_ambiguous']:>8}"
    )
    click.echo("(gold '?' = cells ambiguous in the report itself; correct when reported ambiguous)")
    wrong = [(d.name, k, g, v) for d in docs for k, g, v in d.wrong_cells]
    click.echo(f"\nwrong cells: {len(wrong)}")
    for name, k, g, v in wrong:
        click.echo(f"  {name}  {k}  gold={g}  got={v}")
    unread = [(d.name, k) for d in docs for k in d.unread_cells]
    click.echo(f"unreadable cells (reported, no value given): {len(unread)}")
    for name, k in unread:
        click.echo(f"  {name}  {k}")
