"""The classifier: numpy inference equals the sklearn pipeline, training is
deterministic, the shipped model loads safely."""
from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from scorer.errors import ModelError
from scorer.evidence.classifier import EvidenceModel, ModelWarning, export_model, fit_pipeline, load_model
from scorer.evidence.data import CORE_LABELS, data_hash, read_sentences

LABELS = Path(__file__).resolve().parents[1] / "corpora" / "labels" / "sentences.csv"
# small and fast: the tests check the machinery, not the accuracy
PARAMS = {"C": 4.0, "min_df": 3, "char_ngram_range": (1, 2), "word_ngram_range": (1, 1), "calibration_cv": 2}


@pytest.fixture(scope="module")
def rows():
    if not LABELS.exists():
        pytest.skip("corpora/labels/sentences.csv missing")
    rows = read_sentences(LABELS)
    # a subset keeps the test fast: every other positive plus every sixth negative
    sub = [r for i, r in enumerate(rows) if (r.labels and i % 2 == 0) or i % 6 == 0]
    return sorted(sub, key=lambda r: (r.doc, r.text))


@pytest.fixture(scope="module")
def fitted(rows, tmp_path_factory):
    pipe, labels = fit_pipeline([r.text for r in rows], [r.labels for r in rows], label_order=CORE_LABELS, **PARAMS)
    out = tmp_path_factory.mktemp("model")
    export_model(pipe, labels, out, data_hash=data_hash(rows))
    return pipe, labels, out


def test_numpy_inference_equals_sklearn_predict_proba(rows, fitted) -> None:
    pipe, labels, out = fitted
    model = load_model(out)
    texts = [r.text for r in rows]
    expected = pipe.predict_proba(texts)
    got = model.predict_proba(texts)
    assert got.shape == expected.shape == (len(texts), len(labels))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    assert model.labels == tuple(labels)


def test_training_is_deterministic(rows, fitted, tmp_path) -> None:
    _, _, out = fitted
    pipe2, labels2 = fit_pipeline([r.text for r in rows], [r.labels for r in rows], label_order=CORE_LABELS, **PARAMS)
    export_model(pipe2, labels2, tmp_path, data_hash=data_hash(rows))
    for name in ("model.json", "model.npz"):
        assert hashlib.sha256((out / name).read_bytes()).digest() == hashlib.sha256((tmp_path / name).read_bytes()).digest()


def test_pipeline_pickles_and_follows_estimator_contract() -> None:
    import pickle

    from sklearn.base import clone

    from scorer.evidence.classifier import make_evidence_pipeline

    pipe = make_evidence_pipeline(C=2.0)
    assert clone(pipe).get_params()["clf__estimator__estimator__C"] == 2.0
    assert pickle.loads(pickle.dumps(pipe)).get_params()["features__word__min_df"] == 2


def test_shipped_model_loads_without_sklearn_and_finds_evidence() -> None:
    model = load_model()
    assert isinstance(model, EvidenceModel)
    p = model.predict_proba(["2022年度我局未产生信息公开处理费。", "我局通过微信公众号发布文章1210篇。"])
    fee, media = model.labels.index("fee_statement"), model.labels.index("new_media")
    assert p[0, fee] > 0.5 and p[1, media] > 0.5
    assert p[0, media] < 0.5


def test_corrupt_or_missing_model_raises_model_error(fitted, tmp_path) -> None:
    with pytest.raises(ModelError, match="xxgk train"):
        load_model(tmp_path)
    _, _, out = fitted
    (tmp_path / "model.json").write_text((out / "model.json").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "model.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="unreadable"):
        load_model(tmp_path)
    meta = json.loads((out / "model.json").read_text(encoding="utf-8"))
    meta["format_version"] = 99
    (tmp_path / "model.npz").write_bytes((out / "model.npz").read_bytes())
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="format"):
        load_model(tmp_path)


def test_data_hash_mismatch_warns(fitted) -> None:
    _, _, out = fitted
    with pytest.warns(ModelWarning, match="other labelled data"):
        load_model(out, data_hash="0" * 64)


def test_inference_does_not_import_sklearn() -> None:
    """Cold start: scoring with the shipped model must not pay sklearn's import."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from scorer.model import Document\n"
        "from scorer.evidence import assess_all\n"
        "from scorer.model import Criterion\n"
        "d = Document(path='x', format='txt', text='我局通过微信公众号发布文章1210篇。', kind='report', title=None,"
        " agency=None, report_year=2022, published_on=None, metadata_source={})\n"
        "r = assess_all(d, [Criterion(id='new_media', title='t', weight=1, keywords=('微信公众号',))])\n"
        "assert r['new_media'].verdict == 'met', r\n"
        "assert 'sklearn' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[1]
    res = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
