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


@pytest.fixture(scope="session")
def core():
    """The shipped core criteria set (a frozen dataclass: shared safely)."""
    from scorer.criteria import load_criteria

    return load_criteria("core")


def copy_into(folder: Path, files: list[Path]) -> Path:
    """``folder`` made and the ``files`` copied into it (a batch's input folder)."""
    import shutil

    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture
def runner():
    from click.testing import CliRunner

    return CliRunner()


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A web app served by uvicorn in a thread on a free loopback port (for tests that
    need a real server: a browser, or several requests at once)."""

    def __init__(self, app) -> None:
        import threading

        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
