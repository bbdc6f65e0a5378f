"""The lab commands (``xxgk train``, ``xxgk evaluate``, ``xxgk tables-accuracy``) run
tools that live in the top-level package ``xxgk_lab`` of a source checkout, not in the
runtime package. They import it inside the command body; :func:`lab_missing` turns its
absence into one line and exit code 2."""
from __future__ import annotations

from typing import NoReturn

import click

from scorer.cli.group import EXIT_BAD_INPUT

__all__ = ["lab_missing"]


def lab_missing(exc: ImportError, command: str) -> NoReturn:
    """Exit 2 with one Chinese line when ``exc`` says ``xxgk_lab`` is not importable.

    Any other missing module (a dependency of the lab, e.g. scikit-learn) is
    re-raised unchanged, so its own message is not hidden behind this one.
    """
    name = getattr(exc, "name", None) or ""
    if name != "xxgk_lab" and not name.startswith("xxgk_lab."):
        raise exc
    click.echo(
        f"错误：xxgk {command} 是评测/训练工具，需要源码检出（仓库中的 xxgk_lab 包）；"
        "请在仓库根目录执行 pip install -e . 后在仓库中运行",
        err=True,
    )
    raise SystemExit(EXIT_BAD_INPUT)
