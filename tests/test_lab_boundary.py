"""The runtime package and the lab stay apart: ``scorer`` ships and never imports
``xxgk_lab`` (evaluation, training and gold tooling of the source checkout) at run
time, and no runtime default points into ``tests/``."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, seed

SCORER = ROOT / "scorer"
LAB = ROOT / "xxgk_lab"
#: The command modules allowed to import the lab, inside a command function only.
LAB_COMMANDS = {"scorer/cli/evidence_cmd.py", "scorer/cli/tables_cmd.py"}
_TESTS_PATH = re.compile(r"(^|[/\\])tests([/\\]|$)")


def _py_files(root: Path) -> list[Path]:
    files = sorted(root.rglob("*.py"))
    assert files, f"no Python files under {root}"
    return files


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _lab_imports(tree: ast.AST) -> list[tuple[int, bool]]:
    """(line, inside a function) of every import of ``xxgk_lab`` — statements and
    ``importlib.import_module("xxgk_lab…")`` / ``__import__`` calls alike."""
    out: list[tuple[int, bool]] = []

    def is_lab(name: str | None) -> bool:
        return bool(name) and (name == "xxgk_lab" or name.startswith("xxgk_lab."))

    def visit(node: ast.AST, in_func: bool) -> None:
        if isinstance(node, ast.Import) and any(is_lab(a.name) for a in node.names):
            out.append((node.lineno, in_func))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and is_lab(node.module):
            out.append((node.lineno, in_func))
        elif isinstance(node, ast.Call):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and is_lab(arg.value):
                    out.append((node.lineno, in_func))
        inner = in_func or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return out


def test_no_scorer_module_imports_the_lab() -> None:
    """Only the lab commands import xxgk_lab, and only inside the command body."""
    bad = []
    lazy = set()
    for path in _py_files(SCORER):
        rel = _rel(path)
        for line, in_func in _lab_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if in_func and rel in LAB_COMMANDS:
                lazy.add(rel)
            else:
                bad.append(f"{rel}:{line}")
    assert not bad, f"scorer imports xxgk_lab at run time: {bad}"
    # the lab commands do reach the lab (lazily); if they stop, this test is stale
    assert lazy == LAB_COMMANDS


def test_import_detector_catches_module_level_and_dynamic_imports() -> None:
    src = (
        "import xxgk_lab.evaluate\n"
        "from xxgk_lab import train\n"
        "import importlib\n"
        "m = importlib.import_module('xxgk_lab.paths')\n"
        "def f():\n"
        "    from xxgk_lab.tables_accuracy import run_gold\n"
        "from scorer.load import load\n"
    )
    assert _lab_imports(ast.parse(src)) == [(1, False), (2, False), (4, False), (6, True)]


def test_scoring_does_not_load_the_lab() -> None:
    """At run time (the CLI registered, a document scored) xxgk_lab stays unloaded."""
    code = (
        "import sys\n"
        "import scorer.cli\n"
        "from scorer.pipeline import score_document\n"
        f"r = score_document({str(seed('003'))!r})\n"
        "assert r.criteria and r.score\n"
        "lab = sorted(m for m in sys.modules if m == 'xxgk_lab' or m.startswith('xxgk_lab.'))\n"
        "print('LAB', lab)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "LAB []" in out.stdout


def _constants_outside_docs(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are not docstrings, nor help texts shown by click."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        if isinstance(node, ast.keyword) and node.arg in ("help", "show_default"):
            skip.update(id(n) for n in ast.walk(node.value))
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]


def _tests_paths(tree: ast.AST) -> list[tuple[int, str]]:
    return sorted((line, s) for line, s in _constants_outside_docs(tree) if _TESTS_PATH.search(s))


def test_no_runtime_default_path_under_tests() -> None:
    """Runtime code never falls back to a path under tests/ (the lab resolves its
    defaults against the repository root)."""
    bad = []
    for path in _py_files(SCORER):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        bad += [f"{_rel(path)}:{line}: {s!r}" for line, s in _tests_paths(tree)]
    assert not bad, f"runtime paths under tests/: {bad}"


def test_tests_path_detector_catches_the_old_default() -> None:
    old = (
        '@click.option("--gold", default=Path("tests/gold/tables"), show_default=True,\n'
        '              help="see tests/gold/README.md")\n'
        "def f(gold=Path('tests') / 'gold'):\n"
        '    """Example: xxgk tables-accuracy --gold tests/gold/tables"""\n'
    )
    assert _tests_paths(ast.parse(old)) == [(1, "tests/gold/tables"), (3, "tests")]


def test_lab_uses_no_private_names_of_scorer() -> None:
    bad = []
    for path in _py_files(LAB):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scorer"):
                bad += [f"{_rel(path)}:{node.lineno}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert not bad, bad


def test_lab_defaults_resolve_against_the_repository_root(runner, tmp_path, monkeypatch) -> None:
    from scorer.cli import cli
    from xxgk_lab import paths

    assert paths.REPO_ROOT == ROOT
    assert paths.DEFAULT_GOLD_TABLES == ROOT / "tests" / "gold" / "tables"
    assert paths.DEFAULT_LABELS.is_file() and paths.DEFAULT_VERDICTS.is_file()
    monkeypatch.chdir(tmp_path)  # nothing of the checkout under the current directory
    res = runner.invoke(cli, ["tables-accuracy", "--format", "json"])
    assert res.exit_code == 0, res.output
    import json

    overall = json.loads(res.output)["overall"]
    assert overall["documents"] == len(list(paths.DEFAULT_GOLD_TABLES.glob("*.json")))
    assert overall["wrong"] == 0


@pytest.mark.parametrize("args", [["tables-accuracy"], ["evaluate"], ["train", "--out", "OUT"]])
def test_lab_commands_without_the_lab_exit_2_with_one_line(runner, monkeypatch, tmp_path, args) -> None:
    from scorer.cli import cli

    for name in [m for m in sys.modules if m == "xxgk_lab" or m.startswith("xxgk_lab.")] + ["xxgk_lab"]:
        monkeypatch.setitem(sys.modules, name, None)  # import xxgk_lab now fails
    args = [str(tmp_path / "model") if a == "OUT" else a for a in args]
    res = runner.invoke(cli, args)
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "源码检出" in lines[0] and f"xxgk {args[0]}" in lines[0]
    assert not (tmp_path / "model").exists()


def test_a_missing_lab_dependency_is_not_reported_as_a_missing_lab() -> None:
    from scorer.cli.lab import lab_missing

    with pytest.raises(ModuleNotFoundError, match="sklearn"):
        lab_missing(ModuleNotFoundError("No module named 'sklearn'", name="sklearn"), "train")
