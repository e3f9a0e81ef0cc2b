"""Labelling past one machine with Dask (optional extra: ``pip install 'caretag[dask]'``).

Each Dask worker loads the model once (a per-process cache) and labels whole partitions or chunks.
"""
from __future__ import annotations

from caretag.exceptions import CaretagError

__all__ = ["label_dataframe", "label_file_on_cluster"]


def _require_dask():
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise CaretagError("Dask support needs the extra: pip install 'caretag[dask]'") from None


def label_dataframe(ddf, text_column: str, *, model: str | None = None, threshold: float | None = None):
    """A Dask DataFrame with the three caretag columns added, labelled partition by partition."""
    _require_dask()
    import pandas as pd

    from caretag.frames import label_dataframe as label_partition

    meta = ddf._meta.assign(caretag_label=pd.Series(dtype=object), caretag_care_score=pd.Series(dtype=float),
                            caretag_flag=pd.Series(dtype=object))
    return ddf.map_partitions(label_partition, text_column, model=model, threshold=threshold, meta=meta)


def label_file_on_cluster(input: str, output: str, *, text_column: str, scheduler: str, **options):
    """``caretag label`` with chunks scored on the Dask cluster at ``scheduler`` (an address or a Client).

    Reading, ordering, flagging and the atomic, resumable output stay in this process, exactly as in a
    local run, so the result is byte-identical to one.
    """
    _require_dask()
    from distributed import Client

    from caretag.batch import label_file

    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        return label_file(input, output, text_column=text_column, executor=client,
                          jobs=len(client.scheduler_info().get("workers", {})) or 1, **options)
    finally:
        if client is not scheduler:
            client.close()
