"""Training half of the evidence classifier: fit the scikit-learn pipelines and export
them as the plain arrays that :mod:`scorer.evidence.classifier` serves with numpy.

:func:`make_evidence_pipeline` builds a :class:`~sklearn.pipeline.Pipeline`: a
``FeatureUnion`` of word TF-IDF (jieba tokens via
:func:`scorer.evidence.classifier.tokenize`, module-level so that the pipeline
pickles) and character n-gram TF-IDF, then one calibrated logistic regression per
criterion (``OneVsRestClassifier(CalibratedClassifierCV(LogisticRegression))``;
multi-label, since one sentence can evidence several criteria).

The modality head (:func:`fit_modality`) answers the other question: is the
sentence reported as DONE (vs planned / denied / other)? It is a second set of
calibrated logistic regressions (labels
:data:`scorer.evidence.classifier.MODALITY_LABELS`, one-vs-rest) over the SAME fitted
TF-IDF features as the topic classifier, trained on the sentences whose modality was
judged by hand. Sharing the features keeps the model files small and lets
:meth:`scorer.evidence.classifier.EvidenceModel.predict_all` score topic and modality
from one feature pass.

:func:`export_model` writes ``model.npz`` (idf vectors, coefficients, intercepts,
sigmoid calibration; byte-identical across runs) and ``model.json`` (vocabularies,
parameters, labels, sklearn/jieba versions, hashes of the training data and of the
domain dictionary) — the format :func:`scorer.evidence.classifier.load_model` reads.
Only ``xxgk train`` / ``xxgk evaluate`` and the tests use this module; the runtime
package never imports it (nor scikit-learn).
"""
from __future__ import annotations

import hashlib
import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from scorer.errors import ModelError
from scorer.evidence.classifier import (
    FORMAT_VERSION,
    MODALITY_LABELS,
    MODEL_JSON,
    MODEL_NPZ,
    tokenize,
    userdict_hash,
)

__all__ = [
    "CueModalityClassifier",
    "make_evidence_pipeline",
    "fit_pipeline",
    "fit_modality",
    "export_model",
]

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # zip entry timestamps, for byte-identical files


def make_evidence_pipeline(
    *,
    C: float = 4.0,
    word_ngram_range: tuple[int, int] = (1, 2),
    char_ngram_range: tuple[int, int] = (1, 3),
    min_df: int = 2,
    calibration_cv: int = 3,
    class_weight: str | None = "balanced",
    random_state: int = 0,
):
    """Build the (unfitted) evidence classifier pipeline.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regressions.
    word_ngram_range, char_ngram_range : (int, int)
        n-gram ranges of the word and character TF-IDF.
    min_df : int
        Minimum document frequency of a feature (keeps the shipped model small).
    calibration_cv : int
        Folds of the sigmoid calibration (``CalibratedClassifierCV(ensemble=False)``:
        one linear model per label plus one calibrator, which the numpy scorer
        reproduces exactly).
    class_weight : str or None
        Passed to ``LogisticRegression`` (positives are rare).
    random_state : int
        Fixed seed (lbfgs is deterministic; kept for solvers that shuffle).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``features`` (FeatureUnion of ``word`` and ``char`` TfidfVectorizer)
        and ``clf`` (OneVsRestClassifier).

    Examples
    --------
    >>> pipe = make_evidence_pipeline(C=1.0)
    >>> [name for name, _ in pipe.steps]
    ['features', 'clf']
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    word = TfidfVectorizer(
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=True,
        ngram_range=tuple(word_ngram_range),
        min_df=min_df,
        sublinear_tf=True,
        dtype=np.float64,
    )
    char = TfidfVectorizer(
        analyzer="char",
        lowercase=True,
        ngram_range=tuple(char_ngram_range),
        min_df=min_df,
        sublinear_tf=True,
        dtype=np.float64,
    )
    lr = LogisticRegression(C=C, class_weight=class_weight, max_iter=2000, random_state=random_state)
    clf = OneVsRestClassifier(
        CalibratedClassifierCV(lr, method="sigmoid", cv=calibration_cv, ensemble=False)
    )
    return Pipeline([("features", FeatureUnion([("word", word), ("char", char)])), ("clf", clf)])


def fit_pipeline(
    texts: Sequence[str],
    labels: Sequence[Sequence[str]],
    *,
    label_order: Sequence[str],
    min_positive: int = 4,
    **params: Any,
):
    """Fit :func:`make_evidence_pipeline` on labelled sentences.

    Parameters
    ----------
    texts : sequence of str
        Sentences.
    labels : sequence of label lists
        Criterion ids per sentence (empty for none).
    label_order : sequence of str
        All candidate labels, in output order.
    min_positive : int
        Labels with fewer positive sentences are left out (calibration needs a few
        positives per fold); keyword retrieval alone covers them.
    **params
        Passed to :func:`make_evidence_pipeline`.

    Returns
    -------
    (Pipeline, list of str)
        The fitted pipeline and the labels it predicts (columns of predict_proba).
    """
    counts = {lab: sum(lab in ls for ls in labels) for lab in label_order}
    kept = [lab for lab in label_order if min_positive <= counts[lab] <= len(texts) - min_positive]
    if not kept:
        raise ModelError(f"no criterion has {min_positive} or more labelled sentences; label more data")
    y = np.array([[int(lab in ls) for lab in kept] for ls in labels], dtype=np.int64)
    pipe = make_evidence_pipeline(**params)
    with warnings.catch_warnings(), _one_blas_thread():
        warnings.simplefilter("ignore", category=UserWarning)  # tokenizer/token_pattern notices
        pipe.fit(list(texts), y)
    return pipe, kept


def _one_blas_thread():
    """Fit with one BLAS thread: on a busy machine threaded BLAS made the lbfgs fits
    20x slower, and one thread keeps the float sums in a fixed order."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def fit_modality(
    pipe,
    texts: Sequence[str],
    modalities: Sequence[str],
    *,
    label_order: Sequence[str] = MODALITY_LABELS,
    **params: Any,
):
    """Fit the modality head on the fitted features of a topic pipeline.

    Parameters
    ----------
    pipe : Pipeline
        A topic pipeline fitted by :func:`fit_pipeline`; its ``features`` step is
        reused as is (not refitted).
    texts : sequence of str
        Sentences whose modality was judged.
    modalities : sequence of str
        Their modality (``done`` / ``planned`` / ``denied`` / ``other``).
    label_order : sequence of str
        Modalities to predict, one-vs-rest.
    **params
        Passed to :func:`make_evidence_pipeline` (only its ``clf`` step is used).

    Returns
    -------
    Pipeline
        ``features`` (the topic pipeline's, fitted) and ``clf`` (fitted on them);
        ``predict_proba`` gives P(modality) per label in ``label_order``.

    Raises
    ------
    ModelError
        A modality has fewer than 4 examples or all of them.
    """
    from sklearn.pipeline import Pipeline

    y = np.array([[int(m == lab) for lab in label_order] for m in modalities], dtype=np.int64)
    pos = y.sum(axis=0)
    if len(texts) == 0 or (pos < 4).any() or (pos > len(texts) - 4).any():
        raise ModelError(f"modality head needs 4+ examples of each of {', '.join(label_order)} and of the rest")
    features = pipe.named_steps["features"]
    clf = make_evidence_pipeline(**params).named_steps["clf"]
    X = features.transform(list(texts))
    with _one_blas_thread():
        clf.fit(X, y)
    return Pipeline([("features", features), ("clf", clf)])


# --------------------------------------------------------------------------- cue model

def _sk_bases():
    from sklearn.base import BaseEstimator, ClassifierMixin

    return BaseEstimator, ClassifierMixin


class CueModalityClassifier(*_sk_bases()):
    """A small modality classifier on the cues of
    :func:`scorer.evidence.modality.cue_features` (aspect, obligation and future
    markers, subject, place in the report, heading, quantities, the rules' class):
    one multinomial logistic regression over ~40 binary features, so what it learns
    carries across regions instead of memorising one region's phrasing.

    Parameters
    ----------
    C : float
        Inverse regularisation strength.
    class_weight : str or None
        Passed to ``LogisticRegression`` (``balanced``: the rare classes count).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=float)
    >>> CueModalityClassifier().fit(X, ["done", "done", "planned", "planned"]).predict(X).tolist()
    ['done', 'done', 'planned', 'planned']
    """

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced") -> None:
        self.C = C
        self.class_weight = class_weight

    def fit(self, X, y):
        """Fit on cue rows ``X`` (n, n_cues) and modality labels ``y``."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.utils.multiclass import unique_labels
        from sklearn.utils.validation import check_X_y

        X, y = check_X_y(X, y, dtype=np.float64)
        self.classes_ = unique_labels(y)
        self.n_features_in_ = X.shape[1]
        self.lr_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=5000)
        with _one_blas_thread():
            self.lr_.fit(X, y)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns :attr:`classes_`."""
        from sklearn.utils.validation import check_array, check_is_fitted

        check_is_fitted(self, "lr_")
        return self.lr_.predict_proba(check_array(X, dtype=np.float64))

    def predict(self, X) -> np.ndarray:
        """The most probable modality of each row."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


# --------------------------------------------------------------------------- export

def _vectorizer_state(vec) -> dict[str, Any]:
    vocab = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    return {
        "analyzer": "word" if vec.analyzer == "word" else "char",
        "ngram_range": list(vec.ngram_range),
        "lowercase": bool(vec.lowercase),
        "sublinear_tf": bool(vec.sublinear_tf),
        "norm": vec.norm,
        "vocabulary": [t for t, _ in vocab],
    }


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez`` but byte-identical across runs (fixed zip timestamps)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def _ovr_arrays(ovr) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(coef, intercept, cal_a, cal_b) of a fitted OvR of calibrated linear models."""
    coefs, intercepts, cal_a, cal_b = [], [], [], []
    for est in ovr.estimators_:
        if not hasattr(est, "calibrated_classifiers_") or len(est.calibrated_classifiers_) != 1:
            raise ModelError("export needs CalibratedClassifierCV(ensemble=False) per label")
        cc = est.calibrated_classifiers_[0]
        lin = cc.estimator
        (cal,) = cc.calibrators
        coefs.append(np.asarray(lin.coef_, dtype=np.float64).ravel())
        intercepts.append(float(np.ravel(lin.intercept_)[0]))
        cal_a.append(float(cal.a_))
        cal_b.append(float(cal.b_))
    return (np.vstack(coefs).astype(np.float64), np.asarray(intercepts, dtype=np.float64),
            np.asarray(cal_a, dtype=np.float64), np.asarray(cal_b, dtype=np.float64))


def export_model(
    pipe,
    labels: Sequence[str],
    out_dir: str | Path,
    *,
    data_hash: str,
    thresholds: dict[str, float] | None = None,
    extra: dict[str, Any] | None = None,
    modality: tuple[Any, Sequence[str]] | None = None,
    combination: dict[str, Any] | None = None,
) -> Path:
    """Write a fitted pipeline as plain arrays + JSON (no pickle).

    Parameters
    ----------
    pipe : Pipeline
        Fitted by :func:`fit_pipeline`.
    labels : sequence of str
        Its output labels.
    out_dir : str or Path
        Directory; ``model.json`` and ``model.npz`` are (over)written.
    data_hash : str
        sha256 of the training data (checked on load against the label file).
    thresholds : dict, optional
        Decision threshold per label (default 0.5).
    extra : dict, optional
        More metadata for ``model.json`` (training parameters, counts).
    modality : (Pipeline, sequence of str), optional
        The modality head from :func:`fit_modality` (sharing ``pipe``'s features)
        and its labels; stored as the ``mod_*`` arrays.
    combination : dict, optional
        Thresholds of the shipped keyword/classifier combination and how they were
        chosen (``model.json`` key ``combination``).

    Returns
    -------
    Path
        The output directory.
    """
    import jieba
    import sklearn

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    union = pipe.named_steps["features"]
    vecs = dict(union.transformer_list)
    word, char = vecs["word"], vecs["char"]
    coef, intercept, cal_a, cal_b = _ovr_arrays(pipe.named_steps["clf"])
    arrays = {
        "word_idf": np.asarray(word.idf_, dtype=np.float64),
        "char_idf": np.asarray(char.idf_, dtype=np.float64),
        "coef": coef,
        "intercept": intercept,
        "cal_a": cal_a,
        "cal_b": cal_b,
    }
    mod_meta: dict[str, Any] = {}
    if modality is not None:
        mpipe, mlabels = modality
        if mpipe.named_steps["features"] is not union:
            raise ModelError("the modality head must use the topic pipeline's fitted features")
        mc, mi, ma, mb = _ovr_arrays(mpipe.named_steps["clf"])
        if mc.shape[0] != len(mlabels):
            raise ModelError(f"modality head has {mc.shape[0]} outputs for {len(mlabels)} labels")
        arrays.update({"mod_coef": mc, "mod_intercept": mi, "mod_cal_a": ma, "mod_cal_b": mb})
        mod_meta = {"modality_labels": list(mlabels)}
    meta = {
        "format_version": FORMAT_VERSION,
        "kind": "xxgk-evidence-classifier",
        "labels": list(labels),
        "thresholds": {lab: float((thresholds or {}).get(lab, 0.5)) for lab in labels},
        "word": _vectorizer_state(word),
        "char": _vectorizer_state(char),
        "sklearn_version": sklearn.__version__,
        "jieba_version": getattr(jieba, "__version__", "unknown"),
        "userdict_sha256": userdict_hash(),
        "data_sha256": data_hash,
        "arrays_sha256": {k: hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest() for k, v in sorted(arrays.items())},
        **mod_meta,
        **({"combination": combination} if combination is not None else {}),
        **(extra or {}),
    }
    _write_npz(out / MODEL_NPZ, arrays)
    (out / MODEL_JSON).write_text(
        json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8"
    )
    return out

