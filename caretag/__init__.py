"""caretag: label Indonesian support replies ``service`` (closes this request) or ``care`` (invests in the
customer's future).

    >>> import caretag
    >>> caretag.classify("Dana akan kembali dalam 3-5 hari kerja ya Kak").label
    'service'

Importing caretag is cheap: scikit-learn and the model load on first use.
"""
from caretag._version import __version__
from caretag.api import (
    Prediction,
    classify,
    classify_many,
    default_model_dir,
    load_model,
    load_scorer,
    train,
)
from caretag.exceptions import (
    ArchiveError,
    CaretagError,
    DataError,
    InvalidInputError,
    ModelCompatibilityError,
    ModelError,
    ModelIntegrityError,
    ModelNotFoundError,
    UnsafeModelError,
)

__all__ = [
    "__version__",
    "classify",
    "classify_many",
    "Prediction",
    "load_model",
    "load_scorer",
    "train",
    "default_model_dir",
    "CareClassifier",
    "TermWeight",
    "build_pipeline",
    "evaluate",
    "evaluate_by_group",
    "EvaluationReport",
    "highlight",
    "find_label_issues",
    "suggest_for_labelling",
    "choose_threshold",
    "label_file",
    "label_dataframe",
    "datasets",
    "CaretagError",
    "InvalidInputError",
    "ModelError",
    "ModelNotFoundError",
    "ModelIntegrityError",
    "UnsafeModelError",
    "ModelCompatibilityError",
    "DataError",
    "ArchiveError",
]

# Names whose modules import scikit-learn: resolved on first access so that `import caretag` stays light.
_LAZY = {
    "CareClassifier": "caretag.model",
    "TermWeight": "caretag.model",
    "build_pipeline": "caretag.pipeline",
    "evaluate": "caretag.evaluation",
    "evaluate_by_group": "caretag.evaluation",
    "EvaluationReport": "caretag.evaluation",
    "highlight": "caretag.highlight",
    "find_label_issues": "caretag.quality",
    "suggest_for_labelling": "caretag.quality",
    "choose_threshold": "caretag.quality",
    "label_file": "caretag.batch",
    "label_dataframe": "caretag.frames",
}


def __getattr__(name):
    if name == "datasets":
        import importlib

        return importlib.import_module("caretag.datasets")
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'caretag' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
