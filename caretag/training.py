"""Rebuild a model from a labelled CSV: fit on the train split, measure, save with its model card."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from caretag.datasets import read_labelled_csv
from caretag.evaluation import evaluate, evaluate_by_group
from caretag.persistence import file_sha256

__all__ = ["train_from_csv"]

log = logging.getLogger(__name__)


def train_from_csv(data: str | Path, out: str | Path, *, group_column: str = "domain",
                   leave_one_out: bool = True, **params: Any) -> dict:
    """Fit a CareClassifier on ``data`` and save it with metrics into ``out``; return the model card.

    With a ``split`` column the model is fitted on ``train`` rows and scored once on ``test`` rows;
    otherwise on all rows, without a test score. With ``group_column`` present, leave-one-group-out
    macro-F1 is computed on the training rows. Deterministic: the same data gives the same model.
    """
    from caretag.model import CareClassifier
    from caretag.persistence import read_card

    data = Path(data)
    everything = read_labelled_csv(data)
    has_split = all("split" in row for row in everything.meta)
    train = read_labelled_csv(data, split="train") if has_split else everything
    model = CareClassifier(**params).fit(train.texts, train.labels)
    metrics: dict[str, Any] = {}
    if has_split:
        test = read_labelled_csv(data, split="test")
        metrics["test"] = evaluate(model, test.texts, test.labels).as_dict()
        log.info("test macro-F1 %.3f on %d replies", metrics["test"]["macro_f1"], len(test))
    if leave_one_out and all(group_column in row for row in train.meta):
        lodo = evaluate_by_group(CareClassifier(**params), train.texts, train.labels, train.column(group_column))
        scores = [row["macro_f1"] for row in lodo.by_group.values()]
        metrics["leave_one_domain_out"] = {
            "group_column": group_column,
            "mean_macro_f1": sum(scores) / len(scores),
            "min_macro_f1": min(scores),
            "pooled_macro_f1": lodo.macro_f1,
            "by_group": lodo.by_group,
        }
        log.info("leave-one-%s-out mean macro-F1 %.3f", group_column, metrics["leave_one_domain_out"]["mean_macro_f1"])
    training_data = {"path": data.name, "sha256": file_sha256(data), "rows": len(everything),
                     "train_rows": len(train)}
    card_path = model.save(out, training_data=training_data, metrics=metrics)
    return read_card(card_path)
