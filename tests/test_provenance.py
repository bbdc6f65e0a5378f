"""The engine version names the code and data that made a result, so that a rerun
after the engine changed redoes every document (a stale result is never kept)."""
from __future__ import annotations

import shutil
from pathlib import Path

import scorer
from scorer.batch import run_batch, state
from scorer.criteria import load_criteria
from scorer.provenance import build_digest, engine_version, tree_digest
from tests.conftest import CORPORA

PACKAGE = Path(scorer.__file__).resolve().parent


def test_engine_version_carries_the_package_digest() -> None:
    base, _, digest = engine_version().partition("+")
    assert base == scorer.__version__
    assert digest == build_digest() == tree_digest(PACKAGE)
    assert len(digest) == 12


def test_digest_follows_code_and_data_not_caches(tmp_path) -> None:
    copy = tmp_path / "scorer"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    assert tree_digest(copy) == build_digest()
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert tree_digest(copy) == build_digest()
    crit = copy / "data" / "criteria" / "core.yaml"
    crit.write_text(crit.read_text(encoding="utf-8").replace("回应…关切", "回应…诉求"), encoding="utf-8")
    assert tree_digest(copy) != build_digest()


def test_a_rerun_after_the_engine_changed_redoes_every_document(tmp_path, monkeypatch) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("021_pingtan_shichangjianguan_2023.txt", "077_pingtan_shichangjianguan_2024.txt"):
        shutil.copy(CORPORA / "reports" / name, inputs / name)
    core = load_criteria("core")
    out = tmp_path / "out"
    first = run_batch(inputs, core, out, jobs=1, timeout=120)
    assert len(first.scored) == 2
    again = run_batch(inputs, core, out, jobs=1, timeout=120)
    assert not again.worked and len(again.skipped) == 2
    # another engine (what an update of the code or the model gives)
    monkeypatch.setattr(state, "engine_version", lambda: engine_version() + "-other")
    redone = run_batch(inputs, core, out, jobs=1, timeout=120)
    assert sorted(Path(o.path).name for o in redone.worked) == sorted(p.name for p in inputs.iterdir())
