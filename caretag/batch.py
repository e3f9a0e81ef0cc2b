"""Label a whole ticket archive: stream it in chunks, score on every core, never lose or reorder a row.

Output goes to a hidden partial file beside the target, with a checkpoint after every chunk, and is renamed
into place only when the whole input is done. An interrupted run (SIGINT/SIGTERM, a crash) leaves nothing at
the target; ``resume=True`` continues from the last finished chunk and produces the same bytes as an
uninterrupted run (gzip output is written one gzip member per chunk so that this holds for ``.gz`` too).
"""
from __future__ import annotations

import collections
import functools
import gzip
import hashlib
import json
import logging
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

from caretag.archive import Record, RecordWriter, detect_format, read_records
from caretag.exceptions import ArchiveError, CaretagError

__all__ = ["label_file", "Summary", "Interrupted", "DEFAULT_CHUNK_ROWS"]

log = logging.getLogger(__name__)

# Rows per chunk: large enough that inter-process overhead is small (~1% of scoring time), small enough
# that a chunk of long replies stays a few MB and a resume repeats little work.
DEFAULT_CHUNK_ROWS = 2000
CHECKPOINT_VERSION = 1


class Interrupted(CaretagError):
    """The run was stopped by a signal; ``resume=True`` continues it."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.signum = signum


@dataclass
class Summary:
    rows: int = 0
    care: int = 0
    service: int = 0
    flagged: int = 0
    seconds: float = 0.0
    resumed_rows: int = 0

    @property
    def care_share(self) -> float:
        scored = self.care + self.service
        return self.care / scored if scored else 0.0

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (f"{self.rows} rows: {self.care} care ({self.care_share:.1%} of scored), {self.service} service, "
                f"{self.flagged} flagged, {self.seconds:.1f} s ({rate:,.0f} rows/s)")


# --- scoring, in this process, in worker processes or on Dask workers ----------------------------------
@functools.lru_cache(maxsize=4)
def worker_model(model_path: str | None, threshold: float | None):
    """The scorer for ``model_path``, loaded once per process (pool worker or Dask worker) and reused."""
    from caretag.api import load_scorer

    model = load_scorer(model_path)
    if threshold is not None:
        model.threshold = threshold
    return model


def _init_worker(model_path: str | None, threshold: float | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    worker_model(model_path, threshold)


def score_texts(texts: list[str], model_path: str | None, threshold: float | None) -> tuple[list[str], list[str]]:
    """Labels and care scores (as fixed 4-decimal strings) for replies that are known to be usable."""
    if not texts:
        return [], []
    model = worker_model(model_path, threshold)
    scores = model.care_score(texts)
    labels = ["care" if s >= model.threshold else "service" for s in scores]
    return labels, [f"{s:.4f}" for s in scores]


def _chunks(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _count_records(name: str, fmt: str, text_column: str, encoding: str) -> int:
    """Read the whole input once before labelling: finds undecodable bytes early and gives the progress total."""
    with read_records(name, fmt, text_column, encoding) as (_, records):
        return sum(1 for _ in records)


# --- output files and checkpoints --------------------------------------------------------------------
def _side_paths(target: Path) -> tuple[Path, Path]:
    return (target.with_name(f".{target.name}.caretag-partial"),
            target.with_name(f".{target.name}.caretag-checkpoint.json"))


def _input_identity(name: str) -> dict:
    stat = os.stat(name)
    return {"path": str(Path(name).resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


class _Output:
    """Bytes to a partial file (or stdout), gzip'd one member per chunk when the target ends in .gz."""

    def __init__(self, target: str, resume_state: dict | None):
        self.stdout = target == "-"
        self.gzip = target.endswith(".gz")
        if self.stdout:
            self.handle = sys.stdout.buffer
            self.bytes_done = 0
            return
        self.target = Path(target)
        self.partial, self.checkpoint = _side_paths(self.target)
        try:
            if resume_state:
                self.handle = open(self.partial, "r+b")
                self.handle.truncate(resume_state["bytes_done"])
                self.handle.seek(resume_state["bytes_done"])
            else:
                self.handle = open(self.partial, "wb")
        except OSError as exc:
            raise ArchiveError(f"cannot write beside {self.target}: {exc.strerror}") from None
        self.bytes_done = resume_state["bytes_done"] if resume_state else 0

    def write(self, data: bytes) -> None:
        if not data:
            return
        if self.gzip:
            data = gzip.compress(data, mtime=0)
        try:
            self.handle.write(data)
            self.handle.flush()
            if not self.stdout:
                os.fsync(self.handle.fileno())
        except OSError as exc:
            raise ArchiveError(f"writing the output failed: {exc.strerror or exc}") from None
        self.bytes_done += len(data)

    def save_checkpoint(self, state: dict) -> None:
        if not self.stdout:
            _write_json_atomic(self.checkpoint, {**state, "bytes_done": self.bytes_done})

    def finish(self) -> None:
        if self.stdout:
            self.handle.flush()
            return
        self.handle.close()
        os.replace(self.partial, self.target)
        self.checkpoint.unlink(missing_ok=True)

    def abandon(self, keep_for_resume: bool) -> None:
        if self.stdout:
            return
        self.handle.close()
        if not keep_for_resume:
            self.partial.unlink(missing_ok=True)
            self.checkpoint.unlink(missing_ok=True)


def _options_key(**options) -> str:
    return hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()


def _load_resume_state(input_name: str, output: str, options_key: str) -> dict | None:
    if input_name == "-" or output == "-":
        raise ArchiveError("--resume needs a named input file and output file (not stdin/stdout)")
    partial, checkpoint = _side_paths(Path(output))
    if not checkpoint.is_file() or not partial.is_file():
        log.warning("nothing to resume for %s: starting from the beginning", output)
        return None
    state = json.loads(checkpoint.read_text(encoding="utf-8"))
    if (state.get("version") != CHECKPOINT_VERSION or state.get("input") != _input_identity(input_name)
            or state.get("options") != options_key):
        raise ArchiveError(
            f"the checkpoint for {output} was made from another input file or other options; "
            "run without --resume to start over"
        )
    if partial.stat().st_size < state["bytes_done"]:
        raise ArchiveError(f"the partial output for {output} is shorter than its checkpoint; run without --resume")
    return state


# --- the run ------------------------------------------------------------------------------------------
class _SignalGuard:
    """Turns SIGINT/SIGTERM into an :class:`Interrupted` exception in the main thread while labelling."""

    def __enter__(self):
        self.previous = {}
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[signum] = signal.signal(signum, self._handle)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    @staticmethod
    def _handle(signum, frame):
        raise Interrupted(f"stopped by {signal.Signals(signum).name}", signum)

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        return False


def label_file(input: str, output: str, *, text_column: str, fmt: str | None = None,
               jobs: int | None = None, model: str | None = None,
               threshold: float | None = None, resume: bool = False, progress: bool = True,
               encoding: str = "utf-8", chunk_rows: int = DEFAULT_CHUNK_ROWS,
               on_chunk: Callable[[int], None] | None = None, executor=None) -> Summary:
    """Label every record of ``input`` (path or ``-``) into ``output`` (path or ``-``); see the module doc.

    ``jobs`` worker processes score chunks (default: every core; 1 scores in this process); an ``executor``
    with ``submit`` (a ``concurrent.futures`` executor or a ``dask.distributed.Client``) replaces them. Returns the
    run's :class:`Summary`. Raises :class:`ArchiveError` for unreadable input before any output is written,
    and :class:`Interrupted` when a signal stops the run (the checkpoint is kept for ``resume``).
    """
    started = time.perf_counter()
    fmt = detect_format(input, fmt) if (fmt or input != "-") else "csv"
    if output != "-" and Path(output).exists() and Path(output).is_dir():
        raise ArchiveError(f"output {output} is a directory")
    if input != "-" and output != "-" and Path(input).resolve() == Path(output).resolve():
        raise ArchiveError("output must not be the input file")
    jobs = max(1, jobs or os.cpu_count() or 1)
    options = _options_key(text_column=text_column, fmt=fmt, model=model,
                           threshold=threshold, encoding=encoding, chunk_rows=chunk_rows,
                           gzip=output.endswith(".gz"))
    state = _load_resume_state(input, output, options) if resume else None
    total = _count_records(input, fmt, text_column, encoding) if input != "-" else None
    with read_records(input, fmt, text_column, encoding) as (header, records):
        summary = _label_records(header, records, input, output, fmt=fmt, jobs=jobs,
                                 model=model, threshold=threshold, state=state, options=options, total=total,
                                 progress=progress, chunk_rows=chunk_rows, on_chunk=on_chunk, executor=executor)
    summary.seconds = time.perf_counter() - started
    return summary


def _label_records(header, records, input, output, *, fmt, jobs, model, threshold, state, options,
                   total, progress, chunk_rows, on_chunk, executor) -> Summary:
    writer = RecordWriter(fmt, header)  # the output keeps the input's format
    summary = Summary()
    if state:
        summary = Summary(**{k: state["summary"][k] for k in ("rows", "care", "service", "flagged")})
        summary.resumed_rows = summary.rows
    out = _Output(output, state)
    if not state:
        out.write(writer.header_bytes())
    checkpoint = {"version": CHECKPOINT_VERSION, "input": _input_identity(input) if input != "-" else None,
                  "options": options}

    from tqdm import tqdm

    bar = tqdm(total=total, initial=summary.rows, unit=" rows", file=sys.stderr, dynamic_ncols=True,
               disable=not progress or not sys.stderr.isatty(), smoothing=0.1)
    pool, owned = None, True
    completed = False
    try:
        with _SignalGuard():
            skip = summary.rows
            chunks = _chunks(records, chunk_rows)
            while skip > 0:  # chunk boundaries match the first run's, so skipping whole chunks is exact
                skip -= len(next(chunks))
            if executor is not None:
                pool, owned = executor, False
            elif jobs > 1:
                context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
                pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                           initargs=(model, threshold))
            pending = collections.deque()

            def submit(chunk):
                texts = [r.text for r in chunk if not r.flag]
                if pool is None:
                    return chunk, score_texts(texts, model, threshold)
                return chunk, pool.submit(score_texts, texts, model, threshold)

            def drain_one():
                chunk, result = pending.popleft()
                try:
                    labels, scores = result if not hasattr(result, "result") else result.result()
                except BrokenProcessPool:
                    raise CaretagError(
                        "a worker process died (killed, or out of memory); "
                        "run the same command with --resume to continue from the last finished chunk"
                    ) from None
                row_labels, row_scores, it = [], [], iter(zip(labels, scores))
                for record in chunk:
                    label, score = ("", "") if record.flag else next(it)
                    row_labels.append(label)
                    row_scores.append(score)
                out.write(writer.records_bytes(chunk, row_labels, row_scores))
                summary.rows += len(chunk)
                summary.care += row_labels.count("care")
                summary.service += row_labels.count("service")
                summary.flagged += sum(1 for r in chunk if r.flag)
                out.save_checkpoint({**checkpoint, "summary": asdict(summary)})
                bar.update(len(chunk))
                if on_chunk:
                    on_chunk(summary.rows)

            # at most 2 chunks per worker in flight: constant memory whatever the file size
            for chunk in chunks:
                pending.append(submit(chunk))
                if len(pending) >= 2 * jobs:
                    drain_one()
            while pending:
                drain_one()
        completed = True
    except ArchiveError:
        out.abandon(keep_for_resume=False)
        raise
    except BaseException:
        out.abandon(keep_for_resume=True)
        raise
    finally:
        bar.close()
        if pool is not None and owned:
            pool.shutdown(wait=True, cancel_futures=not completed)
    out.finish()
    return summary
