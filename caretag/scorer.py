"""CompiledScorer: a fitted CareClassifier's numbers in a NumPy archive, scored without scikit-learn.

Why it exists: importing scikit-learn takes ~2 s on a small machine and unpickling a model can run code.
The scorer holds only vocabularies, idf vectors, coefficients and the sigmoid calibration, stored with
``numpy.savez`` and read with ``allow_pickle=False``: loading it cannot execute anything, it works with any
scikit-learn version, and a fresh process labels its first reply in a fraction of a second. It reproduces
the pipeline's TF-IDF (sublinear tf, idf, l2 norm per vectorizer) and calibrated probability exactly
(tests/test_scorer.py compares the two).

Speed: each distinct token is mapped once to its feature ids (a memo table), and replies are scored in batches
with array operations; word ranges other than 1-1 or 1-2 fall back to scoring one reply at a time.
"""
from __future__ import annotations

import itertools
import json
import math
import threading
from collections import Counter
from pathlib import Path
from typing import Iterable

import numpy as np

from caretag.text import model_tokens, preprocess, surface_tokens

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

    def grams_ids(self, token: str) -> list[int]:
        vocabulary = self.vocabulary
        return [vocabulary[g] for g in _char_wb_grams_of_word(token, self.ngram_range) if g in vocabulary]

    def ids_of(self, token: str) -> tuple[int, ...]:
        ids = self._token_ids.get(token)
        if ids is None:
            ids = tuple(self.grams_ids(token))
            if len(self._token_ids) < _TOKEN_CACHE_LIMIT:
                self._token_ids[token] = ids
        return ids

    def score_tokens(self, tokens: list[str]) -> float:
        ids: list[int] = []
        for token in tokens:
            ids.extend(self.ids_of(token))
        return self.score_ids(ids)


_SUBLINEAR = np.zeros(1)
_SUBLINEAR_LOCK = threading.Lock()


def _sublinear_tf(largest: int) -> np.ndarray:
    """Table of 1 + ln(count) by count, from math.log: NumPy's vectorised log can differ in the last bit
    with an element's position in the array, and a score must not depend on which batch a reply is in."""
    global _SUBLINEAR
    table = _SUBLINEAR
    if largest >= len(table):
        with _SUBLINEAR_LOCK:
            size = max(largest + 1, 2 * len(_SUBLINEAR), 1024)
            table = np.array([0.0] + [1.0 + math.log(k) for k in range(1, size)])
            _SUBLINEAR = table
    return table


def _tfidf_scores(doc: np.ndarray, feature: np.ndarray, n_docs: int, idf: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Per document: (sublinear-tf * idf, l2-normalised) . coef, from one (doc, feature) pair per occurrence.

    Occurrences are counted by sorting one integer key per pair (document in the high bits): 32-bit keys when
    they fit, which halves the cost of the sort; what follows runs on native-width integers, which NumPy's
    gathers and bincount take without a conversion pass.
    """
    if not len(feature):
        return np.zeros(n_docs)
    shift = max(1, int(len(idf) - 1).bit_length())
    dtype = np.int32 if (n_docs << shift) < 2**31 else np.int64
    key = (doc.astype(dtype) << shift) | feature.astype(dtype)
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    counts = np.empty_like(starts)
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = len(key) - starts[-1]
    unique = key[starts].astype(np.intp)
    doc_of = unique >> shift
    feature_of = unique & ((1 << shift) - 1)
    weights = np.take(_sublinear_tf(int(counts.max())), counts) * np.take(idf, feature_of)
    dot = np.bincount(doc_of, weights * np.take(coef, feature_of), minlength=n_docs)
    norm = np.sqrt(np.bincount(doc_of, weights * weights, minlength=n_docs))
    return np.divide(dot, norm, out=np.zeros(n_docs), where=norm > 0)


class _TermTable:
    """Memo of everything a scorer needs per distinct token, so a batch is scored with array operations.

    surface token -> model-term indices; per term: word-unigram id (-1 if not in the vocabulary), stop-word
    flag, and its char_wb n-gram ids (a slice of one growing array). Registration is locked; readers take a
    snapshot of the arrays after registering their own terms, so threads can score concurrently.
    """

    def __init__(self, scorer: "CompiledScorer"):
        self.scorer = scorer
        self.surface: dict[str, tuple[int, ...]] = {}
        self.terms: dict[str, int] = {}
        self.lock = threading.Lock()
        self.word_id = np.empty(1024, dtype=np.int64)
        self.stop = np.empty(1024, dtype=bool)
        self.char_start = np.empty(1024, dtype=np.int64)
        self.char_len = np.empty(1024, dtype=np.int64)
        self.char_ids = np.empty(16384, dtype=np.int64)
        self.char_used = 0

    def __len__(self) -> int:
        return len(self.terms)

    def _term(self, token: str) -> int:
        index = self.terms.get(token)
        if index is not None:
            return index
        index = len(self.terms)
        if index == len(self.word_id):
            for name in ("word_id", "stop", "char_start", "char_len"):
                old = getattr(self, name)
                grown = np.empty(2 * len(old), dtype=old.dtype)
                grown[:len(old)] = old
                setattr(self, name, grown)
        scorer = self.scorer
        self.word_id[index] = scorer.word.vocabulary.get(token, -1)
        self.stop[index] = bool(scorer.stop_words) and token in scorer.stop_words
        ids = scorer.char.grams_ids(token) if scorer.char is not None else ()
        end = self.char_used + len(ids)
        if end > len(self.char_ids):
            grown = np.empty(max(2 * len(self.char_ids), end), dtype=np.int64)
            grown[:self.char_used] = self.char_ids[:self.char_used]
            self.char_ids = grown
        self.char_ids[self.char_used:end] = ids
        self.char_start[index], self.char_len[index] = self.char_used, len(ids)
        self.char_used = end
        self.terms[token] = index
        return index

    def register(self, surface: str) -> tuple[int, ...]:
        with self.lock:
            indices = self.surface.get(surface)
            if indices is None:
                indices = tuple(self._term(t) for t in model_tokens(surface, self.scorer.stemming))
                self.surface[surface] = indices
            return indices

    def snapshot(self) -> tuple[np.ndarray, ...]:
        with self.lock:
            return self.word_id, self.stop, self.char_start, self.char_len, self.char_ids


# Texts scored together in one set of array operations; big enough to amortise NumPy's per-call cost.
_BATCH = 256


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
        self._bigrams = self._bigram_index() if self.word_ngrams[0] == 1 and self.word_ngrams[1] <= 2 else None
        self._table = _TermTable(self)
        self._table_lock = threading.Lock()

    def _bigram_index(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Word bigrams keyed by their two unigram ids (sorted keys, feature ids), for array lookups.

        Every bigram in a min_df vocabulary is made of two in-vocabulary unigrams (a pair occurs no more
        often than its parts); if a vocabulary breaks that, the per-document path is used instead.
        """
        vocabulary = self.word.vocabulary
        width = len(vocabulary)
        keys, ids = [], []
        for term, index in vocabulary.items():
            if " " in term:
                first, second = term.split(" ")
                if first not in vocabulary or second not in vocabulary:
                    return None
                keys.append(vocabulary[first] * width + vocabulary[second])
                ids.append(index)
        keys = np.array(keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        return keys[order], np.array(ids, dtype=np.int64)[order]

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
        return self._calibrated(f)

    def _calibrated(self, decision: float) -> float:
        """Care probability from the decision function: scikit-learn's sigmoid p = 1 / (1 + exp(a * f + b)) for
        classes_[1], flipped when that class is service. math.exp per reply, so that a reply gets the same bits
        whichever batch it is scored in (NumPy's vectorised exp may differ in the last bit)."""
        a, b = self.calibration
        z = a * decision + b
        positive = 1.0 / (1.0 + math.exp(z)) if z < 700 else 0.0  # exp overflows past ~709
        return positive if self.meta["positive_class"] == "care" else 1.0 - positive

    def care_score(self, texts: Iterable[str]) -> np.ndarray:
        """Probability of ``care`` for each reply (texts must already be checked to be strings)."""
        texts = list(texts)
        if self._bigrams is None:
            return np.array([self._probability_of_care(preprocess(t, self.stemming, use_nltk=False))
                             for t in texts], dtype=np.float64)
        out = np.empty(len(texts), dtype=np.float64)
        for start in range(0, len(texts), _BATCH):
            out[start:start + _BATCH] = self._score_batch(texts[start:start + _BATCH])
        return out

    def _current_table(self) -> _TermTable:
        # A table past the size limit is replaced, not cleared: a batch in flight keeps the one it started with.
        with self._table_lock:
            if len(self._table) > _TOKEN_CACHE_LIMIT:
                self._table = _TermTable(self)
            return self._table

    def _score_batch(self, texts: list[str]) -> np.ndarray:
        """The pipeline's calibrated probability for a batch, computed with array operations."""
        table = self._current_table()
        memo, register = table.surface, table.register
        per_doc = [[index for token in surface_tokens(text, use_nltk=False)
                    for index in (memo.get(token) or register(token))] for text in texts]
        word_id, stop, char_start, char_len, char_ids = table.snapshot()
        n_docs = len(texts)
        lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=n_docs)
        terms = np.fromiter(itertools.chain.from_iterable(per_doc), dtype=np.int64, count=int(lengths.sum()))
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        f = np.full(n_docs, self.intercept) + self._word_scores(terms, doc, n_docs, word_id, stop)
        if self.char is not None:
            counts = char_len[terms]
            total = int(counts.sum())
            offsets = np.repeat(char_start[terms] - (np.cumsum(counts) - counts), counts) + np.arange(total)
            f += _tfidf_scores(np.repeat(doc, counts), char_ids[offsets], n_docs, self.char.idf, self.char.coef)
        return np.array([self._calibrated(decision) for decision in f.tolist()])

    def _word_scores(self, terms, doc, n_docs, word_id, stop) -> np.ndarray:
        if self.stop_words:
            keep = ~stop[terms]
            terms, doc = terms[keep], doc[keep]
        ids = word_id[terms]
        known = ids >= 0
        docs, features = [doc[known]], [ids[known]]
        if self.word_ngrams[1] == 2 and len(ids) > 1:
            first, second = ids[:-1], ids[1:]
            pair = (doc[:-1] == doc[1:]) & (first >= 0) & (second >= 0)
            keys = first[pair] * len(self.word.idf) + second[pair]
            bigram_keys, bigram_ids = self._bigrams
            if len(bigram_keys):
                at = np.minimum(np.searchsorted(bigram_keys, keys), len(bigram_keys) - 1)
                hit = bigram_keys[at] == keys
                docs.append(doc[:-1][pair][hit])
                features.append(bigram_ids[at[hit]])
        return _tfidf_scores(np.concatenate(docs), np.concatenate(features), n_docs, self.word.idf, self.word.coef)

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
