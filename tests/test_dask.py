"""Batches on a Dask cluster: a scheduler and two workers started as separate processes
on loopback. The outputs equal the local pool's byte for byte (memo DOCX and the
sheet XLSX member by member, apart from docProps/), a worker killed mid-batch costs
nothing, a hung document costs one document, a rerun does only what is missing, and
without Dask ``--executor dask`` says in one line how to install it."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from scorer.batch import run_batch
from scorer.batch.messages import BatchConfig, Outcome, Task
from scorer.batch.state import STATE_DIR
from scorer.batch.worker import process
from tests.conftest import CORPORA, ROOT

distributed = pytest.importorskip("distributed", reason="the dask extra: pip install -e '.[test,dask]'")

from scorer.batch.dask_executor import DaskExecutor  # noqa: E402  (needs distributed)

DOCS = [
    CORPORA / "reports" / "020_pingtan_gongan_2024.txt",
    CORPORA / "reports" / "029_pingtan_xingzhengshenpi_2024.txt",
    CORPORA / "reports" / "014_pingtan_syq_2024.txt",
    CORPORA / "reports" / "004_shanghai_kewei_2024.md",
    CORPORA / "reports2" / "359_pingtan_syq_2025.html",
    ROOT / "tests" / "fixtures" / "load" / "seed003.docx",
]
FORMATS = ("json", "md", "html", "docx")
BIN = Path(sys.executable).parent
# the scheduler unpickles the tasks too: both see tests/ (the stand-in work below lives there)
_ENV = dict(os.environ, PYTHONPATH=str(ROOT))
START_LIMIT = 90.0  # seconds for the scheduler and a worker to come up (the machine is shared)


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process we started, and its process group (our scoring children)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: only what it started
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    where = tmp_path_factory.mktemp("dask")
    info = where / "scheduler.json"
    proc = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                             "--no-dashboard", "--scheduler-file", str(info)],
                            cwd=where, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + START_LIMIT
        while not info.is_file() or not info.read_text().strip():
            assert proc.poll() is None, "dask scheduler exited"
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.2)
        time.sleep(0.2)  # the file is written whole, but give it a beat
        yield json.loads(info.read_text())["address"]
    finally:
        _stop(proc)


@pytest.fixture
def workers(scheduler, tmp_path_factory):
    """Two single-thread workers without a nanny (killing one kills it for good),
    working from a folder of their own: the executor must carry the current directory."""
    elsewhere = tmp_path_factory.mktemp("worker-cwd")
    procs = [subprocess.Popen([str(BIN / "dask"), "worker", scheduler, "--nthreads", "1", "--no-nanny",
                               "--no-dashboard", "--host", "127.0.0.1"],
                              cwd=elsewhere, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
             for _ in range(2)]
    client = distributed.Client(scheduler, timeout=START_LIMIT)
    try:
        client.wait_for_workers(2, timeout=START_LIMIT)
        yield client, procs
    finally:
        client.close()
        for p in procs:
            _stop(p)
        # the scheduler forgets the stopped workers before the next test
        with distributed.Client(scheduler, timeout=START_LIMIT) as c:
            deadline = time.monotonic() + 30
            while c.scheduler_info()["workers"] and time.monotonic() < deadline:
                time.sleep(0.2)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The documents, and the local pool's outputs for them (the reference)."""
    base = tmp_path_factory.mktemp("corpus")
    src = base / "in"
    src.mkdir()
    for p in DOCS:
        shutil.copy(p, src / p.name)
    old = os.getcwd()
    os.chdir(base)  # relative input paths: they appear in the outputs
    try:
        ref = run_batch("in", "core", "local", jobs=2, formats=FORMATS)
    finally:
        os.chdir(old)
    assert ref.ok and len(ref.scored) == len(DOCS), ref.summary_lines()
    return base


def _contents(out: Path) -> dict[str, bytes]:
    """Every output, a zip (xlsx, docx) member by member apart from docProps/ (its timestamp)."""
    got: dict[str, bytes] = {}
    for p in sorted(out.iterdir()):
        if p.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(p) as z:
                for n in z.namelist():
                    if not n.startswith("docProps/"):
                        got[f"{p.name}/{n}"] = z.read(n)
        elif p.name.startswith("results.sqlite"):
            # the results store records when each result was scored: compare what
            # it holds, not its bytes
            from scorer.store import Store

            if p.name == "results.sqlite":
                with Store(p, readonly=True) as db:
                    got[p.name] = repr(sorted(json.dumps(d, sort_keys=True, ensure_ascii=False)
                                              for d in db.latest("core"))).encode("utf-8")
        elif p.is_file():
            got[p.name] = p.read_bytes()
    return got


def test_dask_batch_equals_local_pool_and_reruns_only_what_is_missing(corpus, workers, monkeypatch):
    client, _ = workers
    monkeypatch.chdir(corpus)
    ex = DaskExecutor(client.scheduler.address)
    seen: list[str] = []
    rep = run_batch("in", "core", "dask", executor=ex, formats=FORMATS,
                    progress=lambda done, total, o: seen.append(o.key))
    assert rep.ok and len(rep.scored) == len(DOCS), rep.summary_lines()
    assert sorted(seen) == sorted(p.stem for p in DOCS)
    want, got = _contents(corpus / "local"), _contents(corpus / "dask")
    assert len([n for n in got if n.endswith(".json")]) == len(DOCS)
    assert any(n.startswith("scores.xlsx/") for n in got) and any(".docx/word/" in n for n in got)
    assert got == want
    assert ex.peak_in_flight <= 4 * 2  # the window: 4 futures per worker thread

    # a rerun does only what is missing: nothing, then the one document whose memo is gone
    again = run_batch("in", "core", "dask", executor=DaskExecutor(client.scheduler.address), formats=FORMATS)
    assert len(again.skipped) == len(DOCS) and not again.worked
    (corpus / "dask" / f"{DOCS[0].stem}.md").unlink()
    third = run_batch("in", "core", "dask", executor=DaskExecutor(client.scheduler.address), formats=FORMATS)
    assert [o.key for o in third.worked] == [DOCS[0].stem] and third.ok
    assert _contents(corpus / "dask") == want


def test_worker_killed_mid_batch_still_scores_every_document(corpus, workers, monkeypatch):
    client, procs = workers
    monkeypatch.chdir(corpus)
    by_pid = {p.pid: p for p in procs}
    killed: list[tuple[int, int]] = []  # (pid, tasks it had)
    pids = client.run(os.getpid)  # worker address → pid
    assert set(pids.values()) == set(by_pid)

    def kill_a_busy_worker(done: int, total: int, outcome) -> None:
        if killed:
            return
        for addr, keys in client.processing().items():
            if keys and pids.get(addr) in by_pid:
                os.kill(pids[addr], signal.SIGKILL)
                killed.append((pids[addr], len(keys)))
                return

    rep = run_batch("in", "core", "killed", executor=DaskExecutor(client.scheduler.address),
                    formats=FORMATS, progress=kill_a_busy_worker)
    assert killed and killed[0][1] >= 1, "no busy worker to kill after the first result"
    assert by_pid[killed[0][0]].wait(timeout=10) == -signal.SIGKILL
    assert rep.ok and len(rep.scored) == len(DOCS), rep.summary_lines()
    assert _contents(corpus / "killed") == _contents(corpus / "local")
    assert not list((corpus / "killed").glob(".*.tmp"))  # no half-written file left behind


def _stuck(task: Task, config: BatchConfig) -> Outcome:
    """Stand-in for a document stuck in C code: deaf to the soft limit (SIGALRM)."""
    if "029" in task.key:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)
    return process(task, config)


def test_a_hung_document_costs_one_document_not_the_batch(corpus, workers, monkeypatch):
    client, _ = workers
    monkeypatch.chdir(corpus)
    t0 = time.monotonic()
    rep = run_batch("in", "core", "hung", executor=DaskExecutor(client.scheduler.address, fn=_stuck),
                    formats=("json",), timeout=5.0)
    assert time.monotonic() - t0 < 120  # the worker waits the limit + HARD_GRACE (15 s), then kills
    assert len(rep.failures) == 1, rep.summary_lines()
    [bad] = rep.failures
    assert "029" in bad.key and "超时" in (bad.error or "") and "终止" in (bad.error or "")
    assert len(rep.scored) == len(DOCS) - 1
    state = json.loads((corpus / "hung" / STATE_DIR / f"{bad.key}.json").read_text(encoding="utf-8"))
    assert state["timeout"] is True  # retried on the next run


def test_without_dask_the_cli_says_how_to_install_it(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import scorer.batch.dask_executor as de
    from scorer.cli import cli

    monkeypatch.setattr(de, "dask_available", lambda: False)
    res = CliRunner().invoke(cli, ["batch", str(DOCS[0]), "--out", str(tmp_path / "o"), "--executor", "dask"])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "pip install 'xxgk-scorer[dask]'" in lines[0] and "未安装" in lines[0]
    assert not (tmp_path / "o").exists()  # nothing started
