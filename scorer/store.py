"""The results store: every scored result of an evaluator's work, year after year.

One SQLite file (stdlib ``sqlite3``, WAL so that batch workers can read while the
parent writes). It holds

- ``results``: one row per scored document and criteria set (upsert by source
  SHA-256 + criteria set + engine version) with the agency, its normalised key
  (:func:`scorer.history.agency_key`), the report year, the source path, the engine
  version, the criteria set's fingerprint, a hash of the rule code, the full JSON and,
  compressed, what next year's checks need (the tables and the section texts);
- ``overrides``: an evaluator's changes of a verdict, or dismissals of a finding,
  with reason, name, time and the hash of the evidence they were based on;
- ``audit``: every change of an override (who, when, what, why), never deleted.

Only one process writes (the batch parent, or ``xxgk override``); workers return
their results and read previous years' reports read-only.

The batch sheets are drawn from here (:meth:`Store.latest`: the latest result per
agency key + report year + criteria set), so a second batch into the same store
extends the picture rather than replacing it.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from scorer.errors import ScorerError

__all__ = ["Store", "STORE_NAME", "rule_code_hash", "pack", "unpack", "history_payload", "open_store", "previous_from",
           "packed_record"]

#: The store's file name inside a batch output folder (``--store`` names another).
STORE_NAME = "results.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    seq INTEGER NOT NULL,
    source_sha256 TEXT NOT NULL,
    criteria_set TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    criteria_fingerprint TEXT NOT NULL,
    rule_hash TEXT NOT NULL,
    source_path TEXT,
    agency TEXT,
    agency_key TEXT,
    report_year INTEGER,
    total REAL,
    previous_total REAL,
    result BLOB NOT NULL,
    history BLOB,
    scored_at TEXT NOT NULL,
    batch TEXT,
    PRIMARY KEY (source_sha256, criteria_set, engine_version)
);
CREATE INDEX IF NOT EXISTS results_agency ON results (agency_key, report_year, criteria_set);
CREATE INDEX IF NOT EXISTS results_seq ON results (seq);
CREATE TABLE IF NOT EXISTS overrides (
    agency_key TEXT NOT NULL,
    report_year INTEGER NOT NULL,
    target TEXT NOT NULL,
    criteria_set TEXT NOT NULL DEFAULT '',
    verdict TEXT,
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    evidence_hash TEXT,
    agency TEXT,
    PRIMARY KEY (agency_key, report_year, target, criteria_set)
);
CREATE TABLE IF NOT EXISTS audit (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    agency_key TEXT NOT NULL,
    report_year INTEGER NOT NULL,
    target TEXT NOT NULL,
    criteria_set TEXT NOT NULL DEFAULT '',
    verdict TEXT,
    reason TEXT,
    evidence_hash TEXT
);
"""

#: The modules whose code decides a verdict: a result made by other code is told
#: apart by this hash even when the version number did not move.
_RULE_MODULES = ("rules.py", "score.py", "validate.py", "outline.py", "tables/arithmetic.py")


@lru_cache(maxsize=1)
def rule_code_hash() -> str:
    """SHA-256 (16 hex digits) of the source of the modules that make verdicts."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for name in _RULE_MODULES:
        try:
            h.update((root / name).read_bytes())
        except OSError:  # an installation without sources: the version still tells
            h.update(name.encode())
    return h.hexdigest()[:16]


def pack(data: Any) -> bytes:
    """JSON, zlib-compressed (results are mostly repeated Chinese text)."""
    return zlib.compress(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"), 6)


def unpack(blob: bytes | None) -> Any:
    return None if blob is None else json.loads(zlib.decompress(blob).decode("utf-8"))


def history_payload(tables: Mapping[str, Any] | None, sections: Mapping[str, str],
                    format_version: str | None) -> dict[str, Any]:
    """What next year's checks read of this report: its tables, their format and the section texts."""
    return {"tables": dict(tables or {}), "sections": dict(sections), "format_version": format_version}


def packed_record(result: Mapping[str, Any], history: Mapping[str, Any] | None) -> dict[str, Any]:
    """What :meth:`Store.put_record` stores of one result: its columns and the packed
    JSON and history. Made where the result is (a batch worker), so the writer only
    inserts bytes."""
    doc = result.get("document") or {}
    prev = (result.get("history") or {}).get("previous") or {}
    return {"criteria_set": result.get("criteria_set") or "", "engine_version": result.get("engine_version") or "",
            "source_path": doc.get("path"), "agency": doc.get("agency"), "report_year": doc.get("report_year"),
            "total": (result.get("score") or {}).get("total"), "previous_total": prev.get("total"),
            "result_blob": pack(result), "history_blob": None if history is None else pack(history)}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _problem(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class Store:
    """A results store (see the module docstring).

    Parameters
    ----------
    path : path
        The SQLite file; created with its tables when absent (unless ``readonly``).
    readonly : bool
        Open for reading only (batch workers); a missing file is an empty store.
    """

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._db: sqlite3.Connection | None = None
        try:
            if str(path) == ":memory:":  # a batch whose output folder cannot hold the store
                self._db = sqlite3.connect(":memory:")
                self._db.executescript(_SCHEMA)
            elif readonly:
                if self.path.is_file():
                    self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, a commit per result stays cheap
                self._db.executescript(_SCHEMA)
                self._db.commit()
        except sqlite3.Error as exc:
            raise ScorerError(f"无法打开结果库（{_problem(exc)}），请检查文件或换一个 --store 路径",
                              path=str(self.path)) from None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        if self._db is None:
            return []
        self._db.row_factory = sqlite3.Row
        try:
            return list(self._db.execute(sql, tuple(args)))
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # a read-only view of a store not made yet
                return []
            raise

    # ------------------------------------------------------------------ results

    def put(self, result: Mapping[str, Any], *, source_sha256: str, criteria_fingerprint: str,
            agency_key: str | None, history: Mapping[str, Any] | None = None, batch: str | None = None) -> None:
        """Add (or replace) one scored result."""
        self.put_record(packed_record(result, history), source_sha256=source_sha256,
                        criteria_fingerprint=criteria_fingerprint, agency_key=agency_key, batch=batch)

    def put_record(self, rec: Mapping[str, Any], *, source_sha256: str, criteria_fingerprint: str,
                   agency_key: str | None, batch: str | None = None, commit: bool = True) -> None:
        """Add (or replace) one result given as :func:`packed_record`. With
        ``commit=False`` it waits for :meth:`commit` (readers do not see it before)."""
        assert self._db is not None and not self.readonly
        seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM results").fetchone()[0]
        self._db.execute(
            "INSERT INTO results (seq, source_sha256, criteria_set, engine_version, criteria_fingerprint, rule_hash,"
            " source_path, agency, agency_key, report_year, total, previous_total, result, history, scored_at, batch)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (source_sha256, criteria_set, engine_version) DO UPDATE SET seq=excluded.seq,"
            " criteria_fingerprint=excluded.criteria_fingerprint, rule_hash=excluded.rule_hash,"
            " source_path=excluded.source_path, agency=excluded.agency, agency_key=excluded.agency_key,"
            " report_year=excluded.report_year, total=excluded.total, previous_total=excluded.previous_total,"
            " result=excluded.result, history=excluded.history, scored_at=excluded.scored_at, batch=excluded.batch",
            (seq, source_sha256, rec["criteria_set"], rec["engine_version"], criteria_fingerprint, rule_code_hash(),
             rec["source_path"], rec["agency"], agency_key, rec["report_year"], rec["total"], rec["previous_total"],
             rec["result_blob"], rec["history_blob"], _now(), batch),
        )
        if commit:
            self._db.commit()

    def commit(self) -> None:
        if self._db is not None and not self.readonly:
            self._db.commit()

    def has(self, source_sha256: str, criteria_set: str, engine_version: str) -> bool:
        return bool(self._rows("SELECT 1 FROM results WHERE source_sha256=? AND criteria_set=? AND engine_version=?",
                               (source_sha256, criteria_set, engine_version)))

    _LATEST = ("FROM results r WHERE criteria_set=? AND seq = (SELECT MAX(seq) FROM results s"
               " WHERE s.criteria_set = r.criteria_set AND ((r.agency_key IS NOT NULL AND r.report_year IS NOT NULL"
               " AND s.agency_key = r.agency_key AND s.report_year = r.report_year) OR"
               " ((r.agency_key IS NULL OR r.report_year IS NULL) AND s.source_sha256 = r.source_sha256)))")

    def latest(self, criteria_set: str, chunk: int = 200) -> Iterator[dict[str, Any]]:
        """The latest result of every agency key + report year of ``criteria_set``
        (documents with no agency or year stand alone), ordered by source path.
        Read ``chunk`` rows at a time: a batch of any size passes through in little
        memory."""
        for _, result in self.latest_keyed(criteria_set, chunk):
            yield result

    def latest_keyed(self, criteria_set: str, chunk: int = 200) -> Iterator[tuple[str | None, dict[str, Any]]]:
        """:meth:`latest` with the agency key each result is filed under (the
        manifest's ``agency_key`` where it gave one, else the printed name's)."""
        if self._db is None:
            return
        # the order first (small rows), then the results a chunk at a time: a sort
        # over the result blobs themselves would hold them all
        rows = [(r[0], r[1]) for r in self._db.execute(f"SELECT seq, agency_key {self._LATEST} ORDER BY source_path, seq",
                                                       (criteria_set,))] if self._has_results() else []
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            blobs = dict(self._db.execute(
                f"SELECT seq, result FROM results WHERE seq IN ({','.join('?' * len(part))})", [q for q, _ in part]))
            for q, key in part:
                yield key, unpack(blobs[q])

    def count_latest(self, criteria_set: str) -> int:
        """How many results :meth:`latest` gives."""
        if self._db is None or not self._has_results():
            return 0
        return int(self._db.execute(f"SELECT COUNT(*) {self._LATEST}", (criteria_set,)).fetchone()[0])

    def _has_results(self) -> bool:
        return bool(self._rows("SELECT name FROM sqlite_master WHERE type='table' AND name='results'"))

    def result_for(self, agency_key: str, report_year: int, criteria_set: str) -> dict[str, Any] | None:
        """The latest result of one agency and year, or None."""
        rows = self._rows("SELECT result FROM results WHERE agency_key=? AND report_year=? AND criteria_set=?"
                          " ORDER BY seq DESC LIMIT 1", (agency_key, report_year, criteria_set))
        return unpack(rows[0]["result"]) if rows else None

    def previous(self, agency_key: str, report_year: int, criteria_set: str,
                 exclude_batch: str | None = None) -> dict[str, Any] | None:
        """What history needs of the agency's report of ``report_year`` (the latest
        one stored, any criteria set, preferring ``criteria_set``): ``agency``,
        ``report_year``, ``source``, ``sha256``, ``tables``, ``sections`` and the
        result (for the trend, when scored with ``criteria_set``); None when absent.
        Results of the batch ``exclude_batch`` are not seen (its first wave must not
        depend on which of its documents happened to finish first)."""
        rows = self._rows(
            "SELECT * FROM results WHERE agency_key=? AND report_year=? AND history IS NOT NULL"
            " AND COALESCE(batch, '') != ? ORDER BY criteria_set = ? DESC, seq DESC LIMIT 1",
            (agency_key, report_year, exclude_batch or "\0", criteria_set))
        if not rows:
            return None
        r = rows[0]
        hist = unpack(r["history"]) or {}
        return {"agency": r["agency"], "report_year": r["report_year"], "source": r["source_path"],
                "sha256": r["source_sha256"], "tables": hist.get("tables") or {},
                "sections": hist.get("sections") or {}, "format_version": hist.get("format_version"),
                "result": unpack(r["result"]) if r["criteria_set"] == criteria_set else None}

    def previous_report(self, agency_key: str | None, report_year: int | None, criteria_set: str,
                        exclude_batch: str | None = None) -> Any:
        """:meth:`previous` of the year before ``report_year`` as a
        :class:`scorer.history.PreviousReport`, or None."""
        if not agency_key or report_year is None:
            return None
        p = self.previous(agency_key, report_year - 1, criteria_set, exclude_batch)
        if p is None:
            return None
        from scorer.history import PreviousReport

        return PreviousReport(agency=p["agency"], report_year=p["report_year"], tables=p["tables"],
                              sections=p["sections"], source=p["source"], format_version=p["format_version"],
                              sha256=p["sha256"], result=p["result"])

    def previous_sha(self, agency_key: str | None, report_year: int | None, criteria_set: str) -> str | None:
        """SHA-256 of the source of the year-before report :meth:`previous_report` would give."""
        if not agency_key or report_year is None:
            return None
        rows = self._rows(
            "SELECT source_sha256 FROM results WHERE agency_key=? AND report_year=? AND history IS NOT NULL"
            " ORDER BY criteria_set = ? DESC, seq DESC LIMIT 1", (agency_key, report_year - 1, criteria_set))
        return rows[0]["source_sha256"] if rows else None

    def state(self) -> str:
        """A short fingerprint of what the store holds (rows and their latest change)."""
        rows = self._rows("SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS m FROM results")
        over = self._rows("SELECT COUNT(*) AS n, COALESCE(MAX(n), 0) AS m FROM audit")
        parts = [rows[0]["n"], rows[0]["m"]] if rows else [0, 0]
        parts += [over[0]["n"], over[0]["m"]] if over else [0, 0]
        return "-".join(str(p) for p in parts)

    # ------------------------------------------------------------------ overrides

    def add_override(self, o: Mapping[str, Any], action: str = "add") -> None:
        """Record an override (replacing one on the same target) and its audit line."""
        assert self._db is not None and not self.readonly
        cs = o.get("criteria_set") or ""
        self._db.execute(
            "INSERT OR REPLACE INTO overrides (agency_key, report_year, target, criteria_set, verdict, reason, by, at,"
            " evidence_hash, agency) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (o["agency_key"], int(o["year"]), o["target"], cs, o.get("verdict"), o["reason"], o["by"], o["at"],
             o.get("evidence_hash"), o.get("agency")))
        self._audit(action, o)
        self._db.commit()

    def remove_override(self, agency_key: str, year: int, target: str, criteria_set: str, by: str,
                        reason: str) -> bool:
        """Withdraw an override; the audit keeps it. False when there was none."""
        assert self._db is not None and not self.readonly
        cur = self._db.execute("DELETE FROM overrides WHERE agency_key=? AND report_year=? AND target=?"
                               " AND criteria_set=?", (agency_key, year, target, criteria_set or ""))
        if cur.rowcount:
            self._audit("remove", {"agency_key": agency_key, "year": year, "target": target,
                                   "criteria_set": criteria_set, "by": by, "reason": reason, "at": _now()})
        self._db.commit()
        return bool(cur.rowcount)

    def _audit(self, action: str, o: Mapping[str, Any]) -> None:
        assert self._db is not None
        self._db.execute(
            "INSERT INTO audit (at, by, action, agency_key, report_year, target, criteria_set, verdict, reason,"
            " evidence_hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (o.get("at") or _now(), o["by"], action, o["agency_key"], int(o["year"]), o["target"],
             o.get("criteria_set") or "", o.get("verdict"), o.get("reason"), o.get("evidence_hash")))

    def overrides(self) -> list[dict[str, Any]]:
        """Every current override, as the dicts :mod:`scorer.overrides` reads."""
        return [{"agency_key": r["agency_key"], "year": r["report_year"], "target": r["target"],
                 "criteria_set": r["criteria_set"] or None, "verdict": r["verdict"], "reason": r["reason"],
                 "by": r["by"], "at": r["at"], "evidence_hash": r["evidence_hash"], "agency": r["agency"]}
                for r in self._rows("SELECT * FROM overrides ORDER BY agency_key, report_year, target")]

    def audit(self) -> list[dict[str, Any]]:
        """The audit trail, oldest first."""
        return [dict(r) for r in self._rows("SELECT * FROM audit ORDER BY n")]


def previous_from(path: str | os.PathLike[str] | None, document: Any, criteria_set: str,
                  options: Any = None) -> Any:
    """Last year's report of ``document``'s agency from the store at ``path`` (read
    only), as a :class:`scorer.history.PreviousReport`; None when there is none."""
    if path is None:
        return None
    from scorer.pipeline import document_key

    with Store(path, readonly=True) as db:
        return db.previous_report(document_key(document, options), document.report_year, criteria_set)


def open_store(path: str | os.PathLike[str] | None, out_dir: str | os.PathLike[str]) -> Store:
    """The store of a batch: ``path``, else ``<out_dir>/results.sqlite``."""
    return Store(path if path is not None else Path(out_dir) / STORE_NAME)
