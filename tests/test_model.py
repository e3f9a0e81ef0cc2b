import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_set_params,
)

from caretag import CareClassifier, DataError, InvalidInputError, build_pipeline


@pytest.fixture(scope="module")
def small(train_split):
    """400 training rows: enough to fit, fast enough for many fits."""
    return train_split.texts[:400], train_split.labels[:400]


def test_sklearn_contract_checks():
    est = CareClassifier()
    check_no_attributes_set_in_init("CareClassifier", est)
    check_get_params_invariance("CareClassifier", est)
    check_set_params("CareClassifier", est)


def test_fit_returns_self_and_sets_fitted_attributes(small):
    est = CareClassifier(char_ngrams=None)
    assert est.fit(*small) is est
    assert list(est.classes_) == ["care", "service"]
    assert hasattr(est, "pipeline_")


def test_clone_keeps_params_and_drops_fit(fitted_model):
    copy = clone(fitted_model)
    assert copy.get_params() == fitted_model.get_params()
    assert not hasattr(copy, "pipeline_")


def test_grid_search_and_pipeline_composition(small):
    search = GridSearchCV(CareClassifier(char_ngrams=None, calibration_cv=3), {"C": [0.5, 4.0]},
                          cv=3, scoring="f1_macro").fit(*small)
    assert search.best_params_["C"] in (0.5, 4.0)
    assert set(search.predict(small[0][:5])) <= {"service", "care"}
    outer = Pipeline([("model", CareClassifier(char_ngrams=None))]).fit(*small)
    assert outer.predict(small[0][:3]).shape == (3,)


def test_build_pipeline_is_a_plain_clonable_pipeline(small):
    pipe = clone(build_pipeline(char_ngrams=None))
    pipe.fit(*small)
    assert pipe.predict_proba(small[0][:2]).shape == (2, 2)


def test_pickle_round_trip_gives_same_scores(fitted_model, test_split):
    again = pickle.loads(pickle.dumps(fitted_model))
    np.testing.assert_array_equal(again.care_score(test_split.texts), fitted_model.care_score(test_split.texts))


def test_predict_follows_threshold(fitted_model, test_split):
    scores = fitted_model.care_score(test_split.texts)
    strict = pickle.loads(pickle.dumps(fitted_model)).set_params(threshold=0.9)
    assert (strict.predict(test_split.texts) == "care").sum() == (scores >= 0.9).sum()
    assert ((fitted_model.predict(test_split.texts) == "care") == (scores >= fitted_model.threshold)).all()


def test_probabilities_are_valid(fitted_model, test_split):
    proba = fitted_model.predict_proba(test_split.texts)
    assert proba.shape == (len(test_split.texts), 2)
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_explain_points_the_right_way(fitted_model):
    care_text = ("Biar tagihan bulan depan tidak telat lagi, saya sarankan aktifkan autodebet dan "
                 "pengingat H-3. Minggu depan saya hubungi Ibu lagi untuk memastikan sudah jalan.")
    terms = fitted_model.explain(care_text, top=5)
    assert 1 <= len(terms) <= 5
    assert terms == sorted(terms, key=lambda t: abs(t.weight), reverse=True)
    assert sum(t.weight for t in fitted_model.explain(care_text, top=1000)) > 0
    assert all(t.direction == ("care" if t.weight > 0 else "service") for t in terms)


def test_top_terms_have_opposite_signs(fitted_model):
    top = fitted_model.top_terms(5)
    assert all(t.weight > 0 for t in top["care"]) and all(t.weight < 0 for t in top["service"])


@pytest.mark.parametrize("bad", [None, float("nan"), 3, b"bytes", ["nested"]])
def test_non_string_input_is_refused_with_position(fitted_model, bad):
    with pytest.raises(InvalidInputError, match="position 1"):
        fitted_model.predict(["ok", bad])


def test_bare_string_is_refused(fitted_model):
    with pytest.raises(InvalidInputError, match="Iterable over raw text documents expected"):
        fitted_model.predict("satu balasan")


def test_bad_labels_are_refused():
    with pytest.raises(DataError, match="position 1"):
        CareClassifier().fit(["a", "b"], ["service", "maybe"])
    with pytest.raises(DataError, match="both labels"):
        CareClassifier().fit(["a", "b"], ["service", "service"])
    with pytest.raises(DataError, match="2 texts but 1 labels"):
        CareClassifier().fit(["a", "b"], ["service"])
