"""CareClassifier: the scikit-learn estimator that labels replies ``service`` or ``care``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from caretag._validation import LABELS, check_labels, check_text, check_texts
from caretag.pipeline import build_pipeline

__all__ = ["CareClassifier", "TermWeight"]


@dataclass(frozen=True)
class TermWeight:
    """One feature's push on a decision: positive ``weight`` pushes towards ``care``."""

    term: str
    weight: float

    @property
    def direction(self) -> str:
        return "care" if self.weight > 0 else "service"


class CareClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF + calibrated logistic regression over normalised Indonesian replies.

    Parameters mirror :func:`caretag.pipeline.build_pipeline`; ``threshold`` is the care probability at or
    above which :meth:`predict` says ``care`` (kept when the model is saved). The defaults are the settings
    chosen by ``benchmarks/model_selection.py --round 3`` (word n-grams over slang-mapped, entity-masked tokens;
    PySastrawi stemming, stop lists and char n-grams are options that did not pay for themselves on the corpus).
    """

    def __init__(
        self,
        *,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] | None = None,
        min_df: int = 2,
        stop_word_choice: str | None = None,
        stemming: bool = False,
        C: float = 16.0,
        class_weight: str | None = "balanced",
        calibration_cv: int = 5,
        threshold: float = 0.6,
    ):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.stop_word_choice = stop_word_choice
        self.stemming = stemming
        self.C = C
        self.class_weight = class_weight
        self.calibration_cv = calibration_cv
        self.threshold = threshold

    def fit(self, X: Iterable[str], y: Iterable[str]) -> "CareClassifier":
        """Learn from replies ``X`` and their labels ``y`` (each ``'service'`` or ``'care'``)."""
        texts = check_texts(X)
        labels = check_labels(y, len(texts))
        params = self.get_params()
        params.pop("threshold")
        self.pipeline_ = build_pipeline(**params).fit(texts, labels)
        self.classes_ = np.array(sorted(LABELS))
        self._care_column = int(np.flatnonzero(self.pipeline_.classes_ == "care")[0])
        return self

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Probabilities per reply, columns in the order of ``classes_`` (care, service)."""
        check_is_fitted(self, "pipeline_")
        texts = check_texts(X)
        if not texts:
            return np.empty((0, 2))
        proba = self.pipeline_.predict_proba(texts)
        care = proba[:, self._care_column]
        return np.column_stack([care, 1.0 - care])

    def care_score(self, X: Iterable[str]) -> np.ndarray:
        """Probability of ``care`` for each reply."""
        return self.predict_proba(X)[:, 0]

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """``'care'`` where the care probability reaches ``threshold``, else ``'service'``."""
        return np.where(self.care_score(X) >= self.threshold, "care", "service")

    def explain(self, text: str, top: int = 10) -> list[TermWeight]:
        """The ``top`` terms of ``text`` that pushed the decision most, strongest first.

        A weight is the term's TF-IDF value times the model's coefficient (log-odds towards care), so the
        weights of all terms plus the intercept give the model's raw score; calibration is monotone and
        does not change which way a term pushes.
        """
        check_is_fitted(self, "pipeline_")
        text = check_text(text)
        prepared = self.pipeline_.named_steps["preprocess"].transform([text])
        features = self.pipeline_.named_steps["features"]
        row = features.transform(prepared).tocsr()
        care_coef = self._care_coefficients()
        names = self._feature_names()
        pushes = [TermWeight(str(names[j]), float(v * care_coef[j])) for j, v in zip(row.indices, row.data)]
        pushes.sort(key=lambda t: abs(t.weight), reverse=True)
        return pushes[:top]

    def top_terms(self, n: int = 20) -> dict[str, list[TermWeight]]:
        """The ``n`` features with the largest coefficient towards each label."""
        check_is_fitted(self, "pipeline_")
        coef = self._care_coefficients()
        names = self._feature_names()
        order = np.argsort(coef)
        return {
            "care": [TermWeight(str(names[j]), float(coef[j])) for j in order[::-1][:n]],
            "service": [TermWeight(str(names[j]), float(coef[j])) for j in order[:n]],
        }

    def save(self, directory: str | Path, **card_fields: Any) -> Path:
        """Write the model and its model card into ``directory``; see :func:`caretag.persistence.save_model`."""
        from caretag.persistence import save_model

        return save_model(self, directory, **card_fields)

    @classmethod
    def load(cls, path: str | Path) -> "CareClassifier":
        """Load a saved model after checking its integrity; see :func:`caretag.persistence.load_model`."""
        from caretag.persistence import load_model

        return load_model(path)

    def _care_coefficients(self) -> np.ndarray:
        calibrated = self.pipeline_.named_steps["classifier"].calibrated_classifiers_
        coef = np.mean([c.estimator.coef_[0] for c in calibrated], axis=0)
        # scikit-learn's binary coef_ points to classes_[1]; make positive mean care.
        return coef if self.pipeline_.classes_[1] == "care" else -coef

    def _feature_names(self) -> np.ndarray:
        if getattr(self, "_names", None) is None:
            names = self.pipeline_.named_steps["features"].get_feature_names_out()
            self._names = np.array([n.replace("word__", "").replace("char__", "char:") for n in names])
        return self._names

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
