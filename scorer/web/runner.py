"""Jobs run in worker processes, each under a time limit, without blocking the server.

Each job gets its own process, forked from a forkserver that has already imported
and loaded everything a job needs (:func:`scorer.web.worker.warm_up`), so a job
starts warm in a few milliseconds. A job past its time limit is killed alone: a stuck
document cannot wedge the server nor take other users' jobs down with it. At most
``workers`` jobs run at once; the others wait their turn. The event loop only awaits
a thread that waits on the process (``run_in_executor``).
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

__all__ = ["Runner", "TIMEOUT", "CRASH"]

log = logging.getLogger("scorer.web")

#: Outcome tags besides the job's own ("ok", …) and ("error", …).
TIMEOUT = "timeout"
CRASH = "crash"


def _child(conn: multiprocessing.connection.Connection, fn: Callable[[Any], Any], arg: Any) -> None:
    try:
        out = fn(arg)
    except BaseException as exc:  # reported as a crash; the traceback goes to the server log only
        import traceback

        out = (CRASH, "".join(traceback.format_exception(exc)))
    conn.send(out)
    conn.close()


def _nothing() -> None:
    """A job that does nothing: starting it starts the forkserver (and its preload)."""


class Runner:
    """Runs ``fn(arg)`` in a fresh warm process with a time limit.

    Parameters
    ----------
    workers : int
        Jobs allowed to run at once.
    timeout : float
        Seconds a job may run before it is killed.
    preload : list of str
        Modules the forkserver imports once (their import warms the caches).
    """

    def __init__(self, workers: int, timeout: float, preload: list[str] | None = None) -> None:
        self.workers = workers
        self.timeout = timeout
        self._ctx = multiprocessing.get_context("forkserver")
        # "__main__" too: otherwise every job re-imports the parent's main script (pytest,
        # a console script) before it starts; the forkserver imports it once instead
        self._ctx.set_forkserver_preload(["__main__", *(preload or [])])
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="xxgk-job")
        self._slots: asyncio.Semaphore | None = None

    def _wait(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        recv, send = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(target=_child, args=(send, fn, arg), daemon=True)
        proc.start()
        send.close()
        try:
            if recv.poll(self.timeout):
                out = recv.recv()
            else:
                out = (TIMEOUT, None)
        except (EOFError, OSError):  # the process died without answering (killed, out of memory)
            out = (CRASH, "the worker process exited without an answer")
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join()
            recv.close()
        if out[0] == CRASH:
            log.error("job %r failed:\n%s", arg, out[1])
        elif out[0] == TIMEOUT:
            log.warning("job %r killed after %.0f s", arg, self.timeout)
        return out

    async def run(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        """``fn(arg)``'s return value, or ``(TIMEOUT, None)`` / ``(CRASH, detail)``."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        async with self._slots:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._threads, self._wait, fn, arg)

    def start(self) -> None:
        """Start the forkserver now (it loads the libraries, a few seconds) instead of
        on the first upload."""
        proc = self._ctx.Process(target=_nothing, daemon=True)
        proc.start()
        proc.join()

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
