"""The one exception hierarchy of caretag: catch :class:`CaretagError` to catch them all."""
from __future__ import annotations

__all__ = [
    "CaretagError",
    "InvalidInputError",
    "ModelError",
    "ModelNotFoundError",
    "ModelIntegrityError",
    "ModelCompatibilityError",
    "UnsafeModelError",
    "DataError",
    "ArchiveError",
]


class CaretagError(Exception):
    """Base class of every error caretag raises on purpose."""


class InvalidInputError(CaretagError, TypeError):
    """A reply was not a string (None, NaN, a number...), or a bare string was given where a list was expected."""


class ModelError(CaretagError):
    """A model could not be loaded or used."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """No model file (or no model card beside it) at the given place."""


class ModelIntegrityError(ModelError):
    """The model file does not match the sha256 recorded in its model card, or the card is unreadable."""


class UnsafeModelError(ModelIntegrityError):
    """The model file would import something outside the allowed modules when unpickled (it could run code)."""


class ModelCompatibilityError(ModelError):
    """The model was pickled with another scikit-learn minor version; retrain it with this one."""


class DataError(CaretagError, ValueError):
    """A labelled data set is unusable: missing columns, unknown labels, too few rows."""


class ArchiveError(CaretagError, ValueError):
    """A ticket archive cannot be read or written: unknown format, missing column, undecodable bytes."""
