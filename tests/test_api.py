import math
import subprocess
import sys
import threading

import pytest

import caretag
from caretag import InvalidInputError, Prediction, classify, classify_many

CARE = ("Kak, saya lihat kuota Kakak selalu habis di minggu ketiga. Supaya bulan depan tidak kehabisan, "
        "paket 50GB lebih hemat untuk pola pemakaian itu, dan saya aktifkan pengingat sisa kuota 20% ya.")
SERVICE = "Dana akan dikembalikan dalam 3-5 hari kerja ke rekening Kakak ya. Terima kasih 🙏"


def test_classify_returns_a_prediction():
    result = classify(SERVICE)
    assert isinstance(result, Prediction)
    assert result.label in ("service", "care") and result.usable and result.flag == ""
    assert 0.0 <= result.care_score <= 1.0
    assert result.label == ("care" if result.care_score >= caretag.load_scorer().threshold else "service")


def test_shipped_model_tells_the_clear_cases_apart():
    assert classify(SERVICE).label == "service"
    assert classify(CARE).label == "care"


def test_classify_many_equals_classify_one_by_one(test_split):
    texts = test_split.texts[:60] + ["", "   "]
    assert classify_many(texts) == [classify(t) for t in texts]


def test_classify_many_keeps_length_and_order(test_split):
    texts = test_split.texts[:30]
    assert [p.care_score for p in classify_many(texts)] == [classify(t).care_score for t in texts]
    assert classify_many([]) == []
    assert len(classify_many(iter(texts))) == 30


@pytest.mark.parametrize("empty", ["", "   ", "\n\t", "<p></p>", "<br/><br/>", "&nbsp;"])
def test_empty_text_is_flagged_not_guessed(empty):
    result = classify(empty)
    assert result == Prediction(None, None, "empty_text") and not result.usable


@pytest.mark.parametrize("reply", [
    "🙏🙏😊",
    "<div><b>Terima kasih</b>, pesanan <i>sudah</i> dikirim.</div>",
    "Thank you for contacting us, your refund has been processed.",
    "谢谢您的耐心",
    "?????",
    "a" * 10_000,
    "\x00\x01\x02 kontrol",
])
def test_odd_text_still_gets_a_prediction(reply):
    result = classify(reply)
    assert result.usable and result.label in ("service", "care") and 0 <= result.care_score <= 1


def test_huge_text_gets_a_prediction():
    result = classify("Paket Kakak sedang dikirim. " * 40_000)
    assert result.usable and result.label == "service"


@pytest.mark.parametrize("bad, shown", [(None, "None"), (float("nan"), "NaN"), (12, "int"), (b"x", "bytes")])
def test_non_string_is_a_clear_error_naming_the_position(bad, shown):
    with pytest.raises(InvalidInputError, match=f"{shown}.*position 2"):
        classify_many(["a", "b", bad])
    with pytest.raises(caretag.CaretagError, match=shown):
        classify(bad)


def test_bare_string_to_classify_many_is_refused():
    with pytest.raises(InvalidInputError, match="string object received"):
        classify_many("satu balasan")


def test_errors_are_also_builtin_types():
    assert issubclass(InvalidInputError, TypeError)
    assert issubclass(caretag.DataError, ValueError)


def test_threads_get_the_same_answers(test_split):
    texts = test_split.texts[:80]
    expected = classify_many(texts)
    results = [None] * 8

    def work(k):
        results[k] = [classify(t) for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_classify_accepts_an_own_model(fitted_model):
    result = classify(CARE, model=fitted_model)
    assert math.isclose(result.care_score, float(fitted_model.care_score([CARE])[0]))


def test_import_is_light_and_first_prediction_needs_no_sklearn():
    code = ("import sys, caretag; assert 'sklearn' not in sys.modules and 'numpy' not in sys.modules;"
            "p = caretag.classify('Paket sudah dikirim ya kak'); assert p.usable;"
            "assert 'sklearn' not in sys.modules and 'nltk' not in sys.modules; print(p.label)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() in ("service", "care")


def test_public_api_is_declared():
    for name in caretag.__all__:
        assert getattr(caretag, name) is not None
