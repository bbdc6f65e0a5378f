#!/usr/bin/env python3
"""Agreement between the first labels and the independent second labeller (issue 14).

  agreement.py        # reads ../second/sample.tsv and ../second/second_labels.tsv,
                      # ../second/doc_verdicts_second.csv and ../doc_verdicts.csv

Per stratum (``random``: 300 sentences drawn uniformly from the 3,836 new rows of
``regions_reports2_full.tsv``; ``topic_or_modality``: 100 more drawn from the rows the
first labeller gave a topic or a modality other than ``other``) and overall: raw
agreement and Cohen's kappa on the modality (8 classes), on done / not done (what
verdicts use) and on the set of topic labels.

Document verdicts: a second evaluator judged the 21 reports of the locked part blind
(``doc_verdicts_second.csv``); met / not met against ``doc_verdicts.csv`` on the 15
criteria ``xxgk evaluate`` scores (timely_publication left out, as there): agreement,
kappa and the "met" F1 of the second evaluator taking the first as gold, which is the
human figure beside the engine's.
"""
import collections
import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECOND = HERE.parent / "second"


def norm(labels: str) -> str:
    return ";".join(sorted(x for x in labels.split(";") if x and x != "none")) or "none"


def kappa(pairs):
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca, cb = collections.Counter(a for a, _ in pairs), collections.Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / n / n
    return po, (po - pe) / (1 - pe)


def main() -> None:
    first = {r["n"]: r for r in csv.DictReader(open(SECOND / "sample.tsv", encoding="utf-8"), delimiter="\t")}
    second = {r["n"]: r for r in csv.DictReader(open(SECOND / "second_labels.tsv", encoding="utf-8"), delimiter="\t")}
    for stratum in ("random", "topic_or_modality", "all"):
        ns = [n for n in first if stratum == "all" or first[n]["stratum"] == stratum]
        mod = [(first[n]["first_modality"], second[n]["modality"].strip()) for n in ns]
        done = [(a == "done", b == "done") for a, b in mod]
        lab = [(norm(first[n]["first_labels"]), norm(second[n]["labels"])) for n in ns]
        (pm, km), (pd, kd), (pl, kl) = kappa(mod), kappa(done), kappa(lab)
        print(f"{stratum:18} n={len(ns):3}  modality {pm:.1%} kappa {km:.3f} | done/not done {pd:.1%} "
              f"kappa {kd:.3f} | topic labels {pl:.1%} kappa {kl:.3f}")
    diff = collections.Counter((first[n]["first_modality"], second[n]["modality"].strip())
                               for n in first if first[n]["first_modality"] != second[n]["modality"].strip())
    print("modality disagreements (first, second):", dict(diff.most_common()))


def verdict_agreement() -> None:
    def read(path):
        return {(r["doc"], r["criterion"]): r["verdict"] for r in csv.DictReader(open(path, encoding="utf-8", newline=""))}

    second = read(SECOND / "doc_verdicts_second.csv")
    first = read(HERE.parent / "doc_verdicts.csv")
    keys = sorted(k for k in second if k[1] != "timely_publication")
    pairs = [(first[k] == "met", second[k] == "met") for k in keys]
    po, k = kappa(pairs)
    tp = sum(a and b for a, b in pairs)
    fp = sum(b and not a for a, b in pairs)
    fn = sum(a and not b for a, b in pairs)
    f1 = 2 * tp / (2 * tp + fp + fn)
    print(f"document verdicts, {len({d for d, _ in keys})} reports x 15 criteria: agreement {po:.1%} "
          f"(kappa {k:.3f}); second evaluator's met F1 against the first {f1:.3f}")
    for key in keys:
        if first[key] != second[key]:
            print(f"  differ: {key[0]} {key[1]}: {first[key]} / {second[key]}")


if __name__ == "__main__":
    main()
    verdict_agreement()
