"""Reading and writing ticket archives (CSV, TSV, JSON lines; optionally gzip) one record at a time.

The format comes from the file name (``.csv``, ``.tsv``, ``.jsonl``/``.ndjson``, each optionally ``.gz``) or
is given; it is never sniffed from content. Every input record yields exactly one :class:`Record`, including
records that cannot be scored, so nothing is dropped on the way.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from caretag.exceptions import ArchiveError
from caretag.text import has_content

__all__ = ["FORMATS", "OUTPUT_COLUMNS", "Record", "detect_format", "open_text_input", "read_records",
           "RecordWriter", "text_at"]

FORMATS = ("csv", "tsv", "jsonl")
OUTPUT_COLUMNS = ("caretag_label", "caretag_care_score", "caretag_flag")
_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# Large single fields (pasted logs, e-mail threads) must not stop the reader; memory stays bounded by the
# chunk size times this.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Record:
    """One input record: its fields (list for CSV/TSV, dict for JSON lines), the reply, or why there is none."""

    fields: Any
    text: str | None
    flag: str
    line: int


def detect_format(name: str, given: str | None = None) -> str:
    """The archive format: ``given`` if set, else from the file name's extension (ignoring ``.gz``)."""
    if given:
        if given not in FORMATS:
            raise ArchiveError(f"unknown format {given!r}; supported formats: {', '.join(FORMATS)}")
        return given
    path = Path(name)
    suffix = path.suffixes[-2] if path.suffix == ".gz" and len(path.suffixes) > 1 else path.suffix
    if suffix.lower() in _SUFFIXES:
        return _SUFFIXES[suffix.lower()]
    raise ArchiveError(
        f"cannot tell the format of {name!r} from its extension; name it .csv, .tsv or .jsonl (optionally .gz) "
        f"or pass --format with one of: {', '.join(FORMATS)}"
    )


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def open_text_input(name: str, encoding: str = "utf-8") -> IO[str]:
    """Open a path or ``-`` (stdin) for reading text, decompressing ``.gz``; a UTF-8 BOM is skipped."""
    encoding = _codec(encoding)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ArchiveError(f"unknown encoding {encoding!r}") from None
    if name == "-":
        raw = sys.stdin.buffer
    else:
        try:
            raw = gzip.open(name, "rb") if name.endswith(".gz") else open(name, "rb")
        except OSError as exc:
            raise ArchiveError(f"cannot read {name}: {exc.strerror}") from None
    return io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


def _first_undecodable_line(name: str, encoding: str) -> int | None:
    """Line number of the first line whose bytes do not decode (the text layer decodes in 8 KB blocks)."""
    if name == "-":
        return None
    with (gzip.open(name, "rb") if name.endswith(".gz") else open(name, "rb")) as raw:
        decoder = codecs.getincrementaldecoder(encoding)()
        for number, line in enumerate(raw, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    return None


def _decode_error(name: str, line: int, exc: UnicodeDecodeError, encoding: str) -> ArchiveError:
    line = _first_undecodable_line(name, encoding) or line
    return ArchiveError(
        f"{name}: line {line} has bytes that are not {encoding} ({exc.reason}); "
        "pass --encoding (e.g. --encoding cp1252 or latin-1) to read it"
    )


def text_at(obj: Any, path: str) -> tuple[str | None, str]:
    """The reply at a dotted ``path`` inside a JSON object, with the flag that applies when there is none."""
    node = obj
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None, "missing_column"
    if node is None:
        return None, "empty_text"
    if not isinstance(node, str):
        return None, "not_text"
    return node, ""


def _records_delimited(handle: IO[str], name: str, text_column: str, delimiter: str,
                       encoding: str) -> tuple[list[str], Iterator[Record]]:
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ArchiveError(f"{name} is empty: no header row") from None
    except UnicodeDecodeError as exc:
        raise _decode_error(name, 1, exc, encoding) from None
    if text_column not in header:
        raise ArchiveError(f"{name} has no column {text_column!r}; its columns are: {', '.join(header)}")
    index = header.index(text_column)
    width = len(header)

    def records() -> Iterator[Record]:
        line = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise _decode_error(name, reader.line_num + 1, exc, encoding) from None
            except csv.Error as exc:
                raise ArchiveError(f"{name}: line {reader.line_num}: {exc}") from None
            start, line = line + 1, reader.line_num
            if not fields:  # a blank line is not a record in CSV
                continue
            if len(fields) != width:
                flag = f"ragged_row: line {start} has {len(fields)} fields, header has {width}"
                if len(fields) < width:
                    fields = fields + [""] * (width - len(fields))
                else:  # keep the surplus, joined into the last column, rather than drop it
                    fields = fields[:width - 1] + [delimiter.join(fields[width - 1:])]
                yield Record(fields, None, flag, start)
                continue
            text = fields[index]
            yield Record(fields, text, "" if has_content(text) else "empty_text", start)

    return header, records()


def _records_jsonl(handle: IO[str], name: str, text_column: str, encoding: str) -> Iterator[Record]:
    line = 0
    while True:
        try:
            raw = handle.readline()
        except UnicodeDecodeError as exc:
            raise _decode_error(name, line + 1, exc, encoding) from None
        if not raw:
            return
        line += 1
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield Record({"caretag_raw": raw.rstrip("\r\n")}, None, f"invalid_json: line {line}: {exc.msg}", line)
            continue
        if not isinstance(obj, dict):
            yield Record({"caretag_raw": obj}, None, f"not_an_object: line {line}", line)
            continue
        text, flag = text_at(obj, text_column)
        if text is not None and not has_content(text):
            flag = "empty_text"
        yield Record(obj, text if not flag else None, flag, line)


@contextlib.contextmanager
def read_records(name: str, fmt: str, text_column: str,
                 encoding: str = "utf-8") -> Iterator[tuple[list[str] | None, Iterator[Record]]]:
    """Context manager: open ``name``, yield (header or None for JSON lines, its records), close it."""
    handle = open_text_input(name, encoding)
    try:
        if fmt == "jsonl":
            yield None, _records_jsonl(handle, name, text_column, encoding)
        else:
            yield _records_delimited(handle, name, text_column, "," if fmt == "csv" else "\t", encoding)
    finally:
        if name != "-":
            handle.close()


class RecordWriter:
    """Formats records with the three caretag columns added, as bytes (UTF-8, ``\\n`` line ends)."""

    def __init__(self, fmt: str, header: list[str] | None):
        self.fmt = fmt
        self.header = header
        self.delimiter = "," if fmt == "csv" else "\t"

    def header_bytes(self) -> bytes:
        if self.fmt == "jsonl":
            return b""
        return self._rows([list(self.header) + list(OUTPUT_COLUMNS)])

    def _rows(self, rows: list[list[str]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter, lineterminator="\n").writerows(rows)
        return buffer.getvalue().encode("utf-8")

    def records_bytes(self, records: list[Record], labels: list[str], scores: list[str]) -> bytes:
        if self.fmt == "jsonl":
            lines = []
            for record, label, score in zip(records, labels, scores):
                obj = dict(record.fields)
                obj.update(caretag_label=label or None, caretag_care_score=float(score) if score else None,
                           caretag_flag=record.flag)
                lines.append(json.dumps(obj, ensure_ascii=False))
            return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        return self._rows([list(r.fields) + [label, score, r.flag]
                           for r, label, score in zip(records, labels, scores)])
