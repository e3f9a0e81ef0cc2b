"""The labelled corpus shipped with caretag (data/replies.csv), for retraining and evaluation."""
from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from caretag._validation import LABELS
from caretag.exceptions import DataError

__all__ = ["Corpus", "load_corpus", "read_labelled_csv", "data_path"]


@dataclass
class Corpus:
    """Replies, their labels, and the other columns of each row (id, domain, register, channel, ...)."""

    texts: list[str]
    labels: list[str]
    meta: list[dict[str, str]]

    def __len__(self) -> int:
        return len(self.texts)

    def column(self, name: str) -> list[str]:
        return [row[name] for row in self.meta]


def data_path(name: str = "replies.csv") -> Path:
    """Path of a shipped data file, from the installed package or a checkout's data/ folder."""
    spec = importlib.util.find_spec("caretag._data")
    locations = list(spec.submodule_search_locations or []) if spec else []
    locations.append(str(Path(__file__).resolve().parent.parent / "data"))
    for location in locations:
        if (Path(location) / name).is_file():
            return Path(location) / name
    raise DataError(f"shipped data file {name} not found; reinstall caretag or run from a checkout")


def read_labelled_csv(path: str | Path, *, text_column: str = "text", label_column: str = "label",
                      split: str | None = None) -> Corpus:
    """Read a labelled CSV (UTF-8, header): one reply per row, labels ``service``/``care``.

    Rows are kept in file order; ``split`` keeps only rows whose ``split`` column has that value.
    """
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        for needed in (text_column, label_column) + (("split",) if split else ()):
            if needed not in columns:
                raise DataError(f"{path} has no column {needed!r}; its columns are {columns}")
        texts, labels, meta = [], [], []
        for line, row in enumerate(reader, start=2):
            if split and row["split"] != split:
                continue
            label = (row[label_column] or "").strip()
            if label not in LABELS:
                raise DataError(f"{path} row at line {line}: label {label!r} is not one of {LABELS}")
            texts.append(row[text_column] or "")
            labels.append(label)
            meta.append({k: v for k, v in row.items() if k not in (text_column, label_column)})
    if not texts:
        raise DataError(f"{path} has no labelled rows" + (f" in split {split!r}" if split else ""))
    return Corpus(texts, labels, meta)


def load_corpus(split: str | None = None) -> Corpus:
    """caretag's own labelled corpus; ``split`` is ``'train'``, ``'test'`` or None for all rows."""
    if split not in (None, "train", "test"):
        raise DataError(f"split must be 'train', 'test' or None, got {split!r}")
    return read_labelled_csv(data_path("replies.csv"), split=split)


def count_tables(corpus: Corpus) -> str:
    """Markdown tables of label counts by domain, register, channel, difficulty and split (for the datasheet)."""
    lines = []
    total_care = corpus.labels.count("care")
    for column in ("domain", "register", "channel", "difficulty", "split"):
        counts: dict[str, list[int]] = {}
        for label, value in zip(corpus.labels, corpus.column(column)):
            counts.setdefault(value, [0, 0])[label == "service"] += 1
        lines += [f"| {column} | care | service | total | care share |", "|---|---|---|---|---|"]
        for value, (care, service) in sorted(counts.items()):
            lines.append(f"| {value} | {care} | {service} | {care + service} | {care / (care + service):.0%} |")
        lines += [f"| **all** | {total_care} | {len(corpus) - total_care} | {len(corpus)} | "
                  f"{total_care / len(corpus):.0%} |", ""]
    words = sorted(len(text.split()) for text in corpus.texts)
    lines.append(f"Length in words: min {words[0]}, median {words[len(words) // 2]}, max {words[-1]}; "
                 f"{sum(w <= 12 for w in words)} replies of 12 words or fewer, {sum(w >= 150 for w in words)} of 150 "
                 "or more.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(count_tables(load_corpus()))
