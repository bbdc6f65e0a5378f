"""Provenance of a result: which engine and which criteria produced it.

Reruns compare these to decide whether a stored result is still current.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from scorer.model import CriteriaSet

__all__ = ["engine_version", "criteria_fingerprint"]


@lru_cache(maxsize=1)
def engine_version() -> str:
    """The installed engine version (``xxgk-scorer`` metadata), else the source tree's.

    Cached: reading package metadata costs about a millisecond, paid once per
    document and once per batch input otherwise."""
    try:
        from importlib.metadata import version

        return version("xxgk-scorer")
    except Exception:  # not installed (running from a checkout)
        import scorer

        return str(getattr(scorer, "__version__", "0+unknown"))


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
