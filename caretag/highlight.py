"""Which sentence of a reply carries the care: each sentence scored on its own."""
from __future__ import annotations

import re
from dataclasses import dataclass

from caretag._validation import check_text

__all__ = ["SentenceScore", "split_sentences", "highlight"]

# Abbreviations that end in a dot without ending a sentence in Indonesian support replies.
_ABBREVIATIONS = {"yth", "no", "dll", "dsb", "dst", "rp", "bpk", "tgl", "jl", "jln", "dr", "drg", "a.n", "u.p",
                  "sdr", "sdri", "pt", "cv", "tbk", "kec", "kab", "kel", "hlm", "ibu", "bu", "pak", "mr", "mrs"}
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*")


@dataclass(frozen=True)
class SentenceScore:
    """One sentence, where it starts and ends in the reply, and its care probability."""

    sentence: str
    care_score: float
    start: int
    end: int


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``: split at . ! ? and line breaks, not after abbreviations."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        before = text[start:match.start()].rstrip(".!?\"')] ")
        last_word = before.rsplit(None, 1)[-1].lower() if before.split() else ""
        if text[match.start() - 1:match.start()] == "." and last_word in _ABBREVIATIONS:
            continue
        if text[start:match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def highlight(text: str, *, model=None) -> list[SentenceScore]:
    """The reply's sentences, each with its own care score, highest first: what made a reply ``care``."""
    from caretag.api import _shipped_model

    text = check_text(text)
    spans = split_sentences(text)
    if not spans:
        return []
    model = model if model is not None else _shipped_model()
    scores = model.care_score([text[a:b] for a, b in spans])
    found = [SentenceScore(text[a:b].strip(), float(s), a, b) for (a, b), s in zip(spans, scores)]
    return sorted(found, key=lambda s: s.care_score, reverse=True)
