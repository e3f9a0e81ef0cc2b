"""Label a pandas DataFrame: the three caretag columns added, every row kept (pandas is an optional extra)."""
from __future__ import annotations

from caretag.archive import OUTPUT_COLUMNS
from caretag.exceptions import ArchiveError
from caretag.text import has_content

__all__ = ["label_dataframe", "flag_value"]


def flag_value(value) -> str:
    """Why a cell cannot be scored ('' when it can): None/NaN and blank text are empty, other types not text."""
    if value is None or (isinstance(value, float) and value != value):
        return "empty_text"
    if not isinstance(value, str):
        return "not_text"
    return "" if has_content(value) else "empty_text"


def label_dataframe(df, text_column: str, *, model: str | None = None, threshold: float | None = None):
    """A copy of ``df`` with ``caretag_label``, ``caretag_care_score`` and ``caretag_flag`` added.

    Rows that cannot be scored (NaN, None, numbers, blank text) keep a missing label and score and say why in
    ``caretag_flag``. ``model`` is a model directory (default: the shipped model).
    """
    from caretag.batch import worker_model

    if text_column not in df.columns:
        raise ArchiveError(f"no column {text_column!r}; the columns are: {', '.join(map(str, df.columns))}")
    out = df.copy()
    values = list(df[text_column])
    flags = [flag_value(v) for v in values]
    usable = [i for i, f in enumerate(flags) if not f]
    labels: list = [None] * len(values)
    scores: list = [float("nan")] * len(values)
    if usable:
        scorer = worker_model(model, threshold)
        for i, score in zip(usable, scorer.care_score([values[i] for i in usable])):
            labels[i] = "care" if score >= scorer.threshold else "service"
            scores[i] = float(score)
    out[OUTPUT_COLUMNS[0]] = labels
    out[OUTPUT_COLUMNS[1]] = scores
    out[OUTPUT_COLUMNS[2]] = flags
    return out
