"""Scoring a model on labelled replies: overall, per class, and leave-one-group-out (e.g. per domain)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from caretag._validation import LABELS, check_labels, check_texts

__all__ = ["EvaluationReport", "evaluate", "evaluate_by_group"]


@dataclass
class EvaluationReport:
    """Macro-F1, accuracy, per-class precision/recall/F1 and the confusion matrix of one evaluation."""

    n: int
    macro_f1: float
    accuracy: float
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    labels: tuple[str, ...] = LABELS
    by_group: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {"n": self.n, "macro_f1": self.macro_f1, "accuracy": self.accuracy,
               "per_class": self.per_class, "confusion": {"labels": list(self.labels), "matrix": self.confusion}}
        if self.by_group:
            out["by_group"] = self.by_group
        return out

    def __str__(self) -> str:
        lines = [f"{self.n} replies: macro-F1 {self.macro_f1:.3f}, accuracy {self.accuracy:.3f}",
                 f"{'class':<9}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}"]
        for label, row in self.per_class.items():
            lines.append(f"{label:<9}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>7.3f}"
                         f"{row['support']:>9}")
        lines.append("confusion (rows true, columns predicted): " + ", ".join(self.labels))
        lines += ["  " + " ".join(f"{v:>6}" for v in row) for row in self.confusion]
        for group, row in sorted(self.by_group.items()):
            lines.append(f"  {group:<16} n={row['n']:<5} macro-F1 {row['macro_f1']:.3f}")
        return "\n".join(lines)


def _report(y_true: Sequence[str], y_pred: Sequence[str]) -> EvaluationReport:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(LABELS), zero_division=0)
    per_class = {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                 for label, p, r, f, s in zip(LABELS, precision, recall, f1, support)}
    return EvaluationReport(
        n=len(y_true),
        macro_f1=float(f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0)),
        accuracy=float(accuracy_score(y_true, y_pred)),
        per_class=per_class,
        confusion=confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(),
    )


def evaluate(model, texts: Iterable[str], labels: Iterable[str]) -> EvaluationReport:
    """Score a fitted model (anything with ``predict``) on labelled replies."""
    texts = check_texts(texts)
    labels = check_labels(labels, len(texts))
    return _report(labels, list(model.predict(texts)))


def evaluate_by_group(estimator, texts: Iterable[str], labels: Iterable[str],
                      groups: Iterable[str]) -> EvaluationReport:
    """Leave-one-group-out: for each group, fit a clone of ``estimator`` on the others and test on it.

    The overall figures pool every held-out prediction; ``by_group`` holds each group's own scores, and
    ``mean_macro_f1`` over groups is what the model card reports.
    """
    from sklearn.base import clone

    texts = check_texts(texts)
    labels = check_labels(labels, len(texts))
    groups = [str(g) for g in groups]
    if len(groups) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(groups)} groups")
    predicted = [None] * len(texts)
    by_group = {}
    for group in sorted(set(groups)):
        train = [i for i, g in enumerate(groups) if g != group]
        test = [i for i, g in enumerate(groups) if g == group]
        model = clone(estimator).fit([texts[i] for i in train], [labels[i] for i in train])
        guesses = list(model.predict([texts[i] for i in test]))
        for i, guess in zip(test, guesses):
            predicted[i] = guess
        report = _report([labels[i] for i in test], guesses)
        by_group[group] = {"n": report.n, "macro_f1": report.macro_f1, "accuracy": report.accuracy,
                           "care_precision": report.per_class["care"]["precision"],
                           "care_recall": report.per_class["care"]["recall"]}
    pooled = _report(labels, predicted)
    pooled.by_group = by_group
    return pooled
