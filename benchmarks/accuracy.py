"""caretag against the peers a user would pick instead, same data, one run.

Peers: (a) plain scikit-learn TF-IDF + logistic regression on lower-cased text, no Indonesian processing;
(b) fastText supervised (optional: skipped with a message if `fasttext` is not installed);
(c) a keyword rule built from the codebook's care cue words, the baseline a helpdesk would write by hand.
Measures: test-split macro-F1 and per-class F1; leave-one-domain-out (LODO) over all rows: for each domain,
fit on every other domain and test on it, mean macro-F1 over domains; and "archive": macro-F1 on the 327
labelled replies of data/sample_archive.csv (written separately from the corpus, in another style, by another
writing session; intended labels in data/sample_archive_intended.csv; never trained on), fitted on the train split.

    python benchmarks/accuracy.py            # full
    python benchmarks/accuracy.py --quick    # 2 domains, for CI smoke runs
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline

from caretag import CareClassifier
from caretag.datasets import data_path, load_corpus

# Care cues from the codebook's list of care acts: future horizon, prevention, follow-up, advice, coaching.
CARE_CUES = re.compile(
    r"\b(ke ?depan(nya)?|lain kali|agar tidak|supaya tidak|biar (gak|ga|nggak|tidak)|tidak terulang|jangka panjang|"
    r"bulan depan|minggu depan|tahun depan|saran(kan)?|rekomendasi|sebaiknya|tips|memastikan|menghubungi (lagi|kembali)|"
    r"hubungi (lagi|kembali)|follow ?up|pengingat|reminder|berkembang|bisnis|usaha (anda|bapak|ibu|kakak)|"
    r"pelatihan|belajar|mandiri|sendiri|pola)\b", re.I)


class KeywordRule:
    """care when any codebook cue phrase occurs."""

    def fit(self, texts, labels):
        return self

    def predict(self, texts):
        return np.array(["care" if CARE_CUES.search(t) else "service" for t in texts])


def plain_tfidf():
    """Peer (a): what a generalist writes first: lower-cased word 1-2-grams, logistic regression."""
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                         LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000))


class FastText:
    """Peer (b): fastText supervised with word bigrams; the usual settings for short-text classification."""

    def __init__(self):
        import fasttext  # noqa: F401  (fails here when not installed)

    def fit(self, texts, labels):
        import fasttext

        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
            for text, label in zip(texts, labels):
                handle.write(f"__label__{label} {' '.join(text.lower().split())}\n")
        self.model = fasttext.train_supervised(handle.name, epoch=25, lr=0.5, wordNgrams=2, dim=50, minCount=1,
                                               verbose=0, seed=0, thread=1)
        Path(handle.name).unlink()
        return self

    def predict(self, texts):
        labels, _ = self.model.predict([" ".join(t.lower().split()) for t in texts])
        return np.array([label[0].replace("__label__", "") for label in labels])


def peers():
    yield "caretag", CareClassifier
    yield "(a) plain TF-IDF + LR", plain_tfidf
    try:
        FastText()
        yield "(b) fastText", FastText
    except ImportError:
        print("(b) fastText skipped: `pip install fasttext` failed or is not installed", file=sys.stderr)
    yield "(c) keyword rule", KeywordRule


def archive_set() -> tuple[list[str], list[str]]:
    """The sample archive's replies with the labels their writer intended (empty replies left out)."""
    import csv

    with open(data_path("sample_archive.csv"), encoding="utf-8", newline="") as handle:
        replies = {row["ticket_id"]: row["agent_reply"] for row in csv.DictReader(handle)}
    with open(data_path("sample_archive_intended.csv"), encoding="utf-8", newline="") as handle:
        intended = [(row["ticket_id"], row["intended_label"]) for row in csv.DictReader(handle)]
    pairs = [(replies[t], label) for t, label in intended if label in ("service", "care")]
    return [text for text, _ in pairs], [label for _, label in pairs]


def scores(y_true, y_pred):
    per_class = f1_score(y_true, y_pred, labels=["service", "care"], average=None)
    return f1_score(y_true, y_pred, average="macro"), per_class[0], per_class[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    train, test, everything = load_corpus("train"), load_corpus("test"), load_corpus()
    domains = sorted(set(everything.column("domain")))[: 2 if args.quick else None]
    texts, labels = np.array(everything.texts, dtype=object), np.array(everything.labels)
    groups = np.array(everything.column("domain"))
    print(f"test split: {len(test)} replies; LODO: {len(domains)} domains over {len(texts)} replies")
    archive_texts, archive_labels = archive_set()
    print(f"{'model':<24}{'test macro-F1':>14}{'F1 service':>11}{'F1 care':>9}{'LODO mean':>11}{'LODO min':>10}"
          f"{'archive':>9}{'s':>6}")
    results = {}
    for name, make in peers():
        started = time.perf_counter()
        fitted = make().fit(train.texts, train.labels)
        test_scores = scores(test.labels, fitted.predict(test.texts))
        archive = f1_score(archive_labels, fitted.predict(archive_texts), average="macro")
        lodo = []
        for domain in domains:
            held = groups == domain
            model = make().fit(list(texts[~held]), list(labels[~held]))
            lodo.append(f1_score(labels[held], model.predict(list(texts[held])), average="macro"))
        results[name] = (test_scores[0], np.mean(lodo), archive)
        print(f"{name:<24}{test_scores[0]:>14.3f}{test_scores[1]:>11.3f}{test_scores[2]:>9.3f}{np.mean(lodo):>11.3f}"
              f"{np.min(lodo):>10.3f}{archive:>9.3f}{time.perf_counter() - started:>6.0f}", flush=True)
    ours = results.pop("caretag")
    for i, measure in enumerate(("test macro-F1", "LODO mean", "archive")):
        ahead = all(ours[i] > other[i] for other in results.values())
        print(f"caretag ahead of every peer on {measure}: {'yes' if ahead else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
