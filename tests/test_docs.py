"""Every command documents itself, and docs/cli.md is the current --help."""
from __future__ import annotations

import importlib.util

import click
import pytest

from scorer.cli import cli

from .conftest import ROOT


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, prefix + (name,))


@pytest.mark.parametrize("path,cmd", list(_all_commands(cli)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help(runner, path, cmd):
    result = runner.invoke(cli, list(path) + ["--help"])
    assert result.exit_code == 0
    assert cmd.help and len(cmd.help.strip()) > 20, f"xxgk {' '.join(path)} needs a real help text"


def test_cli_reference_is_current():
    spec = importlib.util.spec_from_file_location("gen_cli", ROOT / "docs" / "gen_cli.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == gen.render(), (
        "docs/cli.md is out of date: run python docs/gen_cli.py"
    )
