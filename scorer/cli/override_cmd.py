"""``xxgk override``: an evaluator changes a verdict or dismisses a finding, with a reason."""
from __future__ import annotations

from dataclasses import asdict

import click

from scorer.cli.group import cli
from scorer.errors import ScorerError


@cli.group()
def override() -> None:
    """Evaluators' overrides: change a criterion's verdict or dismiss a finding, with a reason.

    Overrides are kept in the results store with an audit trail (who, when, what,
    why) and, with --file, in a YAML file for version control. The next batch or
    score with --store / --overrides applies them; one whose evidence changed since
    is not applied and the memo says 证据已变化，需复核.

    \b
    Example:
      xxgk override add --store out/results.sqlite --agency 平潭综合实验区市场监督管理局 \\
          --year 2024 --criterion open_day --verdict met --reason 见附件照片 --by 张三
      xxgk override list --store out/results.sqlite
    """


def _target_options(f):
    f = click.option("--file", "file", type=click.Path(dir_okay=False, path_type=str),
                     help="Also write the override to this YAML file (created when absent).")(f)
    f = click.option("--by", "by", required=True, help="Who decides (name).")(f)
    f = click.option("--reason", required=True, help="Why (shown in the memo).")(f)
    f = click.option("--criteria", "criteria_set", default="core", show_default=True,
                     help="Criteria set id of the result.")(f)
    f = click.option("--year", type=int, required=True, help="Report year.")(f)
    f = click.option("--agency", required=True, help="Agency name (or its agency key).")(f)
    f = click.option("--store", "store", required=True, type=click.Path(dir_okay=False, path_type=str),
                     help="Results store (SQLite), e.g. reports_out/results.sqlite.")(f)
    return f


def _record(store, file, agency, year, criteria_set, **target) -> None:
    from scorer.history import agency_key
    from scorer.overrides import new_override, read_overrides, write_overrides
    from scorer.store import Store

    with Store(store) as db:
        key = agency_key(agency)
        result = db.result_for(key, year, criteria_set) if key else None
        if result is None:
            raise ScorerError(f"结果库中没有 {agency} {year}年度（指标体系 {criteria_set}）的评分结果，请先评分",
                              path=store)
        o = new_override(result, agency=agency, year=year, **target)
        db.add_override(asdict(o) | {"agency": agency}, action="dismiss" if o.kind == "finding" else "add")
    if file:
        kept = [x for x in read_overrides(file) if (x.agency_key, x.year, x.target) != (o.agency_key, o.year, o.target)]
        write_overrides(file, [*kept, o])
    click.echo(f"已记录：{agency} {year}年度 {o.ref}（{o.verdict or '撤销'}），理由：{o.reason}，调整人：{o.by}")


@override.command("add")
@_target_options
@click.option("--criterion", required=True, help="Criterion id (e.g. open_day).")
@click.option("--verdict", required=True, type=click.Choice(["met", "partial", "not_met"]), help="The new verdict.")
def add(store, agency, year, criteria_set, reason, by, file, criterion, verdict) -> None:
    """Change a criterion's verdict for one agency and year.

    \b
    Example:
      xxgk override add --store out/results.sqlite --agency 某局 --year 2024 \\
          --criterion open_day --verdict met --reason 开放日见附件 --by 张三
    """
    _record(store, file, agency, year, criteria_set, criterion=criterion, verdict=verdict, reason=reason, by=by)


@override.command("dismiss")
@_target_options
@click.option("--finding", required=True, help="Finding id, optionally @where (e.g. Q-repeat@section:other).")
def dismiss(store, agency, year, criteria_set, reason, by, file, finding) -> None:
    """Dismiss a finding (it costs nothing) for one agency and year.

    \b
    Example:
      xxgk override dismiss --store out/results.sqlite --agency 某局 --year 2024 \\
          --finding Q-repeat --reason 固定表述，非照搬 --by 张三
    """
    _record(store, file, agency, year, criteria_set, finding=finding, reason=reason, by=by)


@override.command("list")
@click.option("--store", "store", required=True, type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Results store (SQLite).")
@click.option("--audit", is_flag=True, help="Show the whole audit trail instead of the current overrides.")
def list_(store, audit) -> None:
    """List the current overrides of a store, or with --audit every change (who, when, what, why).

    \b
    Example:
      xxgk override list --store out/results.sqlite --audit
    """
    from scorer.store import Store

    with Store(store, readonly=True) as db:
        if audit:
            for a in db.audit():
                click.echo(f"{a['at']}\t{a['by']}\t{a['action']}\t{a['agency_key']}\t{a['report_year']}\t"
                           f"{a['target']}\t{a['verdict'] or ''}\t{a['reason'] or ''}")
            return
        for o in db.overrides():
            click.echo(f"{o['agency'] or o['agency_key']}\t{o['year']}\t{o['target']}\t{o['verdict'] or '撤销'}\t"
                       f"{o['reason']}\t{o['by']}\t{o['at']}")

