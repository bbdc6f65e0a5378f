"""The seams of the batch package: typed messages, the worker, the executor interface,
and the module rules (no cycles, no private imports across modules)."""
from __future__ import annotations

import ast
import json
import os
import pickle
from pathlib import Path

import pytest

from scorer.batch import (BatchConfig, DocOutcome, Outcome, ProcessPool, Task, collect_inputs, process,
                          run_batch, worker)
from scorer.batch.state import STATE_DIR, file_sha256, fingerprint
from scorer.provenance import criteria_fingerprint
from tests.conftest import CORPORA, ROOT, copy_into

FORK = "fork" in __import__("multiprocessing").get_all_start_methods()
DOCS = ["020_pingtan_gongan_2024.txt", "029_pingtan_xingzhengshenpi_2024.txt", "004_shanghai_kewei_2024.md"]


@pytest.fixture
def folder(tmp_path):
    return copy_into(tmp_path / "in", [CORPORA / "reports" / name for name in DOCS])


def tasks_for(folder: Path, cs, formats=("json",)) -> list[Task]:
    crit = criteria_fingerprint(cs)
    return [Task(i.path, i.key, i.overrides, fingerprint(i, file_sha256(i.path), crit, formats))
            for i in collect_inputs(folder)]


def test_task_config_outcome_survive_pickle(folder, tmp_path, core):
    task = tasks_for(folder, core)[0]
    config = BatchConfig(core, str(tmp_path / "out"), ("json", "md"), 60.0)
    res = process(task, config)  # a real outcome, with the sheet view of a real result
    assert res.status == "scored" and res.result is not None
    for obj in (task, config, res):
        back = pickle.loads(pickle.dumps(obj))
        assert back == obj and type(back) is type(obj)
    with pytest.raises(AttributeError):  # frozen: a message cannot be changed on the way
        task.key = "x"  # type: ignore[misc]


def test_worker_writes_outputs_and_its_rerun_state(folder, tmp_path, core):
    out = tmp_path / "out"
    task = tasks_for(folder, core)[0]
    res = process(task, BatchConfig(core, str(out), ("json", "md"), 60.0))
    assert res.recorded and res.outputs == (f"{task.key}.json", f"{task.key}.md")
    assert res.total == json.loads((out / f"{task.key}.json").read_text(encoding="utf-8"))["score"]["total"]
    state = json.loads((out / STATE_DIR / f"{task.key}.json").read_text(encoding="utf-8"))
    assert state["fingerprint"] == task.fingerprint and state["status"] == "scored"
    assert state["total"] == res.total and state["outputs"] == list(res.outputs)


def test_worker_failure_is_an_outcome_not_an_exception(tmp_path, core):
    out = tmp_path / "out"
    (tmp_path / "empty.txt").write_bytes(b"")
    gone = Task(str(tmp_path / "gone.txt"), "gone", (), "fp1")
    empty = Task(str(tmp_path / "empty.txt"), "empty", (), "fp2")
    config = BatchConfig(core, str(out), ("json",), 60.0)
    a, b = process(gone, config), process(empty, config)
    assert (a.status, b.status) == ("failed", "failed")
    assert "文件不存在" in (a.error or "") and b.error and "\n" not in b.error
    assert a.result is None and a.total is None and not a.timeout
    assert json.loads((out / STATE_DIR / "empty.json").read_text(encoding="utf-8"))["status"] == "failed"


@pytest.mark.skipif(not FORK, reason="needs fork")
def test_process_pool_runs_a_real_task_list(folder, tmp_path, core):
    tasks = tasks_for(folder, core)
    got: list[Outcome] = []
    ProcessPool(2).run(tasks, BatchConfig(core, str(tmp_path / "out"), ("json",), 60.0), got.append)
    assert sorted(o.key for o in got) == sorted(t.key for t in tasks)
    assert all(o.status == "scored" and o.recorded and o.result for o in got)
    for o in got:
        assert (tmp_path / "out" / f"{o.key}.json").is_file()


@pytest.mark.skipif(not FORK, reason="needs fork")
def test_worker_crash_costs_one_document(folder, tmp_path, core, monkeypatch):
    real = worker.score_document

    def crash_on_one(source, *a, **k):
        # the worker hands over the loaded Document (it reads the agency first)
        if Path(getattr(source, "path", source)).name == DOCS[1]:
            os._exit(9)  # as a segfault or the OOM killer would: no Python clean-up
        return real(source, *a, **k)

    monkeypatch.setattr(worker, "score_document", crash_on_one)  # forked workers see it
    tasks = tasks_for(folder, core)
    got: dict[str, Outcome] = {}
    ProcessPool(1).run(tasks, BatchConfig(core, str(tmp_path / "out"), ("json",), 60.0),
                       lambda o: got.setdefault(o.key, o))
    assert len(got) == 3  # one worker, replaced after the crash, did the rest
    dead = got[Path(DOCS[1]).stem]
    assert dead.status == "failed" and dead.error == "处理进程异常退出（退出码9）"
    assert not dead.recorded  # the caller records what a dead worker could not
    assert [o.status for k, o in sorted(got.items()) if k != dead.key] == ["scored", "scored"]


class InProcess:
    """A second, real executor: the tasks one after another in this process. The
    interface a distributed executor will implement."""

    def __init__(self) -> None:
        self.seen: list[Task] = []

    def run(self, tasks, config, on_done):
        for t in tasks:
            self.seen.append(t)
            on_done(process(t, config))


def test_another_executor_gives_the_same_bytes(folder, tmp_path, core):
    ex = InProcess()
    a = run_batch(folder, core, tmp_path / "a", executor=ex, formats=("json", "md"), timeout=None)
    b = run_batch(folder, core, tmp_path / "b", jobs=2, formats=("json", "md"), timeout=60)
    assert a.ok and b.ok and [o.path for o in a.outcomes] == [o.path for o in b.outcomes]
    # each document scored once (after a survey of its agency and year, for the order of a series)
    assert sorted(t.path for t in ex.seen if not t.survey) == [o.path for o in a.outcomes]
    assert all(isinstance(o, DocOutcome) for o in a.outcomes)
    for name in ("scores.csv", *(f"{Path(d).stem}{e}" for d in DOCS for e in (".json", ".md"))):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    # and a rerun through either executor skips everything: the state is the same
    again = run_batch(folder, core, tmp_path / "a", jobs=2, formats=("json", "md"))
    assert not again.worked and len(again.skipped) == 3


BATCH_DIR = ROOT / "scorer" / "batch"


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``from scorer... import name`` in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scorer"):
            found += [(node.module, a.name) for a in node.names]
    return found


def test_no_module_imports_a_private_name_of_another():
    bad = [(p.name, m, n) for p in sorted(BATCH_DIR.glob("*.py")) for m, n in _imports(p) if n.startswith("_")]
    assert bad == []


def test_batch_modules_have_no_import_cycle():
    graph = {p.stem: {m.rsplit(".", 1)[1] for m, _ in _imports(p) if m.startswith("scorer.batch.")}
             for p in BATCH_DIR.glob("*.py") if p.stem != "__init__"}
    assert set().union(*graph.values()) <= set(graph)
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, f"import cycle: {' → '.join(path + (node,))}"
        if node not in done:
            for nxt in sorted(graph[node]):
                visit(nxt, path + (node,))
            done.add(node)

    for m in sorted(graph):
        visit(m, ())
