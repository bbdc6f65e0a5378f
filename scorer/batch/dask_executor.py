"""``DaskExecutor``: the tasks of a batch on a ``dask.distributed`` cluster.

The same per-document work as the local pool — :func:`scorer.batch.worker.process`,
which calls ``scorer.pipeline.score_document`` — run on the workers of a Dask
cluster (a ``LocalCluster`` on this machine when no scheduler address is given).
Dask is an optional extra (``pip install 'xxgk-scorer[dask]'``) and is imported only
here, and only when a batch runs.

Choices, and why:

- **Time limit: one child process per Dask worker thread.** Dask runs tasks in
  worker threads, where the soft ``SIGALRM`` limit of ``process`` cannot work (signals
  go to the main thread) and a thread stuck in C code cannot be stopped at all. So
  each worker thread hands its document to a long-lived child process of its own
  (spawned once, warmed up once, reused for every document), where ``process`` runs
  in the main thread with its soft limit; the worker thread waits at most the limit
  plus :data:`~scorer.batch.executor.HARD_GRACE` and then kills the child, records
  the document as timed out and starts a fresh child. A hung document costs one
  child, never the batch. (Dask itself has no per-task time limit that stops the
  work.)
- **Worker lost: Dask reschedules.** A worker that dies takes its running task with
  it; the scheduler gives the task to another worker (``retries`` covers errors in
  transit as well). The task may run twice: it is idempotent, as every output and
  the rerun state are written atomically. A document that kills every worker it
  lands on (Dask's ``allowed-failures``) ends as one failed document.
- **Memory of the submitting process is flat.** At most ``window`` futures are in
  flight (default 4 per worker thread); each result is handed to ``on_done`` as it
  arrives (``as_completed``) and then released. The batch configuration (criteria
  set, output folder) travels once as a task of its own that the document tasks
  depend on: Dask copies it to each worker once and can recompute it if the worker
  that held it is lost.
- **Paths.** Workers must see the input files and the output folder at the same
  paths as the submitting process (a shared filesystem) and work from the same
  current directory, so that relative paths — which appear in the outputs — give the
  same bytes as the local pool.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from collections import deque
from typing import Any, Callable, Sequence

from scorer.batch.executor import HARD_GRACE, OnDone
from scorer.batch.lifeline import die_with_parent
from scorer.batch.messages import FAILED, BatchConfig, Outcome, Task
from scorer.batch.worker import one_line, process, timeout_message, warm_up
from scorer.errors import ScorerError

__all__ = ["DaskExecutor", "dask_available", "INSTALL_HINT", "WINDOW_PER_THREAD"]

INSTALL_HINT = "未安装 Dask，无法使用 --executor dask：请运行 pip install 'xxgk-scorer[dask]' 后重试"
WINDOW_PER_THREAD = 4  # futures in flight per worker thread: enough to keep workers busy
CONNECT_TIMEOUT = 30  # seconds to reach a scheduler


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported (the ``dask`` extra is installed)."""
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


# --- in the Dask worker ------------------------------------------------------------

def _child_main(conn: Any, parent_pid: int) -> None:
    """A child of one Dask worker thread: scores one document at a time, in its main
    thread, so the soft time limit of ``process`` works."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker decides when to stop
    config: BatchConfig | None = None
    fn: Callable[[Task, BatchConfig], Outcome] = process
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break
        if msg is None:
            break
        if msg[0] == "config":
            _, config, cwd, fn = msg
            os.chdir(cwd)  # relative paths mean what they mean to the submitting process
            warm_up(config.criteria_set)  # before the first document's clock starts
            conn.send("ready")
            continue
        assert config is not None
        conn.send(fn(msg[1], config))


class _Child:
    """The child process of one worker thread, and the configuration it holds."""

    def __init__(self) -> None:
        # a plain subprocess, not multiprocessing: a Dask worker under a nanny is a
        # daemonic process, which multiprocessing forbids to have children; and no
        # fork of a multi-threaded worker, whose child could inherit a held lock
        ours, theirs = socket.socketpair()
        with theirs:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", __name__, str(theirs.fileno()), str(os.getpid())],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        self.conn = Connection(ours.detach())
        self.config: BatchConfig | None = None  # held, so that identity means the same batch

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            self.conn.close()


_children: dict[int, _Child] = {}  # worker thread id → its child
_children_lock = threading.Lock()


def _child_for_this_thread() -> _Child:
    me = threading.get_ident()
    with _children_lock:
        child = _children.get(me)
        if child is None or not child.alive():
            if child is not None:
                child.kill()
            child = _children[me] = _Child()
        return child


def _drop_child(child: _Child) -> None:
    with _children_lock:
        for k, v in list(_children.items()):
            if v is child:
                del _children[k]
    child.kill()


def _hold(config: BatchConfig) -> BatchConfig:
    """The batch configuration as a task of its own (sent once, recomputable)."""
    return config


def _run_task(task: Task, config: BatchConfig, cwd: str,
              fn: Callable[[Task, BatchConfig], Outcome]) -> Outcome:
    """One document, on a Dask worker: in this thread's child process, with the hard
    time limit. Never raises for a bad document."""
    start = time.monotonic()
    child = _child_for_this_thread()
    try:
        if child.config is not config:  # one object for every task of a batch on this worker
            child.conn.send(("config", config, cwd, fn))
            child.conn.recv()  # "ready": start-up and warm-up are not the document's time
            child.config = config
        child.conn.send(("task", task))
        hard = (config.timeout + HARD_GRACE) if config.timeout else None
        if child.conn.poll(hard):
            return child.conn.recv()
        _drop_child(child)
        return Outcome(task.path, task.key, FAILED, error=timeout_message(config.timeout or 0, killed=True),
                       timeout=True, seconds=round(time.monotonic() - start, 3))
    except (EOFError, OSError):
        code = child.proc.poll()
        _drop_child(child)
        return Outcome(task.path, task.key, FAILED, error=f"处理进程异常退出（退出码{code}）",
                       seconds=round(time.monotonic() - start, 3))


# --- in the submitting process -------------------------------------------------------

class DaskExecutor:
    """Runs the tasks of a batch on a Dask cluster.

    Parameters
    ----------
    address : str, optional
        Scheduler address (``tcp://HOST:PORT``); None starts a ``LocalCluster`` of
        ``workers`` processes with one thread each for the length of the batch.
    workers : int, optional
        Workers of the local cluster (default all cores); ignored with ``address``.
    window : int, optional
        Futures in flight at most; default :data:`WINDOW_PER_THREAD` per worker thread.
    retries : int
        Dask retries of a task whose run raised (the task itself never raises for a
        bad document: this is for trouble in transit).
    fn : callable(task, config) -> Outcome
        The per-document work, :func:`scorer.batch.worker.process`; a module-level
        function (it travels to the workers by reference).

    Raises
    ------
    ScorerError
        ``dask.distributed`` is not installed (one line saying how to install it).
    """

    def __init__(self, address: str | None = None, *, workers: int | None = None, window: int | None = None,
                 retries: int = 2, fn: Callable[[Task, BatchConfig], Outcome] = process) -> None:
        if not dask_available():
            raise ScorerError(INSTALL_HINT)
        self.address = address
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.window = window
        self.retries = retries
        self.fn = fn
        self.peak_in_flight = 0  # for benchmarks and tests: the window held

    def _client(self) -> tuple[Any, Any]:
        from distributed import Client, LocalCluster

        if self.address is None:
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            return Client(cluster), cluster
        try:
            return Client(self.address, timeout=CONNECT_TIMEOUT), None
        except (OSError, TimeoutError) as exc:
            raise ScorerError(f"无法连接 Dask 调度器（{one_line(exc)}），请检查地址、端口和网络",
                              path=self.address) from None

    def run(self, tasks: Sequence[Task], config: BatchConfig, on_done: OnDone) -> None:
        if not tasks:
            return
        from distributed import as_completed

        client, cluster = self._client()
        try:
            if self.address is not None:
                try:
                    client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
                except TimeoutError:
                    raise ScorerError(f"调度器上没有可用的工作节点（等待{CONNECT_TIMEOUT}秒），请先启动 dask worker",
                                      path=self.address) from None
            threads = sum(client.nthreads().values()) or 1
            window = max(1, self.window or WINDOW_PER_THREAD * threads)
            held = client.submit(_hold, config, pure=False)
            cwd = os.getcwd()
            todo = deque(tasks)
            in_flight: dict[str, Task] = {}
            done = as_completed()

            def submit() -> None:
                while todo and len(in_flight) < window:
                    task = todo.popleft()
                    fut = client.submit(_run_task, task, held, cwd, self.fn, pure=False, retries=self.retries)
                    in_flight[fut.key] = task
                    done.add(fut)
                self.peak_in_flight = max(self.peak_in_flight, len(in_flight))

            submit()
            for fut in done:
                task = in_flight.pop(fut.key)
                try:
                    out = fut.result()
                except Exception as exc:
                    # KilledWorker: the document took down every worker it ran on — its
                    # own failure, recorded; anything else is the cluster's (a lost
                    # connection, a cancelled task): no state, redone on the next run
                    lost = type(exc).__name__ == "KilledWorker"
                    out = Outcome(task.path, task.key, FAILED, error=f"处理节点异常（{one_line(exc)}）",
                                  transient=not lost)
                fut.release()  # the result lives on only in on_done
                del fut
                more = on_done(out)  # streamed into the results store there
                if isinstance(more, (list, tuple)):
                    todo.extend(more)  # a series' next year, now that this one is done
                submit()
            held.release()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


if __name__ == "__main__":  # the child of a worker thread: python -m scorer.batch.dask_executor FD PARENT_PID
    _child_main(Connection(int(sys.argv[1])), int(sys.argv[2]))
