"""Labelled data of the evidence layer: reading, hashing and the document split.

``corpora/labels/sentences.csv`` (doc, section, text, labels, modality, source, note)
trains and evaluates the classifier; ``corpora/labels/doc_verdicts.csv`` (doc,
criterion, verdict, quote, section, note) evaluates document-level verdicts.
Document paths are normalised to be relative to ``corpora/`` ("reports/…", "seeds/…"),
since the two files spell them differently.
"""
from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from scorer.errors import ModelError

__all__ = [
    "LabelledSentence",
    "DocVerdict",
    "read_sentences",
    "read_doc_verdicts",
    "data_hash",
    "norm_doc",
    "split_documents",
    "CORE_LABELS",
]

#: Core criteria that a sentence label may name (domain.md §7).
CORE_LABELS: tuple[str, ...] = (
    "policy_interpretation", "interpretation_sync", "interpretation_forms", "open_day",
    "public_attendance", "decision_consultation", "responding_concerns", "training",
    "leadership_review", "request_to_proactive", "press_conference", "new_media",
    "fee_statement", "prior_rectification", "yaodian_implementation", "timely_publication",
)


@dataclass(frozen=True)
class LabelledSentence:
    doc: str  # relative to corpora/
    section: str | None
    text: str
    labels: tuple[str, ...]  # empty for "none"
    modality: str


@dataclass(frozen=True)
class DocVerdict:
    doc: str  # relative to corpora/
    criterion: str
    verdict: str  # met / not_met / not_assessable
    quote: str
    section: str | None


def norm_doc(doc: str) -> str:
    """"corpora/reports/x.txt" and "reports/x.txt" -> "reports/x.txt"."""
    doc = doc.strip().replace("\\", "/")
    return doc[len("corpora/"):] if doc.startswith("corpora/") else doc


def _open_csv(path: str | Path, required: Sequence[str]) -> list[dict[str, str]]:
    p = Path(path)
    if not p.is_file():
        raise ModelError(f"label file {p} not found; pass --labels")
    with p.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if rows and (missing := [c for c in required if c not in rows[0]]):
        raise ModelError(f"{p}: missing columns {', '.join(missing)}")
    return rows


def read_sentences(path: str | Path) -> list[LabelledSentence]:
    """Read ``sentences.csv``; unknown label ids raise :class:`ModelError`."""
    out = []
    for i, r in enumerate(_open_csv(path, ("doc", "text", "labels")), start=2):
        raw = (r.get("labels") or "none").strip()
        labs = tuple(sorted({x.strip() for x in raw.split(";") if x.strip() and x.strip() != "none"}))
        bad = [x for x in labs if x not in CORE_LABELS]
        if bad:
            raise ModelError(f"{path} line {i}: unknown label {bad[0]!r}")
        text = (r.get("text") or "").strip()
        if not text:
            continue
        out.append(LabelledSentence(norm_doc(r["doc"]), (r.get("section") or "").strip() or None,
                                    text, labs, (r.get("modality") or "other").strip() or "other"))
    return out


def read_doc_verdicts(path: str | Path) -> list[DocVerdict]:
    """Read ``doc_verdicts.csv``."""
    return [
        DocVerdict(norm_doc(r["doc"]), r["criterion"].strip(), r["verdict"].strip(),
                   (r.get("quote") or "").strip(), (r.get("section") or "").strip() or None)
        for r in _open_csv(path, ("doc", "criterion", "verdict"))
    ]


def data_hash(rows: Iterable[LabelledSentence]) -> str:
    """sha256 over (doc, text, labels) of the rows, order-independent."""
    lines = sorted(f"{r.doc}\t{r.text}\t{';'.join(r.labels)}" for r in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def split_documents(
    docs: Iterable[str],
    *,
    held_out: Iterable[str] = (),
    test_fraction: float = 0.3,
    seed: int = 20240131,
) -> tuple[list[str], list[str]]:
    """Split documents into (train, test) for evaluation.

    Every document in ``held_out`` (the doc-level dev set) goes to the test part;
    further documents are drawn with a fixed seed until ``test_fraction`` of all
    documents are in it.
    """
    docs = sorted(set(docs))
    forced = sorted(set(held_out) & set(docs))
    rest = [d for d in docs if d not in forced]
    rng = random.Random(seed)
    rng.shuffle(rest)
    need = max(0, round(test_fraction * len(docs)) - len(forced))
    test = sorted(forced + rest[:need])
    train = sorted(rest[need:])
    return train, test
