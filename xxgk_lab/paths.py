"""Default data locations of the lab tools, resolved against the repository root
(the checkout this package sits in), never against the current directory: the CLI
options ``--labels``, ``--verdicts`` and ``--gold`` override them."""
from __future__ import annotations

from pathlib import Path

__all__ = ["REPO_ROOT", "DEFAULT_LABELS", "DEFAULT_VERDICTS", "DEFAULT_GOLD_TABLES"]

#: The source checkout: ``xxgk_lab/`` sits at its top.
REPO_ROOT: Path = Path(__file__).resolve().parent.parent
#: Labelled sentences that train and evaluate the evidence classifier.
DEFAULT_LABELS: Path = REPO_ROOT / "corpora" / "labels" / "sentences.csv"
#: Document verdicts: their documents are held out of training and tuning.
DEFAULT_VERDICTS: Path = REPO_ROOT / "corpora" / "labels" / "doc_verdicts.csv"
#: Hand-checked table gold files ``<doc-stem>.json``.
DEFAULT_GOLD_TABLES: Path = REPO_ROOT / "tests" / "gold" / "tables"
