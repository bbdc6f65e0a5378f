"""Shared fixtures: paths to the corpus the project ships and to ../shared."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SEEDS = CORPORA / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


def corpus_index() -> list[dict[str, str]]:
    """Rows of corpora/index.csv (the 41 reports, 要点 and format texts)."""
    with open(CORPORA / "index.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def seed(name: str) -> Path:
    return next(SEEDS.glob(f"{name}_*.txt"))


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()
