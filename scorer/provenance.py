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


def criteria_fingerprint(criteria_set: CriteriaSet) -> str:
    """A short hash of everything in a criteria set that can change a score.

    The frozen dataclasses hold only tuples and scalars, so ``repr`` is stable.
    """
    payload = repr((criteria_set.id, criteria_set.deadline, criteria_set.report_year, criteria_set.criteria))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
