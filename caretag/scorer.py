"""CompiledScorer: a fitted CareClassifier's numbers in a NumPy archive, scored without scikit-learn.

Why it exists: importing scikit-learn takes ~2 s on a small machine and unpickling a model can run code.
The scorer holds only vocabularies, idf vectors, coefficients and the sigmoid calibration, stored with
``numpy.savez`` and read with ``allow_pickle=False``: loading it cannot execute anything, it works with any
scikit-learn version, and a fresh process labels its first reply in a fraction of a second. It reproduces
the pipeline's TF-IDF (sublinear tf, idf, l2 norm per vectorizer) and calibrated probability exactly
(tests/test_scorer.py compares the two).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Iterable

import numpy as np

from caretag.text import preprocess

__all__ = ["CompiledScorer", "SCORER_FORMAT"]

SCORER_FORMAT = 1


def _word_ngrams(tokens: list[str], ngram_range: tuple[int, int], stop: frozenset | None) -> list[str]:
    if stop:
        tokens = [t for t in tokens if t not in stop]
    low, high = ngram_range
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _char_wb_grams_of_word(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """scikit-learn's char_wb n-grams of one word (padded with a space each side)."""
    low, high = ngram_range
    word = f" {word} "
    length = len(word)
    grams = []
    for n in range(low, high + 1):
        if length <= n:  # a word no longer than n counts once, whole, as in scikit-learn
            grams.append(word)
            break
        grams.extend(word[i:i + n] for i in range(length - n + 1))
    return grams


# A block stops memoising new tokens past this many (typos and names are open-ended); ~100 bytes each.
_TOKEN_CACHE_LIMIT = 300_000


class _Block:
    """One TF-IDF vectorizer's share of the features (sublinear tf, idf, l2 norm, linear weights)."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, coef: np.ndarray):
        self.vocabulary = vocabulary
        self.idf = idf
        self.coef = coef

    def score_ids(self, ids: list[int]) -> float:
        if not ids:
            return 0.0
        counts = Counter(ids)
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = (1.0 + np.log(tf)) * self.idf[index]
        norm = math.sqrt(float(weights @ weights))
        return float(weights @ self.coef[index]) / norm if norm else 0.0

    def score(self, grams: list[str]) -> float:
        vocabulary = self.vocabulary
        return self.score_ids([vocabulary[g] for g in grams if g in vocabulary])


class _CharBlock(_Block):
    """Char n-gram features, memoised per distinct token: a document's char_wb n-grams are its words'."""

    def __init__(self, vocabulary, idf, coef, ngram_range: tuple[int, int]):
        super().__init__(vocabulary, idf, coef)
        self.ngram_range = ngram_range
        self._token_ids: dict[str, tuple[int, ...]] = {}

    def ids_of(self, token: str) -> tuple[int, ...]:
        ids = self._token_ids.get(token)
        if ids is None:
            vocabulary = self.vocabulary
            ids = tuple(vocabulary[g] for g in _char_wb_grams_of_word(token, self.ngram_range) if g in vocabulary)
            if len(self._token_ids) < _TOKEN_CACHE_LIMIT:
                self._token_ids[token] = ids
        return ids

    def score_tokens(self, tokens: list[str]) -> float:
        ids: list[int] = []
        for token in tokens:
            ids.extend(self.ids_of(token))
        return self.score_ids(ids)


class CompiledScorer:
    """Care probabilities from a compiled model; same ``care_score``/``threshold`` interface as CareClassifier."""

    def __init__(self, meta: dict, arrays: dict[str, np.ndarray]):
        self.meta = meta
        self.threshold = float(meta["threshold"])
        self.stemming = bool(meta["stemming"])
        self.word_ngrams = tuple(meta["word_ngrams"])
        self.char_ngrams = tuple(meta["char_ngrams"]) if meta.get("char_ngrams") else None
        self.stop_words = frozenset(meta["stop_words"]) if meta.get("stop_words") else None
        self.intercept = float(arrays["intercept"])
        self.calibration = (float(arrays["calibration"][0]), float(arrays["calibration"][1]))
        self.word = _Block(self._vocab(arrays["word_terms"]), arrays["word_idf"], arrays["word_coef"])
        self.char = (_CharBlock(self._vocab(arrays["char_terms"]), arrays["char_idf"], arrays["char_coef"],
                                self.char_ngrams) if self.char_ngrams else None)

    @staticmethod
    def _vocab(terms: np.ndarray) -> dict[str, int]:
        return {str(term): i for i, term in enumerate(terms)}

    @classmethod
    def from_classifier(cls, model) -> "CompiledScorer":
        """Compile a fitted :class:`caretag.CareClassifier`."""
        pipeline = model.pipeline_
        union = pipeline.named_steps["features"]
        vectorizers = dict(union.transformer_list)
        calibrated = pipeline.named_steps["classifier"].calibrated_classifiers_
        if len(calibrated) != 1:
            raise ValueError("only models calibrated with ensemble=False can be compiled")
        estimator, calibrator = calibrated[0].estimator, calibrated[0].calibrators[0]
        # scikit-learn's binary decision function points to classes_[1]; the calibrator maps it to that
        # class's probability: p = expit(-(a * f + b)).
        positive = str(pipeline.classes_[1])
        coef = estimator.coef_[0].astype(np.float64)
        arrays = {"intercept": np.array(float(estimator.intercept_[0])),
                  "calibration": np.array([calibrator.a_, calibrator.b_], dtype=np.float64)}
        start = 0
        for name in ("word", "char"):
            if name not in vectorizers:
                continue
            vec = vectorizers[name]
            terms = vec.get_feature_names_out()
            arrays[f"{name}_terms"] = terms.astype(str)
            arrays[f"{name}_idf"] = vec.idf_.astype(np.float64)
            arrays[f"{name}_coef"] = coef[start:start + len(terms)]
            start += len(terms)
        word = vectorizers["word"]
        meta = {
            "scorer_format": SCORER_FORMAT,
            "positive_class": positive,
            "threshold": float(model.threshold),
            "stemming": bool(model.stemming),
            "word_ngrams": list(word.ngram_range),
            "char_ngrams": list(vectorizers["char"].ngram_range) if "char" in vectorizers else None,
            "stop_words": sorted(word.stop_words) if word.stop_words else None,
        }
        return cls(meta, arrays)

    def _probability_of_care(self, prepared: str) -> float:
        tokens = prepared.split()
        f = self.intercept + self.word.score(_word_ngrams(tokens, self.word_ngrams, self.stop_words))
        if self.char is not None:
            f += self.char.score_tokens(tokens)
        a, b = self.calibration
        z = a * f + b
        positive = 1.0 / (1.0 + math.exp(z)) if z > -700 else 1.0
        return positive if self.meta["positive_class"] == "care" else 1.0 - positive

    def care_score(self, texts: Iterable[str]) -> np.ndarray:
        """Probability of ``care`` for each reply (texts must already be checked to be strings)."""
        return np.array([self._probability_of_care(preprocess(t, self.stemming, use_nltk=False))
                         for t in texts], dtype=np.float64)

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        return np.where(self.care_score(texts) >= self.threshold, "care", "service")

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        arrays = {"intercept": np.array(self.intercept), "calibration": np.array(self.calibration),
                  "word_terms": np.array(list(self.word.vocabulary), dtype=str),
                  "word_idf": self.word.idf, "word_coef": self.word.coef,
                  "meta": np.array(json.dumps(self.meta, ensure_ascii=False))}
        if self.char is not None:
            arrays.update(char_terms=np.array(list(self.char.vocabulary), dtype=str),
                          char_idf=self.char.idf, char_coef=self.char.coef)
        with open(path, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> "CompiledScorer":
        """Read a scorer archive; pickled objects are refused by NumPy, so nothing in it can run code."""
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
        meta = json.loads(str(arrays.pop("meta")))
        if meta.get("scorer_format") != SCORER_FORMAT:
            raise ValueError(f"scorer format {meta.get('scorer_format')} is not {SCORER_FORMAT}")
        return cls(meta, arrays)
