import numpy as np
import pytest

from caretag import CareClassifier, load_scorer
from caretag.scorer import CompiledScorer


def test_compiled_scorer_equals_pipeline(fitted_model, test_split):
    scorer = CompiledScorer.from_classifier(fitted_model)
    np.testing.assert_allclose(scorer.care_score(test_split.texts), fitted_model.care_score(test_split.texts),
                               atol=1e-9)
    assert (scorer.predict(test_split.texts) == fitted_model.predict(test_split.texts)).all()


@pytest.mark.parametrize("params", [dict(char_ngrams=None), dict(stop_word_choice="sastrawi", stemming=False),
                                    dict(word_ngrams=(1, 3), char_ngrams=(3, 4))])
def test_compiled_scorer_equals_pipeline_for_other_settings(train_split, test_split, params):
    model = CareClassifier(**params).fit(train_split.texts[:500], train_split.labels[:500])
    scorer = CompiledScorer.from_classifier(model)
    np.testing.assert_allclose(scorer.care_score(test_split.texts[:200]),
                               model.care_score(test_split.texts[:200]), atol=1e-9)


def test_saved_scorer_round_trips(saved_model_dir, fitted_model, test_split):
    scorer = load_scorer(saved_model_dir)
    np.testing.assert_allclose(scorer.care_score(test_split.texts), fitted_model.care_score(test_split.texts),
                               atol=1e-9)
    assert scorer.threshold == fitted_model.threshold
