"""Rerun state in ``OUT/.xxgk/``: one JSON file per document, one for the sheets.

A document is skipped on a rerun when its fingerprint — input bytes, metadata
overrides, criteria set, engine version, formats — is unchanged and it did not hit
a time limit (that may have been the machine's fault).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

from scorer.batch.inputs import BatchItem
from scorer.batch.messages import SCORED, Outcome, Task
from scorer.render import MEMO_EXTENSIONS, write_atomic
from scorer.score import engine_version

__all__ = ["STATE_DIR", "BATCH_STATE", "file_sha256", "fingerprint", "load_state", "record",
           "batch_fingerprint", "save_batch_state"]

STATE_DIR = ".xxgk"
BATCH_STATE = "@sheets"  # not a possible document key: keys are file stems, '@' kept apart


def file_sha256(path: str) -> str | None:
    """The file's SHA-256, None when it cannot be read (it then fails in the worker)."""
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


def load_state(state_dir: Path, key: str) -> dict[str, Any] | None:
    """The recorded state of ``key``; None when absent or unreadable."""
    try:
        return json.loads((state_dir / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def record(out: Path, task: Task, res: Outcome) -> None:
    """Write one document's rerun state (after its outputs); a failure removes any
    stale memo of an earlier run, which must not contradict it."""
    key = task.key
    if res.status != SCORED:
        for ext in MEMO_EXTENSIONS.values():
            (out / f"{key}{ext}").unlink(missing_ok=True)
    state = {"fingerprint": task.fingerprint, "path": res.path, "status": res.status,
             "error": res.error, "timeout": res.timeout, "total": res.total,
             "outputs": list(res.outputs)}
    write_atomic(out / STATE_DIR / f"{key}.json", json.dumps(state, ensure_ascii=False, sort_keys=True, indent=2))


def batch_fingerprint(rows: Sequence[tuple[str, str, str]], crit: str) -> str:
    """What the sheets depend on: (key, fingerprint, status) of every document, in
    order, and the criteria set."""
    return hashlib.sha256(json.dumps([list(r) for r in rows] + [crit], sort_keys=True).encode()).hexdigest()


def save_batch_state(state_dir: Path, batch_fp: str) -> None:
    write_atomic(state_dir / f"{BATCH_STATE}.json", json.dumps({"fingerprint": batch_fp}, indent=2))
