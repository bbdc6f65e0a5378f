#!/usr/bin/env python3
"""Candidate sentences of documents from other regions, for hand labelling (issue 14).

The documents of ``corpora/reports2`` (莆田, more 平潭), ``corpora/negatives`` and
``corpora/yaodian`` are split by the engine itself (``scorer.load`` +
``scorer.sentences.split_sentences``, so the text is what the engine sees), and
every sentence holding a keyword of a core criterion is printed with the engine's
rule modality as a pre-label:

  regions.py --dump DOC...      # id, section, improvement flag, rule modality, keywords, text
  regions.py --dump-all DOC...  # every sentence (sentence id first), for reading whole documents

The hand decisions are kept in ``regions.tsv`` (doc, section, labels, modality,
note, text) and appended to ``sentences.csv`` by ``prelabel.py`` (source ``hand``);
the rule pre-label is never copied without being read.
"""
import hashlib
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))

from scorer.criteria import load_criteria  # noqa: E402
from scorer.evidence.keywords import criterion_terms, match_terms  # noqa: E402
from scorer.evidence.modality import in_document, judge_modality  # noqa: E402
from scorer.load import load  # noqa: E402
from scorer.nlp import cut  # noqa: E402
from scorer.sentences import split_sentences  # noqa: E402


def sid(doc: str, text: str) -> str:
    return hashlib.sha1(f"{doc}\0{text}".encode()).hexdigest()[:10]


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _fragment(s) -> bool:
    """Not worth a label of its own: under 5 CJK characters (a crawler's line piece,
    a table label), or a table line without sentence punctuation (prelabel.py's rule)."""
    if len(_CJK.findall(s.flat)) < 5:
        return True
    return s.section in ("proactive", "requests", "review_litigation") and not re.search(r"[。，；,;]", s.flat)


def dump(paths, every=False):
    crits = [c for c in load_criteria("core").criteria if c.scoring in ("presence", "count")]
    for p in paths:
        doc = load(str(REPO / p))
        rel = str(Path(p).relative_to("corpora")) if p.startswith("corpora/") else p
        for s in split_sentences(doc):
            toks = cut(s.flat)
            hit = {}
            for c in crits:
                kws, spans = match_terms(s.flat, criterion_terms(c), toks)
                if kws and not any(e and e in s.flat for e in c.exclude):
                    hit[c.classifier_label or c.id] = spans
            if not hit and (not every or _fragment(s)):
                continue
            spans = tuple(sp for v in hit.values() for sp in v)
            j = judge_modality(s.flat, spans, report_year=doc.report_year, section=s.section,
                               improvement=s.improvement, agency=doc.agency)
            mod = in_document(j, doc.kind)
            print("\t".join(([sid(rel, s.flat)] if every else []) + [rel, s.section or "", "I" if s.improvement else "", mod, ";".join(sorted(hit)),
                             s.flat.replace("\t", " ")]))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--dump":
        dump(sys.argv[2:])
    elif len(sys.argv) > 2 and sys.argv[1] == "--dump-all":  # every sentence, with its id first
        dump(sys.argv[2:], every=True)
    else:
        print(__doc__)
