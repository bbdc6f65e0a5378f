"""The ``xxgk`` click group and the plumbing every command shares.

Library errors (:class:`scorer.errors.ScorerError`) become a one-line ``Error: …`` and
exit code 2 here, once, so command bodies stay thin.
"""
from __future__ import annotations

import math

import click

from scorer.cli.params import DATE

from scorer.errors import ScorerError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: Exit codes (README): 0 scored, 1 defects found by `check` / failures in a batch,
#: 2 unreadable input or usage error.
EXIT_DEFECTS = 1
EXIT_BAD_INPUT = 2


class ScorerGroup(click.Group):
    """Turns library errors into a one-line message and exit code 2, without a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: D401
        try:
            return super().invoke(ctx)
        except ScorerError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except RecursionError:
            # a last guard: every reader bounds its own nesting, this keeps the promise
            # of one line for any input that still gets past them
            click.echo("Error: 输入的结构嵌套过深，无法处理，请检查文件是否损坏", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=ScorerGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="xxgk-scorer", prog_name="xxgk")
def cli() -> None:
    """xxgk: score 政府信息公开工作年度报告 against 政务公开要点 criteria.

    \b
    Typical use:
      xxgk inspect report.pdf              what the loader sees
      xxgk tables report.txt               the three statutory tables and their checks
      xxgk score report.docx --criteria core
      xxgk batch reports/ --criteria qingpu-lvrong-2022 --out reports_out/
      xxgk check draft.docx                self-assessment before publishing
    """


def input_path_argument(name: str = "file", **kwargs):
    """A FILE argument that must exist (the loader gives the real errors)."""
    return click.argument(
        name, type=click.Path(exists=True, dir_okay=False, path_type=str), **kwargs
    )


def format_option(choices: tuple[str, ...] = ("text", "json"), default: str = "text"):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


#: Report years a flag may give: the 条例's annual reports start with 2008.
YEAR_RANGE = (2008, 2100)


class Seconds(click.ParamType):
    """A time limit in seconds: a finite number above zero (``nan`` and ``inf`` parse
    as floats, and then every document would time out or none ever would)."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.fail(f"{str(value)[:60]!r} 不是数字，请给出秒数，例如 120", param, ctx)
        if not math.isfinite(number) or number <= 0:
            self.fail(f"{str(value)[:60]!r} 不是有效的时限，请给出大于0的有限秒数，例如 120", param, ctx)
        return number


def timeout_option(default: float = 120.0):
    """``--timeout``: seconds allowed per document (same meaning as in ``batch``)."""
    return click.option("--timeout", type=Seconds(), default=default, show_default=True,
                        help="Seconds allowed per document.")


def metadata_options(f):
    """Flags that override detected metadata (same spelling on every command)."""
    f = click.option("--published-on", type=DATE, help="Publication date YYYY-MM-DD (overrides detection).")(f)
    f = click.option("--report-year", type=click.IntRange(*YEAR_RANGE),
                     help=f"Report year {YEAR_RANGE[0]}–{YEAR_RANGE[1]} (overrides detection).")(f)
    f = click.option("--agency", help="Agency name (overrides detection).")(f)
    f = click.option(
        "--kind",
        type=click.Choice(["report", "yaodian", "plan", "other"]),
        help="Document kind (overrides detection).",
    )(f)
    f = click.option("--encoding", help="Text encoding, e.g. gbk (overrides detection).")(f)
    return f

