import json
import os
import pickle
import shutil

import pytest

from caretag import (
    CareClassifier,
    ModelCompatibilityError,
    ModelIntegrityError,
    ModelNotFoundError,
    UnsafeModelError,
    load_model,
    load_scorer,
)
from caretag.persistence import file_sha256


@pytest.fixture
def model_copy(saved_model_dir, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(saved_model_dir, target)
    return target


def _rewrite_card(directory, **changes):
    card_path = directory / "model_card.json"
    card = json.loads(card_path.read_text())
    card.update(changes)
    card_path.write_text(json.dumps(card))


def test_saved_model_loads_and_predicts_the_same(saved_model_dir, fitted_model, test_split):
    loaded = load_model(saved_model_dir)
    assert isinstance(loaded, CareClassifier)
    assert (loaded.predict(test_split.texts) == fitted_model.predict(test_split.texts)).all()
    assert (CareClassifier.load(saved_model_dir / "model.pkl").predict(test_split.texts[:5])
            == fitted_model.predict(test_split.texts[:5])).all()


def test_card_records_versions_hashes_and_params(saved_model_dir):
    card = json.loads((saved_model_dir / "model_card.json").read_text())
    assert card["model_sha256"] == file_sha256(saved_model_dir / "model.pkl")
    assert card["scorer_sha256"] == file_sha256(saved_model_dir / "scorer.npz")
    assert {"caretag", "scikit-learn", "PySastrawi", "python"} <= set(card["versions"])
    assert card["params"]["C"] == CareClassifier().C
    assert (saved_model_dir / "MODEL_CARD.md").read_text().startswith("# Model card")


@pytest.mark.parametrize("filename", ["model.pkl", "scorer.npz"])
def test_flipped_byte_is_refused(model_copy, filename):
    path = model_copy / filename
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    loader = load_model if filename == "model.pkl" else load_scorer
    with pytest.raises(ModelIntegrityError, match="does not match its model card"):
        loader(model_copy)


def test_truncated_file_is_refused(model_copy):
    path = model_copy / "model.pkl"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(ModelIntegrityError):
        load_model(model_copy)


def test_truncated_file_with_matching_card_is_refused_cleanly(model_copy):
    path = model_copy / "model.pkl"
    path.write_bytes(path.read_bytes()[:5000])
    _rewrite_card(model_copy, model_sha256=file_sha256(path))
    with pytest.raises(ModelIntegrityError, match="could not be unpickled"):
        load_model(model_copy)


def test_card_that_is_not_json_is_refused(model_copy):
    (model_copy / "model_card.json").write_text("{not json")
    with pytest.raises(ModelIntegrityError, match="not valid JSON"):
        load_model(model_copy)


def test_missing_card_or_file(model_copy, tmp_path):
    os.remove(model_copy / "model.pkl")
    with pytest.raises(ModelNotFoundError, match="missing"):
        load_model(model_copy)
    with pytest.raises(ModelNotFoundError, match="model card"):
        load_model(tmp_path / "nowhere")


class _RunsCode:
    def __reduce__(self):
        return (os.system, ("touch caretag-pwned",))


def test_pickle_that_runs_code_is_refused_even_with_a_matching_card(model_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    path = model_copy / "model.pkl"
    path.write_bytes(pickle.dumps(_RunsCode()))
    _rewrite_card(model_copy, model_sha256=file_sha256(path))
    with pytest.raises(UnsafeModelError, match="system"):
        load_model(model_copy)
    assert not (tmp_path / "caretag-pwned").exists()


def test_pickle_of_eval_is_refused(model_copy):
    path = model_copy / "model.pkl"
    path.write_bytes(b"cbuiltins\neval\n(S'1+1'\ntR.")
    _rewrite_card(model_copy, model_sha256=file_sha256(path))
    with pytest.raises(UnsafeModelError, match="builtins.eval"):
        load_model(model_copy)


def test_other_sklearn_minor_version_is_refused_with_how_to_retrain(model_copy):
    card = json.loads((model_copy / "model_card.json").read_text())
    card["versions"]["scikit-learn"] = "0.24.2"
    (model_copy / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(ModelCompatibilityError, match="caretag train"):
        load_model(model_copy)
    # the compiled scorer does not depend on scikit-learn and still loads
    assert load_scorer(model_copy).care_score(["tes"]).shape == (1,)


def test_scorer_archive_with_pickled_objects_is_refused(model_copy):
    import numpy as np

    path = model_copy / "scorer.npz"
    with open(path, "wb") as handle:
        np.savez(handle, meta=np.array([{"evil": 1}], dtype=object))
    _rewrite_card(model_copy, scorer_sha256=file_sha256(path))
    with pytest.raises(ModelIntegrityError, match="not a caretag scorer"):
        load_scorer(model_copy)
