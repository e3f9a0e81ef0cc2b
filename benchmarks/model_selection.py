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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import archive_set  # noqa: E402  (the out-of-style archive: written apart, never trained on)

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "replies.csv"


def round_two():
    """Second round, around the best of the first (no char n-grams): stemming, C and word n-gram range."""
    for stemming in (True, False):
        for C in (2.0, 4.0, 8.0, 16.0):
            for word_ngrams in ((1, 2), (1, 3)):
                yield {"char_ngrams": None, "stemming": stemming, "C": C, "word_ngrams": word_ngrams}


def round_three():
    """Third round, after the length-matched rows were added to the corpus (data/README.md): is each of the
    extra costs (char n-grams, stemming, the stop list) still worth it once length no longer gives care away?"""
    yield {}
    yield {"char_ngrams": (3, 5)}
    yield {"char_ngrams": None}
    yield {"char_ngrams": None, "stemming": False}
    yield {"char_ngrams": (3, 5), "stemming": False}
    yield {"char_ngrams": (3, 5), "C": 4.0}
    yield {"char_ngrams": (3, 5), "C": 16.0}
    yield {"char_ngrams": None, "C": 16.0}
    yield {"char_ngrams": (3, 5), "stop_word_choice": None}


def candidate_settings(quick: bool, round_: int = 1):
    if round_ == 2:
        yield from round_two()
        return
    if round_ == 3:
        yield from round_three()
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
    parser.add_argument("--round", type=int, choices=(1, 2, 3), default=1,
                        help="2: search around round 1's best; 3: after the length-matched rows")
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
    archive_texts, archive_labels = archive_set()
    print("macro-F1 at thresholds 0.5 and 0.7: cross-validated on train, and on the archive after a fit on train")
    print(f"{'setting':<44}{'CV@.5':>7}{'CV@.7':>7}{'sd':>6}{'care P@.7':>10}{'arch@.5':>8}{'arch@.7':>8}"
          f"{'real care%@.7':>14}{'s':>6}")
    for setting in candidate_settings(args.quick, args.round):
        started = time.perf_counter()
        at_half, at_seven, precisions = [], [], []
        for fit_idx, test_idx in folds:
            model = CareClassifier(**setting).fit(list(texts[fit_idx]), list(labels[fit_idx]))
            care = model.care_score(list(texts[test_idx]))
            at_half.append(f1_score(labels[test_idx], np.where(care >= 0.5, "care", "service"), average="macro"))
            predicted = np.where(care >= 0.7, "care", "service")
            at_seven.append(f1_score(labels[test_idx], predicted, average="macro"))
            precisions.append(precision_score(labels[test_idx], predicted, pos_label="care"))
        model = CareClassifier(**setting).fit(list(texts), list(labels))
        care = model.care_score(archive_texts)
        archive = [f1_score(archive_labels, np.where(care >= t, "care", "service"), average="macro") for t in (.5, .7)]
        real_share = f"{(model.care_score(real) >= 0.7).mean():.1%}" if real else ""
        name = ", ".join(f"{k}={v}" for k, v in setting.items()) or "default"
        print(f"{name:<44}{np.mean(at_half):>7.3f}{np.mean(at_seven):>7.3f}{np.std(at_seven):>6.3f}"
              f"{np.mean(precisions):>10.3f}{archive[0]:>8.3f}{archive[1]:>8.3f}{real_share:>14}"
              f"{time.perf_counter() - started:>6.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
