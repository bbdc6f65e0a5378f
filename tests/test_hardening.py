"""Hardening, round two: the kinds of input an adversarial run found to break the
engine's promise (one Chinese line and exit 2, no traceback, no hang, safe output).
Each test is named after its case."""
from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import pytest

from scorer.cli import cli

from .conftest import seed


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail (instead of hanging the suite) when the body runs past ``seconds``: a
    generous bound that only a regression to quadratic or worse can reach."""

    def _expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def report_text() -> str:
    return seed("003").read_text(encoding="utf-8")


def one_error_line(result) -> str:
    """The CLI's whole output for bad input: exit 2 and one ``Error: …`` line."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


# --------------------------------------------------------------------------- hangs


def test_ten_thousand_alternating_headings_finish(tmp_path):
    """10,000 alternating section headings (~288 KB): repeated-body detection,
    section ends and the section of each sentence were quadratic."""
    from scorer.pipeline import run

    text = report_text()
    first, rest = text.split("\n", 1)
    heads = "\n".join("一、总体情况" if i % 2 == 0 else "二、主动公开政府信息情况" for i in range(10_000))
    f = tmp_path / "headings.txt"
    f.write_text(first + "\n" + heads + "\n" + rest, encoding="utf-8")
    assert f.stat().st_size > 250_000
    with time_limit(120):
        scored = run(f, "core")
    assert scored.document.kind == "report"
    assert scored.result.score["total"] is not None
    assert len(scored.document.sections) >= 6
