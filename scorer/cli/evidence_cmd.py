"""``xxgk train`` and ``xxgk evaluate``: the evidence classifier's build and its figures.

Both run lab tools (package ``xxgk_lab`` of a source checkout, imported inside the
command); the default label files are resolved there, against the repository root.
"""
from __future__ import annotations

from pathlib import Path

import click

from scorer.cli.group import cli
from scorer.cli.lab import lab_missing

#: Shown in --help; the paths themselves are :mod:`xxgk_lab.paths`.
LABELS_SHOWN = "corpora/labels/sentences.csv in the source checkout"
VERDICTS_SHOWN = "corpora/labels/doc_verdicts.csv in the source checkout"


def _default_out() -> str:
    from scorer.evidence.classifier import default_model_dir

    return str(default_model_dir())


@cli.command()
@click.option("--labels", "labels", default=None, show_default=LABELS_SHOWN,
              type=click.Path(exists=True, dir_okay=False, path_type=str), help="Labelled sentences (CSV).")
@click.option("--verdicts", "verdicts", default=None, show_default=VERDICTS_SHOWN,
              type=click.Path(dir_okay=False, path_type=str),
              help="Document verdicts (CSV) whose documents are kept out of threshold tuning.")
@click.option("--out", "out", default=None, type=click.Path(file_okay=False, path_type=str),
              help="Model directory [default: the shipped scorer/data/model].")
@click.option("--veto/--no-veto", default=False, show_default=True,
              help="Let the done/planned head overrule the regexes (tuned by CV; off for the shipped model).")
def train(labels: str | None, verdicts: str | None, out: str | None, veto: bool) -> None:
    """Rebuild the evidence classifier from labelled sentences.

    Deterministic: the same data gives byte-identical model files (model.json,
    model.npz; plain arrays, no pickle). Fits the topic classifier and the
    modality head (done / planned) on all labelled sentences; the thresholds of the
    shipped combination are chosen by cross-validation on the training split only
    (the documents of --verdicts are held out, as in `xxgk evaluate`).

    Example: xxgk train --labels corpora/labels/sentences.csv
    """
    try:
        from xxgk_lab.data import read_sentences
        from xxgk_lab.evaluate import train as train_model
        from xxgk_lab.evaluate import training_split
        from xxgk_lab.paths import DEFAULT_LABELS, DEFAULT_VERDICTS
    except ImportError as exc:
        lab_missing(exc, "train")

    labels = labels or str(DEFAULT_LABELS)
    verdicts = verdicts or str(DEFAULT_VERDICTS)
    rows = read_sentences(labels)
    train_docs, _ = training_split(rows, verdicts)
    tune = [r for r in rows if r.doc in set(train_docs)]
    s = train_model(labels, out or _default_out(), rows=rows, tune_rows=tune, veto=veto)
    click.echo(f"trained on {s['sentences']} sentences from {s['documents']} documents in {s['seconds']} s "
               f"(modality head: {s['modality_sentences']} sentences)")
    click.echo(f"labels: {', '.join(s['labels'])}")
    comb = s["combination"]
    sel = comb["selection"]
    click.echo(f"combination: topic_threshold={comb['topic_threshold']} done_veto={comb['done_veto']} "
               f"done_rescue={comb['done_rescue']} (CV on {sel['documents']} training docs: done-evidence "
               f"F1 {sel['cv_f1']} vs keywords+regex {sel['cv_f1_keywords_regex']})")
    click.echo(f"data sha256: {s['data_sha256']}")
    click.echo(f"written to {s['out']}")


@cli.command()
@click.option("--labels", "labels", default=None, show_default=LABELS_SHOWN,
              type=click.Path(exists=True, dir_okay=False, path_type=str), help="Labelled sentences (CSV).")
@click.option("--verdicts", "verdicts", default=None, show_default=VERDICTS_SHOWN,
              type=click.Path(exists=True, dir_okay=False, path_type=str), help="Document verdicts (CSV).")
@click.option("--criteria", "criteria", default="core", show_default=True,
              help="Criteria set whose keywords are evaluated.")
@click.option("--corpora", "corpora", default=None, type=click.Path(file_okay=False, path_type=str),
              help="Directory the label files' document paths are relative to [default: their grandparent].")
@click.option("--strategy", type=click.Choice(["veto", "union", "gated"]), default="veto", show_default=True,
              help="The combination reported as shipped (veto: keywords + CV-chosen modality veto).")
@click.option("--errors", "show_errors", is_flag=True, help="List the documents/criteria judged wrongly.")
def evaluate(labels: str | None, verdicts: str | None, criteria: str, corpora: str | None, strategy: str, show_errors: bool) -> None:
    """Print keyword / classifier / combined figures on held-out documents.

    (a) sentence-level precision, recall and F1 per criterion (split by document,
    fixed seed; every doc_verdicts.csv document is held out and the classifier is
    retrained on the rest), for the topic and for done evidence; (b) document-level
    verdict accuracy for keywords alone, the previous union and the shipped
    combination, whose thresholds are chosen by CV on the training documents.

    Example: xxgk evaluate --errors
    """
    try:
        from xxgk_lab.evaluate import evaluate as run
        from xxgk_lab.paths import DEFAULT_LABELS, DEFAULT_VERDICTS
    except ImportError as exc:
        lab_missing(exc, "evaluate")
    from scorer.criteria import load_criteria

    labels = labels or str(DEFAULT_LABELS)
    verdicts = verdicts or str(DEFAULT_VERDICTS)
    cs = load_criteria(criteria)
    root = corpora or str(Path(labels).resolve().parent.parent)
    report = run(list(cs.criteria), labels_path=labels, verdicts_path=verdicts, corpora_root=root,
                 strategy=strategy)
    click.echo(report.to_text())
    if show_errors:
        for variant, rows in report.confusions.items():
            click.echo(f"\nwrong verdicts, {variant}:")
            for doc, cid, gold, reason in rows:
                click.echo(f"  {doc}  {cid}: gold {gold}, got {reason}")
