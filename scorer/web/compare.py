"""What changed between two scored drafts of the same report: the total, the criteria
whose verdict changed, and the findings fixed or new. A diff of two results; it adds
no judgement of its own."""
from __future__ import annotations

from typing import Any, Mapping

from scorer.rules import rule_title
from scorer.words import SEVERITY_LABELS, VERDICT_LABELS

__all__ = ["compare_results"]


def _key(f: Mapping[str, Any]) -> tuple[str, str]:
    # the same rule at the same place is the same problem, even if its numbers moved
    return (f["id"], f.get("where") or "")


def _finding(f: Mapping[str, Any]) -> dict[str, str]:
    return {"id": f["id"], "title": rule_title(f["id"]),
            "severity": SEVERITY_LABELS.get(f["severity"], f["severity"]), "message": f["message"]}


def compare_results(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The changes from ``old`` to ``new`` (JSON-contract dicts of two results).

    Returns
    -------
    dict
        ``old_total``, ``new_total``, ``delta`` (None when either has no total),
        ``same_set`` (both scored against the same criteria set), ``verdicts``
        (``{"title", "old", "new", "points_delta"}`` per changed criterion), ``fixed``
        and ``new`` findings (``{"id", "title", "severity", "message"}``).
    """
    ot, nt = old.get("score", {}).get("total"), new.get("score", {}).get("total")
    delta = None if ot is None or nt is None else round(nt - ot, 1)
    old_c = {c["id"]: c for c in old.get("criteria", [])}
    verdicts = []
    for c in new.get("criteria", []):
        o = old_c.get(c["id"])
        if o is None or o["verdict"] == c["verdict"]:
            continue
        verdicts.append({"title": c["title"], "old": VERDICT_LABELS.get(o["verdict"], o["verdict"]),
                         "new": VERDICT_LABELS.get(c["verdict"], c["verdict"]),
                         "points_delta": round(c["points"] - o["points"], 2)})
    old_f = {_key(f): f for f in old.get("findings", [])}
    new_f = {_key(f): f for f in new.get("findings", [])}
    return {
        "old_total": ot,
        "new_total": nt,
        "delta": delta,
        "same_set": old.get("criteria_set") == new.get("criteria_set"),
        "verdicts": verdicts,
        "fixed": [_finding(f) for k, f in old_f.items() if k not in new_f],
        "new": [_finding(f) for k, f in new_f.items() if k not in old_f],
    }
