"""Evaluators' overrides: a criterion's verdict changed, or a finding dismissed, with
a reason and a name.

An override names an agency (by its key, :func:`scorer.history.agency_key`), a report
year, optionally a criteria set, and its target: ``criterion:ID`` (a new verdict) or
``finding:RULE`` / ``finding:RULE@WHERE`` (a finding that costs nothing). It keeps the
hash of the evidence it was based on (:func:`evidence_hash`: the criterion's quotes
and the findings charged to it, or the dismissed finding); when a rerun finds other
evidence the override is not applied but flagged ``needs_review`` (证据已变化，需复核).

Overrides live in the results store (``xxgk override add``, with an audit trail) or a
YAML file the evaluator keeps in version control (``--overrides FILE``)::

    overrides:
      - agency: 平潭综合实验区市场监督管理局
        year: 2024
        criterion: open_day
        verdict: met
        reason: 开放日见报告附件照片
        by: 张三
        at: 2026-12-02T10:00:00Z
        evidence_hash: 3f2a…

The arithmetic of a changed verdict is score.py's (:func:`scorer.score.credit_for`,
:func:`scorer.score.totals`, half-up rounding).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from scorer.errors import ScorerError
from scorer.model import CriteriaSet, Finding, Result

__all__ = ["Override", "VERDICT_CHOICES", "evidence_hash", "finding_hash", "for_document", "dismiss_findings",
           "apply_verdicts", "overrides_digest", "dismissal_hash", "new_override", "read_overrides", "write_overrides", "from_mapping", "NEEDS_REVIEW_TEXT"]

VERDICT_CHOICES: tuple[str, ...] = ("met", "partial", "not_met")

#: What the memo says of an override whose evidence changed since it was made.
NEEDS_REVIEW_TEXT = "证据已变化，需复核"


@dataclass(frozen=True)
class Override:
    """One evaluator's decision. ``target`` is ``criterion:ID`` or ``finding:RULE[@WHERE]``."""

    agency_key: str
    year: int
    target: str
    reason: str
    by: str
    at: str = ""
    verdict: str | None = None  # for criterion targets
    evidence_hash: str | None = None
    criteria_set: str | None = None  # None: any set
    agency: str | None = None  # the name as the evaluator wrote it, for people

    @property
    def kind(self) -> str:
        return self.target.split(":", 1)[0]

    @property
    def ref(self) -> str:
        return self.target.split(":", 1)[1] if ":" in self.target else self.target

    def to_mapping(self) -> dict[str, Any]:
        d: dict[str, Any] = {"agency": self.agency or self.agency_key, "year": self.year}
        if self.agency and self.agency_key != self.agency:
            d["agency_key"] = self.agency_key
        if self.criteria_set:
            d["criteria_set"] = self.criteria_set
        d[self.kind] = self.ref
        if self.verdict:
            d["verdict"] = self.verdict
        d.update(reason=self.reason, by=self.by, at=self.at)
        if self.evidence_hash:
            d["evidence_hash"] = self.evidence_hash
        return d


def _bad(path: str | None, message: str) -> ScorerError:
    return ScorerError(message, path=path)


def from_mapping(m: Mapping[str, Any], path: str | None = None, n: int | None = None) -> Override:
    """An :class:`Override` from a YAML item or a store row.

    Raises
    ------
    ScorerError
        A missing or wrong field (one line, naming the item).
    """
    from scorer.history import agency_key

    where = f"第{n}条调整" if n else "调整"
    key = m.get("agency_key") or agency_key(m.get("agency"))
    if not key:
        raise _bad(path, f"{where}缺少 agency（机构名称），请补上")
    try:
        year = int(m.get("year") if m.get("year") is not None else m.get("report_year"))
    except (TypeError, ValueError):
        raise _bad(path, f"{where}的 year 应为年度数字，例如 2024") from None
    target = m.get("target")
    if not target:
        if m.get("criterion"):
            target = f"criterion:{m['criterion']}"
        elif m.get("finding"):
            target = f"finding:{m['finding']}"
        else:
            raise _bad(path, f"{where}需要 criterion（指标编号）或 finding（问题编号）")
    verdict = m.get("verdict")
    if target.startswith("criterion:") and verdict not in VERDICT_CHOICES:
        raise _bad(path, f"{where}的 verdict 应为 met、partial 或 not_met")
    for name in ("reason", "by"):
        if not str(m.get(name) or "").strip():
            raise _bad(path, f"{where}缺少 {name}（{'理由' if name == 'reason' else '调整人'}），请补上")
    return Override(agency_key=key, year=year, target=str(target), reason=str(m["reason"]).strip(),
                    by=str(m["by"]).strip(), at=str(m.get("at") or ""), verdict=verdict,
                    evidence_hash=m.get("evidence_hash") or None, criteria_set=m.get("criteria_set") or None,
                    agency=m.get("agency"))


def read_overrides(path: str | os.PathLike[str]) -> tuple[Override, ...]:
    """The overrides of a YAML file (``overrides:`` list); a missing file has none.

    Raises
    ------
    ScorerError
        The file is not valid YAML or an item is incomplete.
    """
    import yaml

    p = Path(path)
    if not p.exists():
        return ()
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        at = f"第{line + 1}行" if line is not None else ""
        raise _bad(str(p), f"调整文件{at}无法读取（{type(exc).__name__}），请检查 YAML 格式") from None
    items = data.get("overrides") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise _bad(str(p), "调整文件应为 overrides: 列表（见 xxgk override --help）")
    return tuple(from_mapping(m if isinstance(m, dict) else {}, str(p), i) for i, m in enumerate(items, 1))


def write_overrides(path: str | os.PathLike[str], overrides: Iterable[Override]) -> None:
    """Write ``overrides`` to a YAML file, sorted, whole or not at all."""
    import tempfile

    import yaml

    items = sorted(overrides, key=lambda o: (o.agency_key, o.year, o.criteria_set or "", o.target))
    text = yaml.safe_dump({"overrides": [o.to_mapping() for o in items]}, allow_unicode=True, sort_keys=False)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:32]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def for_document(overrides: Iterable[Override], key: str | None, year: int | None,
                 criteria_set: str) -> tuple[Override, ...]:
    """The overrides of one document (the last one wins for a target)."""
    if not key or year is None:
        return ()
    mine: dict[str, Override] = {}
    for o in overrides:
        if o.agency_key == key and o.year == year and o.criteria_set in (None, criteria_set):
            mine[o.target] = o
    return tuple(mine[t] for t in sorted(mine))


def overrides_digest(overrides: Sequence[Override]) -> str | None:
    """A short hash of a document's overrides (None when it has none): a rerun redoes
    a document whose overrides changed."""
    return _digest([o.to_mapping() for o in overrides]) if overrides else None


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def finding_hash(f: Mapping[str, Any]) -> str:
    """Hash of a finding as it reads (id, place, message)."""
    return _digest([f.get("id"), f.get("where"), f.get("message")])


def evidence_hash(criterion: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> str:
    """Hash of what a criterion's verdict rests on: its quotes and the findings charged to it."""
    ids = set(criterion.get("findings") or [])
    quotes = sorted(e.get("quote", "") for e in criterion.get("evidence") or [])
    charged = sorted([f.get("id"), f.get("where"), f.get("message")] for f in findings if f.get("id") in ids)
    return _digest([criterion.get("id"), quotes, charged])


def _matches(f: Finding, ref: str) -> bool:
    rule, _, where = ref.partition("@")
    return f.id == rule and (not where or f.where == where)


def dismiss_findings(findings: Sequence[Finding], overrides: Sequence[Override],
                     cs: CriteriaSet) -> tuple[list[Finding], tuple[dict[str, Any], ...]]:
    """Remove dismissed findings (they cost nothing). Returns the findings that stay
    and a record of each dismissal (``needs_review`` when the finding changed or is
    gone: then nothing is removed)."""
    keep = list(findings)
    records = []
    for o in overrides:
        if o.kind != "finding":
            continue
        hits = [f for f in keep if _matches(f, o.ref)]
        now = _digest(sorted(finding_hash(f.to_dict()) for f in hits)) if hits else None
        stale = not hits or (o.evidence_hash is not None and o.evidence_hash != now)
        if not stale:
            keep = [f for f in keep if not _matches(f, o.ref)]
        rule = o.ref.partition("@")[0]
        records.append({
            "finding": o.ref, "reason": o.reason, "by": o.by, "at": o.at, "needs_review": stale,
            "messages": [f.message for f in hits],
            "criteria": [c.id for c in cs.criteria if rule in c.rules],
        })
    return keep, tuple(records)


def dismissal_hash(findings: Sequence[Mapping[str, Any]], ref: str) -> str | None:
    """The evidence hash of dismissing ``ref`` among ``findings`` (JSON dicts); None when no finding matches."""
    rule, _, where = ref.partition("@")
    hits = [f for f in findings if f.get("id") == rule and (not where or f.get("where") == where)]
    return _digest(sorted(finding_hash(f) for f in hits)) if hits else None


def apply_verdicts(result: Result, cs: CriteriaSet, overrides: Sequence[Override]) -> Result:
    """``result`` with the evaluators' verdicts in place of the engine's and the score
    recomputed; each changed criterion carries ``override`` (verdict, reason, by, at,
    engine_verdict, needs_review). An override whose evidence changed is shown but
    not applied."""
    from scorer.score import credit_for, round_half_up, totals

    by_id = {o.ref: o for o in overrides if o.kind == "criterion"}
    if not by_id:
        return result
    finding_dicts = [f.to_dict() for f in result.findings]
    rows = []
    for r in result.criteria:
        o = by_id.get(r.id)
        c = cs.get(r.id)
        if o is None or c is None:
            rows.append(r)
            continue
        stale = o.evidence_hash is not None and o.evidence_hash != evidence_hash(r.to_dict(), finding_dicts)
        info = {"verdict": o.verdict, "reason": o.reason, "by": o.by, "at": o.at, "engine_verdict": r.verdict,
                "engine_points": r.points, "needs_review": stale}
        if stale:
            rows.append(replace(r, override=info))
            continue
        base = r.assessable_weight if r.verdict != "not_assessable" and r.assessable_weight else c.weight
        credit = credit_for(o.verdict or "not_met", c.partial_credit)
        rows.append(replace(r, verdict=o.verdict or r.verdict, credit=credit,
                            points=round_half_up(base * credit, 2), assessable_weight=base, override=info))
    score = totals([(r.id, r.verdict, r.points, r.assessable_weight) for r in rows])
    return replace(result, criteria=tuple(rows), score=score)


def new_override(result: Mapping[str, Any], *, agency: str, year: int, reason: str, by: str,
                 criterion: str | None = None, finding: str | None = None, verdict: str | None = None,
                 at: str | None = None, agency_key: str | None = None) -> Override:
    """An override of a stored result (its JSON), with the hash of the evidence it is based on.

    Raises
    ------
    ScorerError
        The criterion or finding is not in the result, or a field is missing.
    """
    import datetime as _dt

    when = at or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if criterion is not None:
        crit = next((c for c in result.get("criteria") or [] if c["id"] == criterion), None)
        if crit is None:
            ids = "、".join(c["id"] for c in result.get("criteria") or [])
            raise ScorerError(f"评分结果中没有指标 {criterion}；可用的指标：{ids}")
        digest: str | None = evidence_hash(crit, result.get("findings") or [])
        target = f"criterion:{criterion}"
    elif finding is not None:
        digest = dismissal_hash(result.get("findings") or [], finding)
        if digest is None:
            shown = "、".join(sorted({f"{f['id']}@{f['where']}" for f in result.get("findings") or []})) or "无"
            raise ScorerError(f"评分结果中没有问题 {finding}；现有的问题：{shown}")
        target = f"finding:{finding}"
    else:
        raise ScorerError("需要 --criterion（改结论）或 --finding（撤销问题）")
    return from_mapping({"agency": agency, "agency_key": agency_key, "year": year, "target": target,
                         "verdict": verdict, "reason": reason, "by": by, "at": when, "evidence_hash": digest,
                         "criteria_set": result.get("criteria_set")})
