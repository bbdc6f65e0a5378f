"""The evidence layer: per criterion, does the report say the thing was DONE in the
report year?

``assess(doc, criterion)`` / ``assess_all(doc, criteria_set)`` give an
:class:`scorer.model.Assessment` (verdict, reason code, evidence sentences). Modules:
:mod:`.keywords` (retrieval), :mod:`.modality` (done / planned / required / general /
other_actor / denied / other_year / other: only ``done`` makes a verdict), :mod:`.quantities`
(counts, months), :mod:`.classifier` (numpy-only inference of the shipped model),
:mod:`.assess` (verdicts). Training and evaluation on the labels live apart, in the
lab package ``xxgk_lab`` of the source checkout. Importing this package does not
import scikit-learn.
"""
from scorer.evidence.assess import STRATEGIES, Prepared, assess, assess_all, prepare

__all__ = ["assess", "assess_all", "prepare", "Prepared", "STRATEGIES"]
