"""``xxgk train`` and ``xxgk evaluate``: the evidence classifier's build and its figures."""
from __future__ import annotations

from pathlib import Path

import click

from scorer.cli.group import cli

DEFAULT_LABELS = "corpora/labels/sentences.csv"
DEFAULT_VERDICTS = "corpora/labels/doc_verdicts.csv"


def _default_out() -> str:
    from scorer.evidence.classifier import default_model_dir

    return str(default_model_dir())


@cli.command()
@click.option("--labels", "labels", default=DEFAULT_LABELS, show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str), help="Labelled sentences (CSV).")
@click.option("--out", "out", default=None, type=click.Path(file_okay=False, path_type=str),
              help="Model directory [default: the shipped scorer/data/model].")
def train(labels: str, out: str | None) -> None:
    """Rebuild the evidence classifier from labelled sentences.

    Deterministic: the same data gives byte-identical model files (model.json,
    model.npz; plain arrays, no pickle).

    Example: xxgk train --labels corpora/labels/sentences.csv
    """
    from scorer.evidence.evaluate import train as train_model

    s = train_model(labels, out or _default_out())
    click.echo(f"trained on {s['sentences']} sentences from {s['documents']} documents in {s['seconds']} s")
    click.echo(f"labels: {', '.join(s['labels'])}")
    click.echo(f"data sha256: {s['data_sha256']}")
    click.echo(f"written to {s['out']}")


@cli.command()
@click.option("--labels", "labels", default=DEFAULT_LABELS, show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str), help="Labelled sentences (CSV).")
@click.option("--verdicts", "verdicts", default=DEFAULT_VERDICTS, show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str), help="Document verdicts (CSV).")
@click.option("--criteria", "criteria", default="core", show_default=True,
              help="Criteria set whose keywords are evaluated.")
@click.option("--corpora", "corpora", default=None, type=click.Path(file_okay=False, path_type=str),
              help="Directory the label files' document paths are relative to [default: their grandparent].")
@click.option("--strategy", type=click.Choice(["union", "gated"]), default="union", show_default=True,
              help="How keywords and classifier combine.")
@click.option("--errors", "show_errors", is_flag=True, help="List the documents/criteria judged wrongly.")
def evaluate(labels: str, verdicts: str, criteria: str, corpora: str | None, strategy: str, show_errors: bool) -> None:
    """Print keyword / classifier / combined figures on held-out documents.

    (a) sentence-level precision, recall and F1 per criterion (split by document,
    fixed seed; every doc_verdicts.csv document is held out and the classifier is
    retrained on the rest); (b) document-level verdict accuracy for keywords alone
    and the shipped combination.

    Example: xxgk evaluate --errors
    """
    from scorer.criteria import load_criteria
    from scorer.evidence.evaluate import evaluate as run

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
