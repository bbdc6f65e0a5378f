"""Executors: who runs the tasks of a batch. One interface, :class:`Executor`
(``run(tasks, config, on_done)``); today one implementation, :class:`ProcessPool`.

Why a small worker pool of our own rather than joblib / ``ProcessPoolExecutor``: the
per-document time limit has to stop *that* document even when it hangs inside C code
(a regex, a PDF parser), and a worker that crashes (segfault, out of memory) must cost
one document, not the batch. Each worker runs one document at a time, so the parent
knows what every worker is doing and can kill and replace exactly the stuck one. The
soft limit (``SIGALRM`` in :func:`scorer.batch.worker.process`) handles the ordinary
case cleanly; the hard kill here is the backstop.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections import deque
from dataclasses import replace
from multiprocessing.connection import wait as _wait
from typing import Any, Callable, Iterable, Optional, Protocol, Sequence

from scorer.batch.lifeline import die_with_parent
from scorer.batch.messages import FAILED, BatchConfig, Outcome, Task
from scorer.batch.worker import process, timeout_message, warm_up

__all__ = ["Executor", "ProcessPool", "HARD_GRACE"]

HARD_GRACE = 15.0  # seconds after the soft limit before the worker is killed


#: ``on_done(outcome)``; it may return a list of more tasks, which join the queue (a
#: series' next year, once its previous year is done); anything else is ignored
OnDone = Callable[[Outcome], Optional[Iterable[Task]]]


class Executor(Protocol):
    """Runs the tasks of a batch and reports each outcome, in any order.

    ``on_done`` is called in the caller's process once per task. An outcome that the
    worker could not record itself (it died, it was killed) has ``recorded=False``;
    the caller records it. What ``on_done`` returns (tasks, or None) is run too,
    before ``run`` returns.
    """

    def run(self, tasks: Sequence[Task], config: BatchConfig, on_done: OnDone) -> None:
        ...


def _worker_main(conn: Any, config: BatchConfig, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    if config.warm_in_worker:
        warm_up(config.criteria_set)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        conn.send(process(task, config))


class _Slot:
    """One worker process and the task it is on."""

    def __init__(self, ctx: Any, config: BatchConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, config, os.getpid()), daemon=True)
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=5)
        self.conn.close()


class ProcessPool:
    """Worker processes on this machine, one document at a time each, with a hard
    per-document limit and crash handling.

    Parameters
    ----------
    jobs : int
        Worker processes (at most one per task).
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def run(self, tasks: Sequence[Task], config: BatchConfig, on_done: OnDone) -> None:
        if not tasks:
            return
        methods = mp.get_all_start_methods()
        # fork: workers inherit the loaded pipeline (dictionaries, models) for free
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        if ctx.get_start_method() == "fork":
            warm_up(config.criteria_set)
        else:
            config = replace(config, warm_in_worker=True)
        timeout = config.timeout
        hard = (timeout + HARD_GRACE) if timeout else None
        queue = deque(tasks)
        slots = [_Slot(ctx, config) for _ in range(min(self.jobs, len(tasks)))]

        def done(out: Outcome) -> None:
            more = on_done(out)
            if isinstance(more, (list, tuple)):
                queue.extend(more)

        def fail(slot: _Slot, message: str, timed_out: bool = False) -> None:
            task = slot.task
            assert task is not None
            slot.task = None
            done(Outcome(task.path, task.key, FAILED, error=message, timeout=timed_out,
                         seconds=round(time.monotonic() - slot.started, 3)))

        try:
            while queue or any(s.task for s in slots):
                while len(slots) < min(self.jobs, len(queue) + sum(1 for s in slots if s.task)):
                    slots.append(_Slot(ctx, config))  # tasks released later than the start
                for i, s in enumerate(slots):
                    if s.task is None and queue:
                        s.task = queue.popleft()
                        s.started = time.monotonic()
                        try:
                            s.conn.send(s.task)
                        except (OSError, ValueError):  # the worker died while idle
                            s.stop(kill=True)
                            slots[i] = _Slot(ctx, config)
                            queue.appendleft(s.task)
                            slots[i].task = None
                busy = [s for s in slots if s.task]
                if not busy:
                    continue
                _wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=0.5)
                for i, s in enumerate(slots):
                    if not s.task:
                        continue
                    try:
                        if s.conn.poll():
                            out = s.conn.recv()
                            s.task = None
                            done(out)
                            continue
                    except (EOFError, OSError):
                        pass
                    if not s.proc.is_alive():
                        code = s.proc.exitcode
                        s.stop(kill=True)
                        slots[i] = _Slot(ctx, config)
                        fail(s, f"处理进程异常退出（退出码{code}）")
                    elif hard and time.monotonic() - s.started > hard:
                        s.stop(kill=True)
                        slots[i] = _Slot(ctx, config)
                        fail(s, timeout_message(timeout or 0, killed=True), timed_out=True)
        finally:
            for s in slots:
                s.stop(kill=s.task is not None)
