"""The one-line API: ``caretag.classify(text)`` and ``caretag.classify_many(texts)`` on the shipped model."""
from __future__ import annotations

import importlib.util
import logging
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

from caretag._validation import check_text, check_texts
from caretag.exceptions import ModelNotFoundError
from caretag.text import has_content

__all__ = ["Prediction", "classify", "classify_many", "load_model", "load_scorer", "train", "default_model_dir",
           "EMPTY_TEXT"]

log = logging.getLogger(__name__)

EMPTY_TEXT = "empty_text"
MODEL_ENV = "CARETAG_MODEL"


@dataclass(frozen=True)
class Prediction:
    """The label of one reply.

    ``label`` is ``'service'`` or ``'care'`` and ``care_score`` the calibrated probability of care, or both
    are ``None`` and ``flag`` says why the reply could not be scored (``'empty_text'``).
    """

    label: str | None
    care_score: float | None
    flag: str = ""

    @property
    def usable(self) -> bool:
        return not self.flag

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_model_dir() -> Path:
    """Where the shipped model lives: ``$CARETAG_MODEL``, the installed package data, or a checkout's models/."""
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    spec = importlib.util.find_spec("caretag._models")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if (Path(location) / "model_card.json").is_file():
                return Path(location)
    checkout = Path(__file__).resolve().parent.parent / "models"
    if (checkout / "model_card.json").is_file():
        return checkout
    raise ModelNotFoundError(
        "the shipped caretag model was not found (looked in the installed package and ./models); "
        "reinstall caretag, set CARETAG_MODEL to a model directory, or train one with "
        "`caretag train data/replies.csv --out models/`"
    )


def load_model(path: str | Path | None = None):
    """Load a model directory (default: the shipped model) after checking its integrity and version."""
    from caretag.persistence import load_model as _load

    return _load(default_model_dir() if path is None else path)


_default_model = None
_default_lock = threading.Lock()


def load_scorer(path: str | Path | None = None):
    """Load the fast, pickle-free scorer of a model directory (default: the shipped model)."""
    from caretag.persistence import load_scorer as _load

    return _load(default_model_dir() if path is None else path)


def _shipped_model():
    global _default_model
    if _default_model is None:
        with _default_lock:
            if _default_model is None:
                _default_model = load_scorer()
                log.debug("loaded the shipped caretag scorer")
    return _default_model


def classify(text: str, *, model=None) -> Prediction:
    """Label one reply with the shipped model (or ``model``)."""
    return classify_many([check_text(text)], model=model)[0]


def classify_many(texts: Iterable[str], *, model=None) -> list[Prediction]:
    """Label a list of replies in one call; the result has one Prediction per input, in order.

    ``model`` may be a :class:`caretag.CareClassifier` or a compiled scorer; by default the shipped model.

    Every item is checked before any work: a non-string raises :class:`caretag.InvalidInputError` naming its
    position; an empty or markup-only reply gets a flagged Prediction instead of a guess.
    """
    texts = check_texts(texts)
    model = model if model is not None else _shipped_model()
    usable = [i for i, text in enumerate(texts) if has_content(text)]
    results = [Prediction(None, None, EMPTY_TEXT)] * len(texts)
    if usable:
        scores = model.care_score([texts[i] for i in usable])
        for i, score in zip(usable, scores):
            score = float(score)
            results[i] = Prediction("care" if score >= model.threshold else "service", score)
    return results


def train(texts: Iterable[str], labels: Iterable[str], **params: Any):
    """Fit a new :class:`caretag.CareClassifier` with ``params`` on your own labelled replies."""
    from caretag.model import CareClassifier

    return CareClassifier(**params).fit(texts, labels)
