"""Saving and loading models with a model card, checked before a single byte is unpickled.

A pickled model can run any code when it is loaded. caretag guards the load in three steps, in order:
1. the file's sha256 must equal the one in the model card beside it (``ModelIntegrityError``);
2. the card's scikit-learn version must have this installation's major.minor (``ModelCompatibilityError``);
3. unpickling may only import classes from scikit-learn, NumPy, SciPy and caretag and a short list of
   reconstruction helpers; anything else (``os.system``, ``builtins.eval``...) is refused (``UnsafeModelError``).
Step 3 is a guard, not a sandbox: load models only from sources you trust.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import logging
import pickle
import platform
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from caretag._version import __version__
from caretag.exceptions import (
    ModelCompatibilityError,
    ModelIntegrityError,
    ModelNotFoundError,
    UnsafeModelError,
)

__all__ = ["save_model", "load_model", "load_scorer", "read_card", "file_sha256",
           "MODEL_FILE", "SCORER_FILE", "CARD_FILE", "CARD_MARKDOWN"]

log = logging.getLogger(__name__)

MODEL_FILE = "model.pkl"
SCORER_FILE = "scorer.npz"
CARD_FILE = "model_card.json"
CARD_MARKDOWN = "MODEL_CARD.md"
CARD_FORMAT = 1

_ALLOWED_ROOTS = {"sklearn", "numpy", "scipy", "caretag"}
_ALLOWED_FUNCTIONS = {
    ("copyreg", "_reconstructor"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("caretag.text", "preprocess_many"),
    ("collections", "OrderedDict"),
}
_ALLOWED_BUILTINS = {"object", "set", "frozenset", "slice", "complex", "bytearray", "range", "dict", "list",
                     "tuple", "int", "float", "str", "bool", "bytes"}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _ALLOWED_BUILTINS:
            return super().find_class(module, name)
        if (module, name) in _ALLOWED_FUNCTIONS:
            return super().find_class(module, name)
        if module.split(".")[0] in _ALLOWED_ROOTS:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise UnsafeModelError(
            f"refusing to load: the model file imports {module}.{name}, which caretag does not allow "
            "in a model (it could run code). Load only models you trained or trust."
        )


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    import sklearn

    def dist(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "unknown"

    return {
        "caretag": __version__,
        "scikit-learn": sklearn.__version__,
        "PySastrawi": dist("PySastrawi"),
        "numpy": dist("numpy"),
        "python": platform.python_version(),
    }


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def save_model(model: Any, directory: str | Path, *, training_data: dict | None = None,
               metrics: dict | None = None, notes: str | None = None) -> Path:
    """Write ``model.pkl``, ``model_card.json`` and ``MODEL_CARD.md`` into ``directory``; return the card path.

    ``training_data`` (path, sha256, rows...) and ``metrics`` go into the card as given. The model file is
    written first and the card last, so a card always describes the model file next to it.
    """
    from caretag.card import render_markdown

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    tmp = model_path.with_suffix(".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(model, handle, protocol=5)
    tmp.replace(model_path)
    from caretag.scorer import CompiledScorer

    scorer_path = CompiledScorer.from_classifier(model).save(directory / SCORER_FILE)
    card = {
        "card_format": CARD_FORMAT,
        "name": "caretag service/care classifier",
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": _versions(),
        "model_file": MODEL_FILE,
        "model_sha256": file_sha256(model_path),
        "model_bytes": model_path.stat().st_size,
        "scorer_file": SCORER_FILE,
        "scorer_sha256": file_sha256(scorer_path),
        "scorer_bytes": scorer_path.stat().st_size,
        "estimator": type(model).__name__,
        "params": {k: v for k, v in model.get_params().items()},
        "threshold": getattr(model, "threshold", 0.5),
        "training_data": training_data or {},
        "metrics": metrics or {},
        "notes": notes or "",
    }
    card_path = directory / CARD_FILE
    card_path.write_text(json.dumps(card, indent=2, ensure_ascii=False, default=list) + "\n", encoding="utf-8")
    (directory / CARD_MARKDOWN).write_text(render_markdown(card), encoding="utf-8")
    log.info("saved model to %s (sha256 %s)", model_path, card["model_sha256"][:12])
    return card_path


def _card_path(path: str | Path) -> Path:
    path = Path(path)
    if path.is_dir():
        card_path = path / CARD_FILE
    elif path.name == CARD_FILE or path.suffix == ".json":
        card_path = path
    else:
        card_path = path.parent / CARD_FILE
    if not card_path.is_file():
        raise ModelNotFoundError(f"no model card {CARD_FILE} at {card_path.parent}; a model needs its card")
    return card_path


def read_card(path: str | Path) -> dict:
    """The model card (a dict) of the model at ``path`` (a directory, the model file or the card)."""
    card_path = _card_path(path)
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(f"model card {card_path} is not valid JSON: {exc}") from None
    if not isinstance(card, dict) or not isinstance(card.get("model_sha256"), str):
        raise ModelIntegrityError(f"model card {card_path} has no model_sha256")
    card["_dir"] = str(card_path.parent)
    return card


def _verified_bytes(card: dict, file_key: str, sha_key: str, default: str) -> tuple[Path, bytes]:
    path = Path(card["_dir"]) / card.get(file_key, default)
    if not path.is_file():
        raise ModelNotFoundError(f"model file {path} is missing")
    payload = path.read_bytes()
    expected = card.get(sha_key)
    actual = hashlib.sha256(payload).hexdigest()
    if actual != expected:
        raise ModelIntegrityError(
            f"{path} does not match its model card (sha256 {actual[:16]}... != {str(expected)[:16]}...): "
            "the file was changed or damaged; refusing to load it"
        )
    return path, payload


def load_scorer(path: str | Path):
    """Load the compiled scorer (``scorer.npz``) of the model at ``path`` after checking its sha256.

    Needs no scikit-learn and unpickles nothing; see :mod:`caretag.scorer`.
    """
    from caretag.scorer import CompiledScorer

    card = read_card(path)
    scorer_path, payload = _verified_bytes(card, "scorer_file", "scorer_sha256", SCORER_FILE)
    try:
        return CompiledScorer.load(io.BytesIO(payload))
    except Exception as exc:
        raise ModelIntegrityError(f"{scorer_path} is not a caretag scorer: {type(exc).__name__}: {exc}") from None


def load_model(path: str | Path) -> Any:
    """Load the model at ``path`` (a directory, model file or card) after the checks in this module's doc."""
    import sklearn

    card = read_card(path)
    model_path, payload = _verified_bytes(card, "model_file", "model_sha256", MODEL_FILE)
    trained = card.get("versions", {}).get("scikit-learn", "unknown")
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelCompatibilityError(
            f"{model_path} was trained with scikit-learn {trained}, this is {sklearn.__version__}; "
            "a pickled model only loads with the same minor version. Retrain it here with "
            "`caretag train data/replies.csv --out DIR` (or your own labelled CSV), "
            f"or install scikit-learn=={trained}"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=getattr(sklearn.exceptions, "InconsistentVersionWarning", Warning))
        try:
            model = _RestrictedUnpickler(io.BytesIO(payload)).load()
        except UnsafeModelError:
            raise
        except Exception as exc:  # a truncated or garbled pickle fails in many ways
            raise ModelIntegrityError(f"{model_path} could not be unpickled: {type(exc).__name__}: {exc}") from None
    made_with = card.get("versions", {}).get("caretag")
    if made_with and made_with != __version__:
        log.warning("model %s was saved by caretag %s; this is caretag %s", model_path, made_with, __version__)
    return model
