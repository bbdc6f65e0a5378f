"""Provenance of a result: which engine and which criteria produced it.

Reruns compare these to decide whether a stored result is still current.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from scorer.model import CriteriaSet

__all__ = ["engine_version", "build_digest", "tree_digest", "criteria_fingerprint"]


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The engine version and a digest of the code and data that make results
    (``0.1.0+3f2a9c41d0e7``).

    Reruns skip a document whose input, criteria and engine version are unchanged, so
    the version must change with every change of the engine, not only with a release:
    an evaluator who updates the engine and runs a batch again gets every document
    redone. Cached: computed once per process (about 20 ms)."""
    try:
        from importlib.metadata import version

        base = version("xxgk-scorer")
    except Exception:  # not installed (running from a checkout)
        import scorer

        base = str(getattr(scorer, "__version__", "0+unknown"))
    return f"{base}+{build_digest()}"


@lru_cache(maxsize=1)
def build_digest() -> str:
    """SHA-256 (12 hex digits) of every file of the installed ``scorer`` package (code,
    criteria, model, dictionary): :func:`tree_digest` of its directory."""
    from pathlib import Path

    import scorer

    return tree_digest(Path(scorer.__file__).resolve().parent)


def tree_digest(root: "os.PathLike[str] | str") -> str:
    """SHA-256 (12 hex digits) of the files under ``root`` by relative path and bytes;
    compiled caches (``__pycache__``, ``.pyc``) left out."""
    from pathlib import Path

    root = Path(root)
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def criteria_fingerprint(criteria_set: CriteriaSet | str) -> str:
    """A short hash of everything in a criteria set that can change a score.

    The frozen dataclasses hold only tuples and scalars, so ``repr`` is stable. A
    text (a family by year, ``pingtan-{year}``, or any other key) hashes as itself
    plus every shipped set of the family.
    """
    if isinstance(criteria_set, str):
        from scorer.criteria import list_criteria

        prefix, _, suffix = criteria_set.partition("{year}")
        family = [criteria_fingerprint(cs) for cs in list_criteria()
                  if "{year}" in criteria_set and cs.id.startswith(prefix) and cs.id.endswith(suffix)]
        return hashlib.sha256(repr((criteria_set, family)).encode("utf-8")).hexdigest()[:16]
    payload = repr((criteria_set.id, criteria_set.deadline, criteria_set.report_year, criteria_set.criteria,
                    criteria_set.jurisdiction, criteria_set.table_formats, criteria_set.deadlines,
                    criteria_set.severity_factors))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
