"""Command-line interface: a thin shell over the library (see ``xxgk --help``)."""
from __future__ import annotations

import importlib

from scorer.cli.group import cli

# Each module registers its commands on `cli` when imported.
_COMMAND_MODULES = (
    "scorer.cli.inspect_cmd",
    "scorer.cli.tables_cmd",
    "scorer.cli.criteria_cmd",
    "scorer.cli.evidence_cmd",
    "scorer.cli.score_cmd",
    "scorer.cli.serve_cmd",
    "scorer.cli.override_cmd",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(_name)


def main() -> None:
    cli(prog_name="xxgk")


__all__ = ["cli", "main"]
