"""The documents of a batch: files, folders (searched recursively) or a manifest, each
with its output base name (key) and metadata overrides, sorted by path."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from scorer.batch.manifest import MANIFEST_FIELDS, read_manifest
from scorer.render import MEMO_EXTENSIONS

__all__ = ["BATCH_EXTENSIONS", "BatchItem", "collect_inputs", "walk_inputs", "output_keys", "unreadable_reason",
           "NO_SUCH_FILE"]

BATCH_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
NO_SUCH_FILE = "文件不存在"
# longest output base name: a file name has at most 255 bytes, extension included
MAX_KEY_BYTES = 255 - max(len(ext.encode("utf-8")) for ext in MEMO_EXTENSIONS.values())


@dataclass(frozen=True)
class BatchItem:
    """One document to score: its path, output base name and metadata overrides."""

    path: str
    key: str
    overrides: tuple[tuple[str, Any], ...] = ()


def unreadable_reason(path: str) -> str | None:
    """Why ``path`` is not a file to read, found by ``stat`` alone; None for a regular
    file. Never opens it: reading a FIFO blocks for ever, a device such as /dev/zero
    never ends."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return NO_SUCH_FILE
    except (OSError, ValueError) as exc:
        return f"无法访问文件（{getattr(exc, 'strerror', None) or exc}）"
    if stat.S_ISDIR(st.st_mode):
        return "是文件夹，不是文件"
    if not stat.S_ISREG(st.st_mode):
        return "不是普通文件（管道、设备或套接字），未读取"
    return None


def walk_inputs(root: Path, exclude: Path | None) -> list[Path]:
    """Files with a batch extension under ``root``, skipping hidden files and folders,
    Office lock files and the folder ``exclude``."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        # never read our own outputs back as inputs, nor hidden folders
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and (exclude is None or (here / d).resolve() != exclude))
        for name in filenames:
            if name.startswith((".", "~$")):
                continue
            if Path(name).suffix.lower() in BATCH_EXTENSIONS:
                found.append(here / name)
    return found


def _fit(key: str) -> str:
    """The key, cut to a hash-tagged prefix when ``key`` plus the longest output
    extension would pass the 255-byte limit of a file name."""
    if len(key.encode("utf-8")) <= MAX_KEY_BYTES:
        return key
    tag = "_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    head = key.encode("utf-8")[:MAX_KEY_BYTES - len(tag)].decode("utf-8", "ignore")
    return head + tag


def output_keys(paths: Sequence[Path]) -> list[str]:
    """Output base names: the file stem, or the relative path when stems collide."""
    stems = [p.stem for p in paths]
    dup = {s for s in stems if stems.count(s) > 1}
    if not dup:
        return [_fit(s) for s in stems]
    root = Path(os.path.commonpath([str(p.resolve().parent) for p in paths]))
    out = []
    for p, s in zip(paths, stems):
        if s in dup:
            rel = p.resolve().relative_to(root)
            out.append("__".join(rel.with_suffix("").parts) + "_" + p.suffix.lstrip(".").lower())
        else:
            out.append(s)
    return [_fit(k) for k in out]


def collect_inputs(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    manifest: str | os.PathLike[str] | None = None,
    exclude: str | os.PathLike[str] | None = None,
) -> list[BatchItem]:
    """The documents of a batch, sorted by path.

    Parameters
    ----------
    inputs : path or iterable of paths
        Files, directories (recursive) or a single ``.csv`` manifest.
    manifest : path, optional
        A manifest CSV (same as passing it as the only input).
    exclude : path, optional
        A directory never searched (the output directory).

    Returns
    -------
    list of BatchItem

    Raises
    ------
    ManifestError
        The manifest is invalid.
    FileNotFoundError
        An input path does not exist.
    """
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    paths = [Path(p) for p in items]
    if manifest is None and len(paths) == 1 and paths[0].suffix.lower() == ".csv" and paths[0].is_file():
        manifest, paths = paths[0], []
    excl = Path(exclude).resolve() if exclude else None
    found: dict[str, tuple[Path, tuple[tuple[str, Any], ...]]] = {}
    if manifest is not None:
        mpath = Path(manifest)
        df = read_manifest(mpath)
        for _, row in df.iterrows():
            over = {k: (None if pd.isna(row.get(k)) else row.get(k)) for k in MANIFEST_FIELDS if k in row}
            over = {k: (int(v) if k == "report_year" and v is not None else v) for k, v in over.items()
                    if v is not None}
            p = mpath.parent / str(row["file"])
            found[str(p)] = (p, tuple(sorted(over.items())))
    for p in paths:
        if p.is_dir():
            for f in walk_inputs(p, excl):
                found.setdefault(str(f), (f, ()))
        elif p.exists():
            found.setdefault(str(p), (p, ()))
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    ordered = sorted(found.values(), key=lambda t: str(t[0]))
    keys = output_keys([p for p, _ in ordered])
    return [BatchItem(str(p), k, over) for (p, over), k in zip(ordered, keys)]
