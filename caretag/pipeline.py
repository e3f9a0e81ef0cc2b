"""The unfitted scikit-learn pipeline behind every caretag model."""
from __future__ import annotations

import functools

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from caretag.text import preprocess, preprocess_many

__all__ = ["build_pipeline", "stop_words", "STOP_WORD_CHOICES"]

# Pure function words with no horizon meaning. Standard Indonesian lists also hold akan, nanti, lagi, depan,
# agar, supaya, sebaiknya, kami, anda, which carry the care/service signal (see README: stop words).
_FUNCTION_WORDS = (
    "yang dan di ke dari ini itu dengan untuk pada adalah atau juga oleh sebagai dalam para si sang pun "
    "nya lah kah tah dong deh sih kok lho ya"
)
STOP_WORD_CHOICES = (None, "function", "sastrawi")


@functools.lru_cache(maxsize=None)
def stop_words(choice: str | None) -> tuple[str, ...] | None:
    """Stop words in model-token form for a choice of STOP_WORD_CHOICES (None keeps every word)."""
    if choice is None:
        return None
    if choice == "function":
        words = _FUNCTION_WORDS.split()
    elif choice == "sastrawi":
        from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

        words = StopWordRemoverFactory().get_stop_words()
    else:
        raise ValueError(f"stop_words must be one of {STOP_WORD_CHOICES}, got {choice!r}")
    return tuple(sorted({token for word in words for token in preprocess(word).split()}))


def build_pipeline(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] | None = None,
    min_df: int = 2,
    stop_word_choice: str | None = None,
    stemming: bool = False,
    C: float = 16.0,
    class_weight: str | None = "balanced",
    calibration_cv: int = 5,
) -> Pipeline:
    """Preprocess -> TF-IDF (word n-grams, optional char n-grams) -> calibrated logistic regression."""
    vectorizers = [
        ("word", TfidfVectorizer(
            token_pattern=r"\S+", lowercase=False, ngram_range=tuple(word_ngrams), min_df=min_df,
            sublinear_tf=True, stop_words=list(stop_words(stop_word_choice) or []) or None,
        )),
    ]
    if char_ngrams:
        vectorizers.append(("char", TfidfVectorizer(
            analyzer="char_wb", lowercase=False, ngram_range=tuple(char_ngrams), min_df=min_df,
            sublinear_tf=True, max_features=150_000,
        )))
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=C, class_weight=class_weight, max_iter=2000),
        method="sigmoid", cv=calibration_cv, ensemble=False,
    )
    return Pipeline([
        ("preprocess", FunctionTransformer(preprocess_many, kw_args={"stemming": stemming})),
        ("features", FeatureUnion(vectorizers)),
        ("classifier", classifier),
    ])
