"""Label quality and corpus growth: suspicious labels, replies worth labelling next, a care threshold."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from caretag._validation import check_labels, check_texts

__all__ = ["LabelIssue", "find_label_issues", "Suggestion", "suggest_for_labelling", "ThresholdChoice",
           "choose_threshold"]


@dataclass(frozen=True)
class LabelIssue:
    """A row whose given label the out-of-fold model disagrees with; ``disagreement`` = 1 - p(given label)."""

    index: int
    text: str
    given: str
    suggested: str
    disagreement: float


def find_label_issues(texts: Iterable[str], labels: Iterable[str], *, estimator=None, cv: int = 5,
                      top: int | None = None) -> list[LabelIssue]:
    """Rows ranked by how strongly out-of-fold predictions disagree with their given label, worst first.

    Each row is scored by a model that never saw it (``cv``-fold cross-validation), so a mislabelled row
    cannot vouch for itself. Only rows where the model prefers the other label are returned.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    from caretag.model import CareClassifier

    texts = check_texts(texts)
    labels = check_labels(labels, len(texts))
    estimator = clone(estimator) if estimator is not None else CareClassifier()
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=0)
    care = np.zeros(len(texts))
    for train, test in folds.split(texts, labels):
        model = clone(estimator).fit([texts[i] for i in train], [labels[i] for i in train])
        care[test] = model.care_score([texts[i] for i in test])
    issues = []
    for i, (text, given) in enumerate(zip(texts, labels)):
        p_given = care[i] if given == "care" else 1.0 - care[i]
        if p_given < 0.5:
            issues.append(LabelIssue(i, text, given, "service" if given == "care" else "care", float(1 - p_given)))
    issues.sort(key=lambda issue: issue.disagreement, reverse=True)
    return issues[:top] if top else issues


@dataclass(frozen=True)
class Suggestion:
    index: int
    text: str
    care_score: float


def suggest_for_labelling(texts: Iterable[str], n: int = 20, *, model=None) -> list[Suggestion]:
    """The ``n`` unlabelled replies the model is least sure of (care score nearest its threshold).

    Uncertainty sampling: labelling these teaches the model most per row. Duplicate texts are offered once;
    empty replies never.
    """
    from caretag.api import _shipped_model
    from caretag.text import has_content

    texts = check_texts(texts)
    model = model if model is not None else _shipped_model()
    seen, candidates = set(), []
    for i, text in enumerate(texts):
        key = " ".join(text.split()).lower()
        if key not in seen and has_content(text):
            seen.add(key)
            candidates.append(i)
    if not candidates:
        return []
    scores = model.care_score([texts[i] for i in candidates])
    order = np.argsort(np.abs(scores - model.threshold), kind="stable")[:n]
    return [Suggestion(candidates[j], texts[candidates[j]], float(scores[j])) for j in order]


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    precision: float
    recall: float


def choose_threshold(model, texts: Iterable[str], labels: Iterable[str], *,
                     min_precision: float = 0.9) -> ThresholdChoice:
    """The lowest care threshold whose care precision on these labelled replies reaches ``min_precision``.

    Use held-out replies (not the training rows). Apply it with ``model.set_params(threshold=choice.threshold)``;
    a saved model keeps its threshold.
    """
    from sklearn.metrics import precision_recall_curve

    texts = check_texts(texts)
    labels = check_labels(labels, len(texts))
    truth = np.array([label == "care" for label in labels])
    precision, recall, thresholds = precision_recall_curve(truth, model.care_score(texts))
    ok = np.flatnonzero(precision[:-1] >= min_precision)
    if not len(ok):
        raise ValueError(f"no threshold reaches care precision {min_precision} on these replies")
    best = ok[0]
    return ThresholdChoice(float(thresholds[best]), float(precision[best]), float(recall[best]))
