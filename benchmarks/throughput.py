"""Replies per second in one process: caretag.classify_many against (a) the plain TF-IDF pipeline (no Indonesian
processing: the practical ceiling) and a naive pipeline that calls PySastrawi's own stem() on every document.

Input: the real replies in ../shared/realworld/replies.csv cycled to N (default 100,000), or the corpus when
that file is absent. Each contender is fitted on the corpus train split first (not timed), then times
predicting all N replies once, in this one process. Prints rates and the ratios measured in this run.

    python benchmarks/throughput.py [-n 100000]
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import caretag
from caretag.datasets import load_corpus

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "replies.csv"


def replies(n: int) -> tuple[list[str], str]:
    if REALWORLD.is_file():
        with open(REALWORLD, encoding="utf-8", newline="") as handle:
            base, source = [row["text"] for row in csv.DictReader(handle)], "real company replies"
    else:
        base, source = load_corpus().texts, "corpus replies"
    return [base[i % len(base)] for i in range(n)], source


_sastrawi = None


def sastrawi_stem_docs(texts):
    """The naive pipeline's first step: PySastrawi's own CachedStemmer.stem() on each whole document."""
    global _sastrawi
    if _sastrawi is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        _sastrawi = StemmerFactory().create_stemmer()
    return [_sastrawi.stem(t) for t in texts]


def plain_tfidf():
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                         LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000))


def naive_sastrawi():
    return make_pipeline(FunctionTransformer(sastrawi_stem_docs),
                         TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                         LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000))


def timed(label: str, predict, texts) -> float:
    started = time.perf_counter()
    result = predict(texts)
    seconds = time.perf_counter() - started
    assert len(result) == len(texts)
    rate = len(texts) / seconds
    print(f"{label:<42}{rate:>12,.0f} replies/s  ({seconds:.1f} s)", flush=True)
    return rate


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="replies to label (default 100,000)")
    args = parser.parse_args(argv)
    texts, source = replies(args.n)
    train = load_corpus("train")
    print(f"{len(texts):,} {source}, one process")
    scorer = caretag.load_scorer()
    plain = plain_tfidf().fit(train.texts, train.labels)
    naive = naive_sastrawi().fit(train.texts, train.labels)
    ours = timed("caretag.classify_many (shipped model)", lambda t: caretag.classify_many(t, model=scorer), texts)
    ceiling = timed("(a) plain TF-IDF + LR predict_proba", plain.predict_proba, texts)
    slow = timed("naive PySastrawi stem() + TF-IDF + LR", naive.predict_proba, texts)
    print(f"ratio caretag / plain TF-IDF:   {ours / ceiling:.2f}x  (target >= 0.70x)")
    print(f"ratio caretag / naive Sastrawi: {ours / slow:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
