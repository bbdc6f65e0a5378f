"""The evidence classifier at run time: which core criteria does a sentence speak
about, and is it reported as DONE?

The shipped model is NOT a pickle: ``scorer/data/model/`` holds plain arrays
(``model.npz``: idf vectors, coefficients, intercepts, sigmoid calibration) and
``model.json`` (vocabularies, parameters, labels, sklearn/jieba versions, hashes of
the training data and of the domain dictionary). :class:`EvidenceModel` applies them
with numpy alone, so the CLI never imports scikit-learn (it costs 1-2 s of cold
start); a test checks that its probabilities equal the scikit-learn pipeline's
``predict_proba``.

Two heads share one feature pass (:meth:`EvidenceModel.predict_all`): the topic
classifier (one calibrated probability per criterion label, multi-label) and the
optional modality head (labels :data:`MODALITY_LABELS`: done / planned). The model
is built by ``xxgk train`` with the lab tools of a source checkout (package
``xxgk_lab``, not part of the runtime); this module owns the file format they write
(:data:`FORMAT_VERSION`, :data:`MODEL_JSON`, :data:`MODEL_NPZ`) and the word
tokenizer the features use (:func:`tokenize`).
"""
from __future__ import annotations

import hashlib
import json
import re
import warnings
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from scorer.errors import ModelError
from scorer.nlp import cut

__all__ = [
    "FORMAT_VERSION",
    "MODEL_JSON",
    "MODEL_NPZ",
    "ModelWarning",
    "MODALITY_LABELS",
    "tokenize",
    "EvidenceModel",
    "load_model",
    "default_model_dir",
    "userdict_hash",
]

#: Version of the on-disk format (written by ``xxgk train``, read by :func:`load_model`).
FORMAT_VERSION = 2
#: Outputs of the modality head (one-vs-rest; "denied" is left to the regexes).
MODALITY_LABELS: tuple[str, ...] = ("done", "planned")
#: File names of a model directory.
MODEL_JSON = "model.json"
MODEL_NPZ = "model.npz"


class ModelWarning(UserWarning):
    """The shipped model was built with another scikit-learn/jieba version, domain
    dictionary or training data than the one at hand; retrain with ``xxgk train``."""


def tokenize(text: str) -> list[str]:
    """Word tokens for the word TF-IDF: jieba (domain dictionary) via
    :func:`scorer.nlp.cut`. Module-level so that the pipeline pickles."""
    return cut(text)


def userdict_hash() -> str:
    """sha256 of the shipped jieba domain dictionary (word tokens depend on it)."""
    data = resources.files("scorer.data").joinpath("userdict.txt").read_bytes()
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- inference

_WS = re.compile(r"\s\s+")


#: Code points take 21 bits, so a character n-gram (n <= 3) packs into one int64:
#: ``c1 << 42 | c2 << 21 | c3``. Codes of different lengths cannot collide because
#: the separator (code 0) never starts a kept n-gram.
_CP_BITS = 21
_SEP = "\x00"


@dataclass
class _Vec:
    analyzer: str
    ngram_range: tuple[int, int]
    lowercase: bool
    sublinear_tf: bool
    vocab: dict[str, int]
    idf: np.ndarray
    offset: int  # column offset in the union

    def __post_init__(self) -> None:
        self._codes: tuple[np.ndarray, np.ndarray] | None = None
        if self.analyzer == "char" and self.ngram_range[1] <= 3:
            # the vocabulary as sorted packed codes, for a numpy lookup (see _char_keys)
            codes = np.array([_pack(g) for g in self.vocab], dtype=np.int64)
            ids = np.fromiter(self.vocab.values(), dtype=np.int64, count=len(self.vocab))
            order = np.argsort(codes, kind="stable")
            self._codes = (codes[order], ids[order])

    def grams(self, text: str, tokens: Sequence[str] | None) -> list[str]:
        """The n-grams sklearn's analyzer produces for one text."""
        lo, hi = self.ngram_range
        if self.analyzer == "word":
            toks = list(tokens) if tokens is not None else tokenize(text)
            if self.lowercase:
                toks = [t.lower() for t in toks]
            grams = toks if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(toks)) + 1):
                grams += map(" ".join, zip(*(toks[k:] for k in range(n))))
            return grams
        doc = self._normal(text)
        grams = list(doc) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, len(doc)) + 1):
            grams += map("".join, zip(*(doc[k:] for k in range(n))))
        return grams

    def _normal(self, text: str) -> str:
        return _WS.sub(" ", text.lower() if self.lowercase else text)

    def _keys(self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None) -> np.ndarray:
        """``row * len(vocab) + column`` of every in-vocabulary n-gram of every text."""
        if self._codes is not None and not any(_SEP in t for t in texts):
            return self._char_keys(texts)
        grams: list[str] = []
        lens = []
        for i, t in enumerate(texts):
            g = self.grams(t, tokens[i] if tokens is not None else None)
            grams += g
            lens.append(len(g))
        ids = np.fromiter(map(self.vocab.get, grams, repeat(-1)), dtype=np.int64, count=len(grams))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
        keep = ids >= 0
        return rows[keep] * len(self.vocab) + ids[keep]

    def _char_keys(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`_keys` for character n-grams without making a string per n-gram:
        all texts joined by a separator become one array of code points, n-grams
        become packed int64 codes, and the vocabulary lookup is a binary search."""
        codes_sorted, ids_sorted = self._codes  # type: ignore[misc]
        if not texts:
            return np.zeros(0, dtype=np.int64)
        docs = [self._normal(t) for t in texts]
        joined = _SEP.join(docs) + _SEP
        cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        # sentence number of every position; -1 on separators
        row = np.repeat(np.arange(len(docs), dtype=np.int64), [len(d) + 1 for d in docs])
        row[cp == 0] = -1
        lo, hi = self.ngram_range
        parts_code, parts_row = [], []
        for n in range(lo, hi + 1):
            m = len(cp) - n + 1
            if m <= 0:
                continue
            code = cp[:m].copy()
            for k in range(1, n):
                code = (code << _CP_BITS) | cp[k : k + m]
            # an n-gram lies inside one text when its first and last characters do
            ok = (row[:m] >= 0) & (row[:m] == row[n - 1 : n - 1 + m])
            parts_code.append(code[ok])
            parts_row.append(row[:m][ok])
        if not parts_code:
            return np.zeros(0, dtype=np.int64)
        code = np.concatenate(parts_code)
        rows = np.concatenate(parts_row)
        pos = np.searchsorted(codes_sorted, code)
        pos[pos == len(codes_sorted)] = 0
        hit = codes_sorted[pos] == code
        return rows[hit] * len(self.vocab) + ids_sorted[pos[hit]]

    def transform(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse l2-normalised tf-idf rows of ``texts`` as (row, column, value)
        arrays, as sklearn's ``TfidfVectorizer.transform`` computes them.

        Vectorised over all texts of a document: the Python work is only making the
        word n-grams and looking them up; counting, tf-idf and norms are numpy.
        """
        size = len(self.vocab)
        keys = self._keys(texts, tokens)
        if not len(keys):
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty, np.zeros(0)
        uniq, counts = np.unique(keys, return_counts=True)
        rows = (uniq // size).astype(np.intp)
        cols = (uniq % size).astype(np.intp)
        tf = 1.0 + np.log(counts) if self.sublinear_tf else counts.astype(np.float64)
        vals = tf * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=len(texts)))
        vals = vals / norms[rows]
        return rows, cols + self.offset, vals


def _pack(gram: str) -> int:
    code = 0
    for ch in gram:
        code = (code << _CP_BITS) | ord(ch)
    return code


class EvidenceModel:
    """The shipped classifier applied with numpy only.

    Load with :func:`load_model`. :meth:`predict_proba` returns, per sentence, the
    calibrated probability of each topic label in :attr:`labels`;
    :meth:`predict_modality` the probability of each modality in
    :attr:`modality_labels` (empty when the model has no modality head);
    :meth:`predict_all` both from one feature pass. :attr:`combination` holds the
    thresholds of the shipped keyword/classifier combination (empty if none).
    """

    def __init__(self, meta: dict[str, Any], arrays: dict[str, np.ndarray], path: str | None = None) -> None:
        self.meta = meta
        self.path = path
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        self.thresholds: dict[str, float] = dict(meta.get("thresholds", {}))
        self.combination: dict[str, Any] = dict(meta.get("combination") or {})
        w, c = meta["word"], meta["char"]
        nw = len(w["vocabulary"])
        self._word = _Vec("word", tuple(w["ngram_range"]), w["lowercase"], w["sublinear_tf"],
                          {t: i for i, t in enumerate(w["vocabulary"])}, arrays["word_idf"], 0)
        self._char = _Vec("char", tuple(c["ngram_range"]), c["lowercase"], c["sublinear_tf"],
                          {t: i for i, t in enumerate(c["vocabulary"])}, arrays["char_idf"], nw)
        n_feat = nw + len(c["vocabulary"])
        # features x labels, so a sentence's score is a gather + weighted sum
        self._coef_t = np.ascontiguousarray(arrays["coef"].T)
        self._intercept = arrays["intercept"]
        self._a = arrays["cal_a"]
        self._b = arrays["cal_b"]
        if self._coef_t.shape != (n_feat, len(self.labels)):
            raise ModelError(f"model arrays do not match its vocabularies ({self._coef_t.shape} vs {n_feat} features)")
        self.modality_labels: tuple[str, ...] = tuple(meta.get("modality_labels") or ())
        self._mod: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        if self.modality_labels:
            mc = np.ascontiguousarray(arrays["mod_coef"].T)
            if mc.shape != (n_feat, len(self.modality_labels)):
                raise ModelError(f"modality arrays do not match the vocabularies ({mc.shape} vs {n_feat} features)")
            self._mod = (mc, arrays["mod_intercept"], arrays["mod_cal_a"], arrays["mod_cal_b"])
            # both heads side by side: predict_all gathers each feature's weights once
            self._both = (np.ascontiguousarray(np.hstack([self._coef_t, mc])),
                          np.concatenate([self._intercept, arrays["mod_intercept"]]))

    @property
    def has_modality(self) -> bool:
        """True when the model carries a modality head."""
        return self._mod is not None

    def _features(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse tf-idf rows of ``texts`` (word and char parts) as (row, column, value)."""
        wr, wc, wv = self._word.transform(texts, tokens)
        cr, cc, cv = self._char.transform(texts, None)
        return np.concatenate([wr, cr]), np.concatenate([wc, cc]), np.concatenate([wv, cv])

    @staticmethod
    def _linear(feats: tuple[np.ndarray, np.ndarray, np.ndarray], n: int, coef_t: np.ndarray,
                intercept: np.ndarray) -> np.ndarray:
        r, cidx, v = feats
        scores = np.tile(intercept, (n, 1))
        if len(r):
            # rows grouped (stable: word features stay before char ones), then one
            # segmented sum per sentence: much faster than np.add.at or a bincount per label
            order = np.argsort(r, kind="stable")
            rs = r[order]
            contrib = coef_t[cidx[order]] * v[order, None]
            starts = np.flatnonzero(np.r_[True, rs[1:] != rs[:-1]])
            scores[rs[starts]] += np.add.reduceat(contrib, starts, axis=0)
        return scores

    @staticmethod
    def _calibrate(d: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # sklearn's _SigmoidCalibration: expit(-(a * d + b))
        z = -(a * d + b)
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp(-z))
        p[(p > 1.0) & (p <= 1.0 + 1e-5)] = 1.0
        return p

    def decision_function(self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Linear scores of the topic labels, shape (n_texts, n_labels)."""
        return self._linear(self._features(texts, tokens), len(texts), self._coef_t, self._intercept)

    def predict_proba(self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Calibrated probabilities, shape (n_texts, n_labels), columns :attr:`labels`.

        Parameters
        ----------
        texts : sequence of str
            Sentences.
        tokens : sequence of token lists, optional
            ``scorer.nlp.cut`` of each text, if already computed (saves a jieba pass).

        Returns
        -------
        numpy.ndarray
            Equal to the sklearn pipeline's ``predict_proba``.
        """
        return self._calibrate(self.decision_function(texts, tokens), self._a, self._b)

    def predict_modality(self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None) -> np.ndarray:
        """Calibrated modality probabilities, shape (n_texts, len(:attr:`modality_labels`)).

        Parameters
        ----------
        texts : sequence of str
            Sentences.
        tokens : sequence of token lists, optional
            ``scorer.nlp.cut`` of each text.

        Returns
        -------
        numpy.ndarray
            Equal to the modality pipeline's ``predict_proba``; zero columns without
            a modality head.
        """
        return self.predict_all(texts, tokens)[1]

    def predict_all(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Topic and modality probabilities from one feature pass.

        Parameters
        ----------
        texts : sequence of str
            Sentences (all of a document: one vectorised call).
        tokens : sequence of token lists, optional
            ``scorer.nlp.cut`` of each text.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Shapes (n, len(labels)) and (n, len(modality_labels)).
        """
        n = len(texts)
        feats = self._features(texts, tokens)
        if self._mod is None:
            topic = self._calibrate(self._linear(feats, n, self._coef_t, self._intercept), self._a, self._b)
            return topic, np.zeros((n, 0))
        _, _, ma, mb = self._mod
        scores = self._linear(feats, n, *self._both)
        k = len(self.labels)
        return self._calibrate(scores[:, :k], self._a, self._b), self._calibrate(scores[:, k:], ma, mb)

    def threshold(self, label: str) -> float:
        return float(self.thresholds.get(label, 0.5))


def default_model_dir() -> Path:
    """``scorer/data/model`` inside the installed package."""
    return Path(str(resources.files("scorer.data").joinpath("model")))


def _check_versions(meta: dict[str, Any], where: str, data_hash: str | None) -> None:
    from importlib import metadata

    try:  # package metadata only: importing sklearn itself would cost 1-2 s
        sk = metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        sk = None
    if sk is not None and sk != meta.get("sklearn_version"):
        warnings.warn(
            f"{where}: model trained with scikit-learn {meta.get('sklearn_version')}, "
            f"installed {sk}; retrain with `xxgk train` to keep results reproducible",
            ModelWarning,
            stacklevel=3,
        )
    if meta.get("userdict_sha256") != userdict_hash():
        warnings.warn(
            f"{where}: the jieba domain dictionary changed since the model was trained; "
            "word features may drift — retrain with `xxgk train`",
            ModelWarning,
            stacklevel=3,
        )
    if data_hash is not None and meta.get("data_sha256") != data_hash:
        warnings.warn(
            f"{where}: the model was trained on other labelled data than the current "
            "corpora/labels/sentences.csv — retrain with `xxgk train`",
            ModelWarning,
            stacklevel=3,
        )


def load_model(path: str | Path | None = None, *, data_hash: str | None = None) -> EvidenceModel:
    """Load a model written by ``xxgk train`` (numpy + JSON, no pickle).

    Parameters
    ----------
    path : str or Path, optional
        Model directory; default the shipped ``scorer/data/model``.
    data_hash : str, optional
        sha256 of the labelled data at hand; a mismatch warns (:class:`ModelWarning`).

    Returns
    -------
    EvidenceModel

    Raises
    ------
    ModelError
        Missing files, unreadable arrays, or an unknown format version.
    """
    if path is None and data_hash is None:
        return _load_default()
    return _load(Path(path) if path is not None else default_model_dir(), data_hash)


@lru_cache(maxsize=1)
def _load_default() -> EvidenceModel:
    return _load(default_model_dir(), None)


def _load(d: Path, data_hash: str | None) -> EvidenceModel:
    jpath, npath = d / MODEL_JSON, d / MODEL_NPZ
    if not jpath.is_file() or not npath.is_file():
        raise ModelError(f"no evidence model in {d} (expected {MODEL_JSON} and {MODEL_NPZ}); run `xxgk train`")
    try:
        meta = json.loads(jpath.read_text(encoding="utf-8"))
        with np.load(npath, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{d}: evidence model is unreadable ({exc}); run `xxgk train`") from exc
    if meta.get("format_version") != FORMAT_VERSION or meta.get("kind") != "xxgk-evidence-classifier":
        raise ModelError(
            f"{d}: model format {meta.get('format_version')!r} is not {FORMAT_VERSION}; run `xxgk train`"
        )
    need = {"word_idf", "char_idf", "coef", "intercept", "cal_a", "cal_b"}
    if meta.get("modality_labels"):
        need |= {"mod_coef", "mod_intercept", "mod_cal_a", "mod_cal_b"}
    missing = need - set(arrays)
    if missing:
        raise ModelError(f"{d}: model arrays missing: {', '.join(sorted(missing))}; run `xxgk train`")
    for k, h in meta.get("arrays_sha256", {}).items():
        if k in arrays and hashlib.sha256(np.ascontiguousarray(arrays[k]).tobytes()).hexdigest() != h:
            raise ModelError(f"{d}: model array {k!r} is corrupt (hash mismatch); run `xxgk train`")
    _check_versions(meta, str(d), data_hash)
    return EvidenceModel(meta, arrays, path=str(d))
