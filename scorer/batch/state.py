"""Rerun state in ``OUT/.xxgk/``: one JSON file per document, one for the sheets.

A document is skipped on a rerun when its fingerprint — input bytes, metadata
overrides, criteria set, engine version, formats — is unchanged and it did not hit
a time limit (that may have been the machine's fault).
"""
from __future__ import annotations

import errno
import hashlib
import json
import re
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

from scorer.batch.inputs import BatchItem, unreadable_reason
from scorer.batch.messages import SCORED, Outcome, Task
from scorer.errors import ScorerError
from scorer.render import MEMO_EXTENSIONS, write_atomic
from scorer.provenance import engine_version

__all__ = ["STATE_DIR", "BATCH_STATE", "LOCK_FILE", "file_sha256", "fingerprint", "load_state", "record",
           "batch_fingerprint", "save_batch_state", "write_problem", "open_output_folder", "identity_print",
           "known_identity"]

STATE_DIR = ".xxgk"
BATCH_STATE = "@sheets"  # not a possible document key: keys are file stems, '@' kept apart
LOCK_FILE = "lock"  # held (flock) for the whole run; not a state file: those end in .json

_ERRNO_WORDS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统只读",
    errno.EFBIG: "文件超过系统允许的大小",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EEXIST: "已有同名文件，不是文件夹",
    errno.ENOTDIR: "路径中有同名文件，不是文件夹",
}


def write_problem(exc: BaseException) -> str:
    """Why a write failed, in a few Chinese words (one line)."""
    if isinstance(exc, OSError):
        return _ERRNO_WORDS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    m = re.search(r"\bIO_(E[A-Z]+)\b", str(exc))  # lxml's serialiser names the errno so
    code = getattr(errno, m.group(1), None) if m else None
    if code in _ERRNO_WORDS:
        return _ERRNO_WORDS[code]
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def open_output_folder(out: Path) -> IO[Any] | None:
    """Create ``out`` and its state folder and lock it for this run.

    Returns the open lock file (closing it releases the lock); None where ``flock``
    does not exist.

    Raises
    ------
    ScorerError
        The folder cannot be written (one line: why and what to do), or another
        batch is writing into it.
    """
    state_dir = out / STATE_DIR
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        fh = open(state_dir / LOCK_FILE, "a+b")
    except OSError as exc:
        raise ScorerError(f"无法写入输出目录（{write_problem(exc)}），请检查权限和磁盘空间，或换一个输出目录",
                          path=str(out)) from None
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        fh.close()
        return None
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise ScorerError("输出目录正被另一个批量评分任务使用，请等它结束或换一个输出目录",
                          path=str(out)) from None
    return fh


def file_sha256(path: str) -> str | None:
    """The file's SHA-256, None when it cannot be read (it then fails in the worker)."""
    if unreadable_reason(path) is not None:  # a FIFO or a device would hang the parent
        return None
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def fingerprint(item: BatchItem, content: str | None, crit: str, formats: Sequence[str]) -> str:
    """What a document's outputs depend on; ``content`` is the input's SHA-256."""
    payload = json.dumps([item.path, content, list(item.overrides), crit, engine_version(), list(formats)],
                         ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def identity_print(task: Task) -> str | None:
    """What a document's agency key and year depend on: its path, bytes, metadata
    overrides and the engine (not the criteria or the formats)."""
    if task.sha256 is None:
        return None
    payload = json.dumps([task.path, task.sha256, list(task.overrides), engine_version()],
                         ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def known_identity(state: dict[str, Any] | None, task: Task) -> tuple[str | None, int | None] | None:
    """The (agency key, report year) the last run found for this very input, from its
    rerun state; None when it has to be read again."""
    if not state or state.get("status") != SCORED or "identity" not in state:
        return None
    ident = identity_print(task)
    if ident is None or state["identity"] != ident:
        return None
    return state.get("agency_key"), state.get("report_year")


def load_state(state_dir: Path, key: str) -> dict[str, Any] | None:
    """The recorded state of ``key``; None when absent or unreadable."""
    try:
        return json.loads((state_dir / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def record(out: Path, task: Task, res: Outcome) -> None:
    """Write one document's rerun state (after its outputs); a failure removes any
    stale memo of an earlier run, which must not contradict it. A transient failure
    (the output folder could not be written) leaves no state, so the next run
    tries again."""
    if res.transient:
        return
    key = task.key
    if res.status != SCORED:
        for ext in MEMO_EXTENSIONS.values():
            (out / f"{key}{ext}").unlink(missing_ok=True)
    state = {"fingerprint": task.fingerprint, "path": res.path, "status": res.status,
             "error": res.error, "timeout": res.timeout, "total": res.total,
             "outputs": list(res.outputs)}
    if res.record is not None:  # what decides whether history or an override calls for a rerun
        state.update({k: res.record.get(k) for k in ("agency_key", "report_year", "previous_sha", "overrides")})
        # the agency key and year hold for these bytes: the next run need not read them again to order a series
        state["identity"] = identity_print(task)
    write_atomic(out / STATE_DIR / f"{key}.json", json.dumps(state, ensure_ascii=False, sort_keys=True, indent=2))


def batch_fingerprint(rows: Iterable[tuple[str, str, str]], crit: str) -> str:
    """What the sheets depend on: (key, fingerprint, status) of every document, in
    order, and the criteria set. Hashed row by row: a batch of any size streams through."""
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(list(r), ensure_ascii=False).encode("utf-8") + b"\n")
    h.update(json.dumps(crit).encode("utf-8"))
    return h.hexdigest()


def save_batch_state(state_dir: Path, batch_fp: str) -> None:
    write_atomic(state_dir / f"{BATCH_STATE}.json", json.dumps({"fingerprint": batch_fp}, indent=2))
