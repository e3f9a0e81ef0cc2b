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
    extra costs (char n-grams, stemming, the stop list) still worth it once length no longer gives care away?
    Settings are spelled out in full, so the table does not change meaning when the defaults do."""
    old = {"char_ngrams": (2, 5), "stemming": True, "stop_word_choice": "function", "C": 8.0}
    yield old
    yield {**old, "char_ngrams": (3, 5)}
    yield {**old, "char_ngrams": None}
    yield {**old, "char_ngrams": None, "stemming": False}
    words = {"char_ngrams": None, "stemming": False, "stop_word_choice": None}
    for C in (8.0, 16.0, 32.0):
        yield {**words, "C": C}
    yield {**words, "C": 16.0, "stemming": True}
    yield {**words, "C": 16.0, "word_ngrams": (1, 3)}


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
    thresholds = (0.5, 0.6, 0.7)
    print("macro-F1 at care thresholds 0.5/0.6/0.7: cross-validated on train (CV), and on the archive after a fit"
          " on all of train")
    print(f"{'setting':<62}{'CV .5':>7}{'.6':>6}{'.7':>6}{'sd':>6}{'arch .5':>8}{'.6':>6}{'.7':>6}"
          f"{'real care% .6':>14}{'s':>5}")
    for setting in candidate_settings(args.quick, args.round):
        started = time.perf_counter()
        cv = {t: [] for t in thresholds}
        for fit_idx, test_idx in folds:
            model = CareClassifier(**setting).fit(list(texts[fit_idx]), list(labels[fit_idx]))
            care = model.care_score(list(texts[test_idx]))
            for t in thresholds:
                cv[t].append(f1_score(labels[test_idx], np.where(care >= t, "care", "service"), average="macro"))
        model = CareClassifier(**setting).fit(list(texts), list(labels))
        care = model.care_score(archive_texts)
        archive = [f1_score(archive_labels, np.where(care >= t, "care", "service"), average="macro")
                   for t in thresholds]
        real_share = f"{(model.care_score(real) >= 0.6).mean():.1%}" if real else ""
        name = ", ".join(f"{k}={v}" for k, v in setting.items()) or "default"
        print(f"{name:<62}" + "".join(f"{np.mean(cv[t]):>{w}.3f}" for t, w in zip(thresholds, (7, 6, 6)))
              + f"{np.std(cv[0.6]):>6.3f}" + "".join(f"{a:>{w}.3f}" for a, w in zip(archive, (8, 6, 6)))
              + f"{real_share:>14}{time.perf_counter() - started:>5.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
