"""Evaluation, training and gold tooling of xxgk-scorer: the lab, not the product.

Runtime code lives in :mod:`scorer` and ships; these modules need a source checkout
(the labelled corpora under ``corpora/labels/`` and the gold files under
``tests/gold/``) and scikit-learn for training. :mod:`scorer` never imports this
package at run time: the CLI commands ``xxgk train``, ``xxgk evaluate`` and
``xxgk tables-accuracy`` import it lazily, inside the command.

Modules: :mod:`.paths` (default data locations, relative to the repository root),
:mod:`.data` (labelled sentences and document verdicts, the document split),
:mod:`.train` (fit the scikit-learn pipelines, export the arrays the runtime
classifier loads), :mod:`.evaluate` (rebuild the shipped model; keyword / classifier /
combined figures on held-out documents), :mod:`.tables_accuracy` (cell accuracy of
the table extractor against the gold files).
"""
