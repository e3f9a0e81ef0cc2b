from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from caretag import CareClassifier, load_scorer
from caretag.scorer import CompiledScorer
from caretag.text import preprocess


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


def test_batch_path_equals_per_document_path(fitted_model, test_split):
    scorer = CompiledScorer.from_classifier(fitted_model)
    assert scorer._bigrams is not None  # the shipped settings take the array path
    texts = test_split.texts[:300] + ["", "!!!", "😊🙏", "a" * 30_000, "Rp 150.000 ke 0812-3456-7890 jam 10.00 wib"]
    per_document = [scorer._probability_of_care(preprocess(t, scorer.stemming, use_nltk=False)) for t in texts]
    np.testing.assert_allclose(scorer.care_score(texts), per_document, atol=1e-12)


def test_a_reply_scores_the_same_bits_in_any_batch(fitted_model, test_split):
    """Batch jobs split files into chunks of any size: a reply's score must not depend on its neighbours."""
    scorer = CompiledScorer.from_classifier(fitted_model)
    texts = test_split.texts[:120]
    together = scorer.care_score(texts)
    alone = np.array([scorer.care_score([t])[0] for t in texts])
    reversed_ = scorer.care_score(texts[::-1])[::-1]
    assert together.tobytes() == alone.tobytes() == reversed_.tobytes()


def test_threads_growing_the_token_table_agree_with_one_thread(fitted_model, corpus):
    texts = corpus.texts[:1200]
    expected = CompiledScorer.from_classifier(fitted_model).care_score(texts)
    scorer = CompiledScorer.from_classifier(fitted_model)  # empty table: threads register tokens concurrently
    chunks = [texts[i::6] for i in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(scorer.care_score, chunks))
    for i, result in enumerate(results):
        np.testing.assert_array_equal(result, expected[i::6])
