"""data/replies.csv and data/sample_archive.csv meet the corpus issue's rules, checked mechanically."""
import csv
import re
import unicodedata
from collections import Counter

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from caretag.datasets import data_path

COLUMNS = ["id", "text", "label", "domain", "register", "channel", "difficulty", "split"]
CHANNELS = {"chat", "email", "whatsapp", "twitter", "phone_transcript", "app_review_reply"}
CUES = {
    "semoga": r"\bsemoga\b", "akan": r"\bakan\b", "ke depan": r"\bke\s?depan(nya)?\b", "kami akan": r"\bkami akan\b",
    "bantu": r"\bbantu", "peduli": r"\bpeduli", "terima kasih": r"\bterima\s?kasih\b", "maaf": r"\bmaaf",
}
NEAR_DUPLICATE = 0.6  # Jaccard similarity of character 5-gram sets


@pytest.fixture(scope="module")
def rows():
    with open(data_path("replies.csv"), encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def archive():
    with open(data_path("sample_archive.csv"), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _norm(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^\w]+", " ", re.sub(r"\d+", "0", text)).strip()


def _near_duplicate_pairs(texts_a, texts_b=None):
    vec = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True, preprocessor=_norm, dtype=np.int32)
    a = vec.fit_transform(texts_a + (texts_b or []))
    b = a[len(texts_a):] if texts_b else a
    a = a[:len(texts_a)]
    inter = (a @ b.T).toarray()
    sizes_a, sizes_b = np.asarray(a.sum(axis=1)).ravel(), np.asarray(b.sum(axis=1)).ravel()
    jaccard = inter / (sizes_a[:, None] + sizes_b[None, :] - inter)
    if texts_b is None:
        np.fill_diagonal(jaccard, 0)
    return np.argwhere(jaccard >= NEAR_DUPLICATE), jaccard


def test_schema_and_allowed_values(rows):
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["label"] in ("service", "care")
        assert r["register"] in ("formal", "casual")
        assert r["channel"] in CHANNELS
        assert r["difficulty"] in ("easy", "hard")
        assert r["split"] in ("train", "test")
        assert r["text"].strip() and r["domain"]


def test_size_and_balance(rows):
    n = len(rows)
    assert n >= 2400
    care = sum(r["label"] == "care" for r in rows) / n
    assert 0.40 <= care <= 0.50
    registers = Counter(r["register"] for r in rows)
    assert min(registers.values()) / n >= 0.35
    assert sum(r["difficulty"] == "hard" for r in rows) / n >= 0.35
    assert set(Counter(r["channel"] for r in rows)) == CHANNELS


def test_domains(rows):
    counts = Counter(r["domain"] for r in rows)
    assert sum(c >= 120 for c in counts.values()) >= 12


def test_lengths_span_short_to_long(rows):
    words = [len(r["text"].split()) for r in rows]
    assert min(words) <= 6
    assert sum(w >= 150 for w in words) >= 20


def test_split_is_about_80_20_and_stratified(rows):
    test_share = sum(r["split"] == "test" for r in rows) / len(rows)
    assert 0.18 <= test_share <= 0.22
    cells = Counter((r["domain"], r["label"]) for r in rows)
    test_cells = Counter((r["domain"], r["label"]) for r in rows if r["split"] == "test")
    for cell, total in cells.items():
        assert 0.12 <= test_cells[cell] / total <= 0.28, cell


@pytest.mark.parametrize("column", ["domain", "register", "channel", "label", "difficulty"])
def test_every_value_is_in_both_splits(rows, column):
    train = {r[column] for r in rows if r["split"] == "train"}
    test = {r[column] for r in rows if r["split"] == "test"}
    assert train == test


def test_no_duplicates_after_normalising(rows):
    counts = Counter(_norm(r["text"]) for r in rows)
    assert [t for t, c in counts.items() if c > 1] == []


def test_no_near_duplicates_within_corpus_or_across_splits(rows):
    texts = [r["text"] for r in rows]
    pairs, _ = _near_duplicate_pairs(texts)
    assert [(rows[i]["id"], rows[j]["id"]) for i, j in pairs if i < j] == []


@pytest.mark.parametrize("cue", sorted(CUES))
def test_no_cue_word_shortcut(rows, cue):
    hits = [r["label"] for r in rows if re.search(CUES[cue], r["text"].lower())]
    assert len(hits) >= 30, f"{cue!r} occurs in only {len(hits)} rows"
    minority = min(Counter(hits)[label] for label in ("service", "care")) / len(hits)
    assert minority >= 0.20, f"{cue!r}: minority label only {minority:.0%}"


def test_sample_archive_shape(archive):
    assert len(archive) >= 300
    assert list(archive[0]) == ["ticket_id", "agent", "team", "created_at", "customer_message", "agent_reply"]
    assert len({r["ticket_id"] for r in archive}) == len(archive)
    assert len({r["agent"] for r in archive}) >= 4
    replies = [r["agent_reply"] for r in archive]
    assert any(not t.strip() for t in replies)
    assert any(re.search(r"<[a-z][^>]*>", t) for t in replies)
    assert any(len(t.split()) >= 300 for t in replies)


def test_sample_archive_replies_are_not_from_the_corpus(rows, archive):
    replies = [r["agent_reply"] for r in archive if r["agent_reply"].strip()]
    assert not {_norm(t) for t in replies} & {_norm(r["text"]) for r in rows}
    pairs, _ = _near_duplicate_pairs(replies, [r["text"] for r in rows])
    assert len(pairs) == 0


def test_sample_archive_agents_differ_in_care_rate(archive):
    import caretag

    by_agent = {}
    for row, prediction in zip(archive, caretag.classify_many([r["agent_reply"] for r in archive])):
        if prediction.usable:
            by_agent.setdefault(row["agent"], []).append(prediction.label == "care")
    rates = [sum(v) / len(v) for v in by_agent.values() if len(v) >= 20]
    assert len(rates) >= 4 and max(rates) - min(rates) >= 0.25


def test_datasheet_tables_match_the_data():
    from caretag.datasets import count_tables, load_corpus

    sheet = data_path("README.md").read_text(encoding="utf-8")
    block = sheet[sheet.index("<!-- tables:start -->") + 21:sheet.index("<!-- tables:end -->")]
    assert block.strip() == count_tables(load_corpus()).strip()
