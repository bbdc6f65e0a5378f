"""``xxgk score``, ``xxgk batch`` and ``xxgk check``: thin shells over score/render/batch."""
from __future__ import annotations

import contextlib
import hashlib
import signal
import sys
import threading
from pathlib import Path
from typing import Iterator

import click

from scorer.cli.params import DATE
from scorer.cli.group import (
    EXIT_BAD_INPUT,
    EXIT_DEFECTS,
    cli,
    input_path_argument,
    metadata_options,
    timeout_option,
)
from scorer.errors import ScorerError

#: Longest output file name in bytes (most file systems allow 255).
_MAX_NAME_BYTES = 255

DEFAULT_OUT = "reports_out"
_STDOUT_FORMATS = ("json", "md", "html")
_EXT = {"json": ".json", "md": ".md", "html": ".html", "docx": ".docx", "xlsx": ".xlsx"}

store_option = click.option(
    "--store", "store", type=click.Path(dir_okay=False, path_type=str),
    help="Results store (SQLite): last year's reports and evaluators' overrides (batch default: OUT/results.sqlite).",
)
overrides_option = click.option(
    "--overrides", "overrides", type=click.Path(dir_okay=False, path_type=str),
    help="YAML file of evaluators' overrides (see xxgk override).",
)

criteria_option = click.option(
    "--criteria", "criteria", default="core", show_default=True,
    help="Criteria set: a shipped name (core, qingpu-lvrong-2022, …), a YAML file, or a family by year "
         "(pingtan-{year}: each report gets the set of its own year).",
)


def applicability_options(f):
    """--any-year / --any-place: score with a set written for another year or place."""
    f = click.option("--any-place", is_flag=True,
                     help="Score even when the criteria set is for another place (the memo says so).")(f)
    f = click.option("--any-year", is_flag=True,
                     help="Score even when the criteria set is for another report year (the memo says so).")(f)
    return f


class _TimeUp(BaseException):
    """Raised by the alarm; not an Exception, so no reader's ``except Exception`` eats it."""


class DocumentTimeout(ScorerError):
    """A document took longer than ``--timeout``."""


@contextlib.contextmanager
def _time_limit(seconds: float, path: str) -> Iterator[None]:
    """Per-document wall time, as batch workers have it (SIGALRM; where there is no
    alarm, or off the main thread, the document runs unbounded)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(signum, frame):
        raise _TimeUp()

    old = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise DocumentTimeout(f"超时：超过单份文件时限{seconds:g}秒，请检查文件是否异常，或用 --timeout 放宽时限",
                              path=path) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _out_name(path: str, ext: str) -> str:
    """Output file name for ``path``: its stem plus ``ext``, with the stem cut (and a
    short hash added, so names stay distinct) when the whole would pass 255 bytes."""
    stem = Path(path).stem
    if len((stem + ext).encode("utf-8")) <= _MAX_NAME_BYTES:
        return stem + ext
    tag = "-" + hashlib.sha1(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    room = _MAX_NAME_BYTES - len((tag + ext).encode("utf-8"))
    cut = stem.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
    return cut + tag + ext


def _options(deadline, encoding, kind, agency, report_year, published_on, any_year=False, any_place=False):
    from scorer.pipeline import ScoreOptions

    return ScoreOptions.of(deadline=deadline, encoding=encoding, kind=kind, agency=agency,
                           report_year=report_year, published_on=published_on,
                           any_year=any_year or None, any_place=any_place or None)


def _with_store(opts, store, overrides):
    """Options with the overrides of the YAML file and of the store."""
    from dataclasses import replace

    from scorer.overrides import from_mapping, read_overrides

    found = list(read_overrides(overrides)) if overrides else []
    if store:
        from scorer.store import Store

        with Store(store, readonly=True) as db:
            found = [from_mapping(o) for o in db.overrides()] + found
    return replace(opts, overrides=tuple(found)) if found else opts


def _source_and_options(path, cs, opts, store):
    """The document and the options to score it with: last year's report from the store when there."""
    if not store:
        return path, cs, opts
    from dataclasses import replace

    from scorer.pipeline import prepare_document
    from scorer.store import previous_from

    doc = prepare_document(path, opts)
    prev = previous_from(store, doc, cs.id, opts)
    return doc, cs, (replace(opts, previous=prev) if prev is not None else opts)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=str))
@criteria_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=str),
              help=f"Write files here (default for several files or docx/xlsx: {DEFAULT_OUT}/).")
@click.option("--format", "fmt", type=click.Choice(list(_EXT)), default="json", show_default=True,
              help="json (the result contract), md/html/docx memo, or xlsx score sheet.")
@click.option("--deadline", type=DATE, help="Publication deadline YYYY-MM-DD (overrides the statutory one).")
@applicability_options
@store_option
@overrides_option
@metadata_options
@timeout_option()
def score(files, criteria, out, fmt, deadline, any_year, any_place, encoding, kind, agency, report_year,
          published_on, store, overrides, timeout) -> None:
    """Score annual reports against a criteria set.

    One FILE without --out prints json/md/html to stdout; otherwise one file per
    report is written to --out (xlsx: one workbook for all FILEs).

    \b
    Example:
      xxgk score corpora/seeds/003_8030f6624176119d.txt --format md
      xxgk score a.txt b.pdf --format docx --out memos/
    """
    from scorer.criteria import load_criteria
    from scorer.render import render, write_atomic
    from scorer.pipeline import score_document

    cs = criteria if "{year}" in criteria else load_criteria(criteria)
    opts = _with_store(_options(deadline, encoding, kind, agency, report_year, published_on, any_year, any_place),
                       store, overrides)
    to_stdout = out is None and len(files) == 1 and fmt in _STDOUT_FORMATS
    results, errors = [], []
    for f in files:
        try:
            with _time_limit(timeout, f):
                results.append((f, score_document(*_source_and_options(f, cs, opts, store))))
        except ScorerError as exc:
            if len(files) == 1:
                raise
            errors.append(str(exc))
    if to_stdout:
        click.echo(render(results[0][1], fmt).decode("utf-8"), nl=False)
        return
    target = Path(out or DEFAULT_OUT)
    if fmt == "xlsx":
        if results:
            from scorer.render import render_xlsx  # openpyxl only when a workbook is asked for

            written = [write_atomic(target / "scores.xlsx", render_xlsx([r for _, r in results], criteria_set=cs))]
        else:
            written = []
    else:
        written = [write_atomic(target / _out_name(f, _EXT[fmt]), render(r, fmt)) for f, r in results]
    for p in written:
        click.echo(str(p))
    for e in errors:
        click.echo(f"Error: {e}", err=True)
    if errors:
        sys.exit(EXIT_BAD_INPUT)


@cli.command()
@click.argument("input", type=click.Path(exists=True, path_type=str))
@criteria_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=str), default=DEFAULT_OUT,
              show_default=True, help="Output directory.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--force", is_flag=True, help="Redo documents that are unchanged since the last run.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["json", "md", "html", "docx"]),
              help="Per-document outputs (repeatable; default json, md, html, docx).")
@timeout_option()
@applicability_options
@store_option
@overrides_option
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Who scores: worker processes on this machine, or a Dask cluster (extra: xxgk-scorer[dask]).")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Dask scheduler address (with --executor dask; default: a local cluster of --jobs workers).")
@click.option("--hierarchy", "hierarchy", type=click.Path(dir_okay=False, path_type=str),
              help="CSV of governments and their departments (government, agency, optional from_year, to_year): "
                   "lists expected agencies without a report (未发布年报) and compares each government's counts "
                   "with its departments'.")
def batch(input, criteria, out, jobs, force, formats, timeout, any_year, any_place, store, overrides, executor,
          scheduler, hierarchy) -> None:
    """Score every report in a directory, or the rows of a manifest CSV.

    A manifest has columns file, agency, report_year, published_on (optional url,
    deadline, agency_key). Every result goes into the results store (OUT/results.sqlite
    or --store); a report whose agency's previous year is there is compared with it
    (表三结转、表二现行有效、内容雷同). Writes one memo per report, then scores.xlsx,
    scores.csv and summary.html with every agency and year in the store; with
    --hierarchy also the agencies without a report (未发布年报) and each government's
    counts next to its departments' (docs/hierarchy.md). Exits 1
    when any document failed, listing every failure.

    \b
    Example:
      xxgk batch corpora/reports --criteria 'pingtan-{year}' --out reports_out/ --jobs 4
      xxgk batch manifest.csv --executor dask --scheduler tcp://127.0.0.1:8786
    """
    from scorer.batch import DEFAULT_FORMATS, run_batch

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler 只能与 --executor dask 一起使用")
    bars: list = []  # created on the first callback, when the total is known

    def progress(done: int, total: int, outcome) -> None:
        if not sys.stderr.isatty():
            return  # quiet in logs and pipes
        if not bars:
            bars.append(click.progressbar(length=total, label="评分", file=sys.stderr, show_pos=True))
            bars[0].__enter__()
        bars[0].update(1)

    try:
        report = run_batch(input, criteria, out, jobs=jobs, force=force,
                           formats=formats or DEFAULT_FORMATS, progress=progress, timeout=timeout,
                           options={k: True for k, v in (("any_year", any_year), ("any_place", any_place)) if v},
                           store=store, overrides=overrides, executor=executor, scheduler=scheduler,
                           hierarchy=hierarchy)
    finally:
        if bars:
            bars[0].__exit__(None, None, None)
    for line in report.summary_lines():
        click.echo(line)
    if not report.ok:
        sys.exit(EXIT_DEFECTS)


@cli.command()
@input_path_argument()
@criteria_option
@click.option("--deadline", type=DATE, help="Publication deadline YYYY-MM-DD (overrides the statutory one).")
@applicability_options
@metadata_options
@timeout_option()
def check(file, criteria, deadline, any_year, any_place, encoding, kind, agency, report_year, published_on,
          timeout) -> None:
    """Self-assessment of a draft report: defects and missing items, most points first.

    Exits 1 while any error-severity defect remains, 0 otherwise.

    \b
    Example:
      xxgk check draft.docx --published-on 2025-01-20
    """
    from scorer.render import has_errors, render_check
    from scorer.pipeline import score_document

    with _time_limit(timeout, file):
        result = score_document(file, criteria, _options(deadline, encoding, kind, agency, report_year, published_on,
                                                         any_year, any_place))
    click.echo(render_check(result), nl=False)
    if has_errors(result):
        sys.exit(EXIT_DEFECTS)
