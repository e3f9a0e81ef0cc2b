"""Shared fixtures: the corpus, a model trained on its train split, the real-world replies when present."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = Path(os.environ.get("CARETAG_REALWORLD", ROOT.parent / "shared" / "realworld" / "replies.csv"))


@pytest.fixture(scope="session")
def corpus():
    from caretag.datasets import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def train_split():
    from caretag.datasets import load_corpus

    return load_corpus("train")


@pytest.fixture(scope="session")
def test_split():
    from caretag.datasets import load_corpus

    return load_corpus("test")


@pytest.fixture(scope="session")
def fitted_model(train_split):
    """A CareClassifier with default settings fitted on the train split (the shipped model's recipe)."""
    from caretag import CareClassifier

    return CareClassifier().fit(train_split.texts, train_split.labels)


@pytest.fixture(scope="session")
def saved_model_dir(fitted_model, tmp_path_factory):
    directory = tmp_path_factory.mktemp("model")
    fitted_model.save(directory)
    return directory


@pytest.fixture(scope="session")
def realworld_texts():
    """Real company replies from ../shared/realworld (an evaluation set: never trained on, never copied)."""
    if not REALWORLD.is_file():
        pytest.skip(f"real-world replies not present at {REALWORLD}")
    with open(REALWORLD, encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]
