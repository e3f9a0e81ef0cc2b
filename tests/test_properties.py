"""Property-based tests: odd Unicode never breaks normalisation or classification."""
import json
import subprocess
import sys

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import caretag  # noqa: E402
from caretag.text import normalise, preprocess, tokenise  # noqa: E402

# Every code point, including control characters and lone surrogates (which Python strings may hold).
ANY_CHAR = st.characters(blacklist_categories=())
ANY_TEXT = st.text(ANY_CHAR, max_size=300)
REPLY_LIKE = st.lists(st.one_of(
    st.sampled_from(["kak", "mohon", "maaf", "paket", "sudah", "dikirim", "ya", "🙏", "😊", "Rp 50.000", "0812-3456-7890",
                     "https://x.co.id/a", "<b>", "</p>", "&amp;", "INV/2024/01/0001", "\n", "\t", "!!!", "makasiiih",
                     "ke depannya", "semoga", "\u200b", "\x00", "ａｂｃ", "İ", "ß", "\ud800"]),
    st.text(ANY_CHAR, max_size=12),
    st.text("a", min_size=30, max_size=200),
    st.text(" \t\n", min_size=5, max_size=50),
), max_size=40).map(" ".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(ANY_TEXT, REPLY_LIKE))
def test_normalise_and_preprocess_never_raise(text):
    assert isinstance(normalise(text), str)
    assert isinstance(preprocess(text), str)
    assert isinstance(preprocess(text, use_nltk=False), str)


@FAST
@given(st.one_of(ANY_TEXT, REPLY_LIKE))
def test_tokenising_normalised_text_is_idempotent(text):
    # Normalising the joined tokens again gives the same tokens: placeholders and lexicon output are stable.
    tokens = tokenise(normalise(text))
    assert tokenise(normalise(" ".join(tokens))) == tokens


@FAST
@given(st.one_of(ANY_TEXT, REPLY_LIKE))
def test_nltk_and_fast_tokenisers_agree(text):
    norm = normalise(text)
    assert tokenise(norm, use_nltk=True) == tokenise(norm, use_nltk=False)


@FAST
@given(st.one_of(ANY_TEXT, REPLY_LIKE))
def test_classify_always_gives_a_valid_result(text):
    result = caretag.classify(text)
    if result.usable:
        assert result.label in ("service", "care") and 0.0 <= result.care_score <= 1.0
    else:
        assert result == caretag.Prediction(None, None, "empty_text") and not caretag.text.has_content(text)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(ANY_TEXT, REPLY_LIKE), max_size=12))
def test_classify_many_equals_classify_each(texts):
    assert caretag.classify_many(texts) == [caretag.classify(t) for t in texts]


TRICKY = ["", "🙏", "<p>&nbsp;</p>", "Paket sudah dikirim ya kak", "\ud800 lone", "a" * 5000,
          "Biar bulan depan gak telat, aktifkan autodebet ya, nanti saya cek lagi Senin 🙏", "Ｆｕｌｌｗｉｄｔｈ ＫＡＫ"]


def test_results_are_identical_in_a_fresh_process():
    here = [p.as_dict() for p in caretag.classify_many(TRICKY)]
    code = ("import json, sys, caretag; texts = json.loads(sys.stdin.read());"
            "print(json.dumps([p.as_dict() for p in caretag.classify_many(texts)]))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(TRICKY), capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == here
