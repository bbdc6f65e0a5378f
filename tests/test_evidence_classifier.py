"""The classifier: numpy inference equals the sklearn pipeline, training is
deterministic, the shipped model loads safely."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from scorer.errors import ModelError
from scorer.evidence.classifier import EvidenceModel, ModelWarning, load_model
from xxgk_lab.data import CORE_LABELS, data_hash, read_sentences
from xxgk_lab.train import export_model, fit_pipeline

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

    from xxgk_lab.train import make_evidence_pipeline

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


# --------------------------------------------------------------------------- modality head

@pytest.fixture(scope="module")
def fitted_modality(rows, fitted, tmp_path_factory):
    from scorer.evidence.classifier import MODALITY_LABELS
    from xxgk_lab.train import fit_modality
    from xxgk_lab.evaluate import modality_rows

    pipe, labels, _ = fitted
    mrows = modality_rows(rows)
    mpipe = fit_modality(pipe, [r.text for r in mrows], [r.modality for r in mrows], **PARAMS)
    out = tmp_path_factory.mktemp("model_mod")
    comb = {"topic_threshold": 0.95, "done_veto": 0.2, "done_rescue": None}
    export_model(pipe, labels, out, data_hash=data_hash(rows), modality=(mpipe, MODALITY_LABELS), combination=comb)
    return pipe, mpipe, mrows, out


def test_numpy_modality_equals_sklearn_predict_proba(rows, fitted_modality) -> None:
    pipe, mpipe, mrows, out = fitted_modality
    model = load_model(out)
    assert model.has_modality and model.modality_labels == ("done", "planned")
    assert model.combination == {"topic_threshold": 0.95, "done_veto": 0.2, "done_rescue": None}
    texts = [r.text for r in rows]
    topic, mod = model.predict_all(texts)
    np.testing.assert_allclose(mod, mpipe.predict_proba(texts), rtol=0, atol=1e-10)
    np.testing.assert_allclose(topic, pipe.predict_proba(texts), rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.predict_modality(texts[:7]), mod[:7], rtol=0, atol=1e-12)
    # the head learned something: done rows score higher than the others on its training rows
    p = model.predict_modality([r.text for r in mrows])[:, 0]
    done = np.array([r.modality == "done" for r in mrows])
    assert p[done].mean() > p[~done].mean() + 0.2


def test_modality_training_is_deterministic(rows, fitted_modality, tmp_path) -> None:
    from scorer.evidence.classifier import MODALITY_LABELS
    from xxgk_lab.train import fit_modality

    _, _, mrows, out = fitted_modality
    pipe2, labels2 = fit_pipeline([r.text for r in rows], [r.labels for r in rows], label_order=CORE_LABELS, **PARAMS)
    mpipe2 = fit_modality(pipe2, [r.text for r in mrows], [r.modality for r in mrows], **PARAMS)
    comb = {"topic_threshold": 0.95, "done_veto": 0.2, "done_rescue": None}
    export_model(pipe2, labels2, tmp_path, data_hash=data_hash(rows), modality=(mpipe2, MODALITY_LABELS),
                 combination=comb)
    for name in ("model.json", "model.npz"):
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_modality_head_must_share_the_topic_features(rows, fitted, fitted_modality, tmp_path) -> None:
    from scorer.evidence.classifier import MODALITY_LABELS
    from xxgk_lab.train import fit_modality

    _, _, mrows, _ = fitted_modality
    other, labels = fit_pipeline([r.text for r in rows], [r.labels for r in rows], label_order=CORE_LABELS, **PARAMS)
    mpipe = fit_modality(other, [r.text for r in mrows], [r.modality for r in mrows], **PARAMS)
    pipe, labels, _ = fitted
    with pytest.raises(ModelError, match="fitted features"):
        export_model(pipe, labels, tmp_path, data_hash="x", modality=(mpipe, MODALITY_LABELS))
    with pytest.raises(ModelError, match="4\\+ examples"):
        fit_modality(pipe, ["a", "b", "c"], ["done", "other", "other"])


def test_missing_modality_arrays_raise(fitted_modality, tmp_path) -> None:
    import zipfile

    _, _, _, out = fitted_modality
    (tmp_path / "model.json").write_bytes((out / "model.json").read_bytes())
    with zipfile.ZipFile(out / "model.npz") as src, zipfile.ZipFile(tmp_path / "model.npz", "w") as dst:
        for n in src.namelist():
            if not n.startswith("mod_"):
                dst.writestr(n, src.read(n))
    with pytest.raises(ModelError, match="mod_cal_a"):
        load_model(tmp_path)


def test_shipped_model_has_modality_head_and_cv_chosen_combination() -> None:
    model = load_model()
    assert model.has_modality and "done" in model.modality_labels
    comb = model.combination
    assert {"topic_threshold", "done_veto", "done_rescue", "selection"} <= set(comb)
    sel = comb["selection"]
    assert "cross-validation" in sel["method"] and sel["folds"] >= 2
    # chosen on the training split only: none of the held-out documents (every
    # doc_verdicts document among them)
    from xxgk_lab.evaluate import GRID_RESCUE, GRID_TOPIC, GRID_VETO, training_split
    from xxgk_lab.paths import DEFAULT_LABELS, DEFAULT_VERDICTS

    train_docs, held_out = training_split(read_sentences(DEFAULT_LABELS), DEFAULT_VERDICTS)
    assert sel["documents"] == len(train_docs)
    assert len(train_docs) + len(held_out) == model.meta["training"]["documents"]

    assert comb["topic_threshold"] in GRID_TOPIC and comb["done_veto"] in GRID_VETO and comb["done_rescue"] in GRID_RESCUE
    p = model.predict_modality(["2023年,我局共召开政务公开培训会3次。", "下一步,我局将继续加强政策解读工作。"])
    d = model.modality_labels.index("done")
    assert p[0, d] > 0.5 > p[1, d]


def test_choose_combination_is_deterministic_and_on_the_grid(rows) -> None:
    from scorer.criteria import load_criteria
    from xxgk_lab.evaluate import GRID_RESCUE, GRID_TOPIC, GRID_VETO, choose_combination

    crit = list(load_criteria("core").criteria)
    root = LABELS.parents[1]
    a = choose_combination(rows, crit, corpora_root=root, params=PARAMS, folds=2)
    b = choose_combination(rows, crit, corpora_root=root, params=PARAMS, folds=2)
    assert a == b
    assert a["topic_threshold"] in GRID_TOPIC and a["done_veto"] in GRID_VETO and a["done_rescue"] in GRID_RESCUE
    # the choice is at least as good as the keyword baseline on its own CV data (the grid contains it)
    assert a["selection"]["cv_f1"] >= a["selection"]["cv_f1_keywords_regex"]
