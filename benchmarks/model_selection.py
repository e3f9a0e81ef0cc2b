"""Choose CareClassifier settings by cross-validation on the train split only (the test split is not read).

Folds are grouped by domain (GroupKFold), so a setting is rewarded for carrying over to domains it has not
seen rather than for memorising a domain's vocabulary. Prints one row per setting: mean macro-F1 over the
folds, its spread, and care precision. Also prints the share of real company replies each setting calls
care, when ../shared/realworld is present: not a label, only a warning sign, since real replies are
overwhelmingly transactional.

    python benchmarks/model_selection.py [--quick] [--round 2]
"""
from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, precision_score
from sklearn.model_selection import GroupKFold

from caretag import CareClassifier
from caretag.datasets import load_corpus

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "replies.csv"


def round_two():
    """Second round, around the best of the first (no char n-grams): stemming, C and word n-gram range."""
    for stemming in (True, False):
        for C in (2.0, 4.0, 8.0, 16.0):
            for word_ngrams in ((1, 2), (1, 3)):
                yield {"char_ngrams": None, "stemming": stemming, "C": C, "word_ngrams": word_ngrams}


def candidate_settings(quick: bool, round_: int = 1):
    if round_ == 2:
        yield from round_two()
        return
    if quick:
        yield {}
        yield {"char_ngrams": None}
        return
    base = CareClassifier().get_params()
    yield {}
    for stop in ("function", "sastrawi"):
        yield {"stop_word_choice": stop}
    yield {"stemming": False}
    for char in (None, (3, 5), (1, 4)):
        yield {"char_ngrams": char}
    for C in (1.0, 2.0, 8.0, 16.0):
        if C != base["C"]:
            yield {"C": C}
    yield {"word_ngrams": (1, 1)}
    yield {"word_ngrams": (1, 3)}
    yield {"min_df": 1}
    yield {"class_weight": None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two settings, two folds (a smoke run)")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--round", type=int, choices=(1, 2), default=1, help="2: search around round 1's best")
    args = parser.parse_args(argv)
    train = load_corpus("train")
    texts, labels = np.array(train.texts, dtype=object), np.array(train.labels)
    groups = np.array(train.column("domain"))
    folds = list(GroupKFold(n_splits=2 if args.quick else args.folds).split(texts, labels, groups))
    real = []
    if REALWORLD.is_file():
        with open(REALWORLD, encoding="utf-8", newline="") as handle:
            real = [row["text"] for row in csv.DictReader(handle)]
    print(f"{len(texts)} training replies, {len(folds)} domain-grouped folds, {len(real)} real replies")
    print(f"{'setting':<34}{'macro-F1':>9}{'sd':>7}{'care P':>8}{'real care%':>11}{'s':>6}")
    for setting in candidate_settings(args.quick, args.round):
        started = time.perf_counter()
        scores, precisions = [], []
        for fit_idx, test_idx in folds:
            model = CareClassifier(**setting).fit(list(texts[fit_idx]), list(labels[fit_idx]))
            predicted = model.predict(list(texts[test_idx]))
            scores.append(f1_score(labels[test_idx], predicted, average="macro"))
            precisions.append(precision_score(labels[test_idx], predicted, pos_label="care"))
        real_share = ""
        if real:
            model = CareClassifier(**setting).fit(list(texts), list(labels))
            real_share = f"{(model.predict(real) == 'care').mean():.1%}"
        name = ", ".join(f"{k}={v}" for k, v in setting.items()) or "default"
        print(f"{name:<34}{np.mean(scores):>9.3f}{np.std(scores):>7.3f}{np.mean(precisions):>8.3f}"
              f"{real_share:>11}{time.perf_counter() - started:>6.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
