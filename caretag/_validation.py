"""Checks on what callers pass in, so that bad input fails here with a clear message, not inside scikit-learn."""
from __future__ import annotations

from typing import Any, Iterable

from caretag.exceptions import DataError, InvalidInputError

LABELS = ("service", "care")


def describe(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, float) and value != value:
        return "NaN"
    return f"{type(value).__name__} {value!r:.60}"


def check_text(text: Any, position: int | None = None) -> str:
    if isinstance(text, str):
        return text
    where = "" if position is None else f" at position {position}"
    raise InvalidInputError(f"a reply must be a str; got {describe(text)}{where}")


def check_texts(texts: Iterable[Any]) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise InvalidInputError(
            "Iterable over raw text documents expected, string object received; "
            "use caretag.classify(text) for one reply or pass a list"
        )
    try:
        items = list(texts)
    except TypeError:
        raise InvalidInputError(f"expected a list of replies; got {describe(texts)}") from None
    return [check_text(text, i) for i, text in enumerate(items)]


def check_labels(labels: Iterable[Any], n_texts: int) -> list[str]:
    if isinstance(labels, str):
        raise InvalidInputError("labels must be a list of 'service'/'care', not one string")
    labels = list(labels)
    if len(labels) != n_texts:
        raise DataError(f"got {n_texts} texts but {len(labels)} labels")
    for i, label in enumerate(labels):
        if label not in LABELS:
            raise DataError(f"label at position {i} is {describe(label)}; expected one of {LABELS}")
    missing = set(LABELS) - set(labels)
    if missing:
        raise DataError(f"training needs both labels; none of {sorted(missing)} found")
    return labels
