import re

import pytest

from caretag import text
from caretag.text import MAX_TEXT_CHARS, normalise, preprocess, stem, tokenise


@pytest.mark.parametrize("raw, expected", [
    ("Cek di https://toko.co.id/lacak?id=9 ya", "cek di _url_ ya"),
    ("buka www.contoh.com/promo", "buka _url_"),
    ("kirim ke cs@bank-maju.co.id", "kirim ke _email_"),
    ("hubungi 0812-3456-7890 atau +62 812 3456 7890", "hubungi _phone_ atau _phone_"),
    ("call center 1500-123", "call center _phone_"),
    ("pesanan INV/2024/08/1123 dan tiket #TKT-558201", "pesanan _id_ dan tiket _id_"),
    ("resi JX1234567890 rek 1234567890", "resi _id_ rek _id_"),
    ("refund Rp 150.000 atau Rp1,2 jt atau 250rb", "refund _money_ atau _money_ atau _money_"),
    ("tanggal 12/08/2024 jam 09.30 WIB", "tanggal _date_ jam _time_"),
    ("tunggu 3 hari", "tunggu _num_ hari"),
    ("@budi_s terima kasih", "_mention_ terima kasih"),
    ("Makasiiih kaaak!!!", "makasih kak!"),
    ("Siap 🙏😊 :)", "siap _emo_pray_ _emo_smile_ _emo_smile_"),
    ("ok 🦄", "ok _emoji_"),
    ("<p>Yth. Bapak,<br>tiket &amp; kartu</p>", "yth. bapak,\ntiket & kartu"),
    ("<script>alert(1)</script>Halo", "halo"),
    ("ＦＵＬＬ　ｗｉｄｔｈ", "full width"),
    ("zero\u200bwidth", "zerowidth"),
    # number masks run on windows of words around digits: neighbours such as "rp", "rb" and "wib" must be in them
    ("transfer 100 rp 200 ya", "transfer _num_ _money_ ya"),
    ("rp  150 dan Rp 150.000", "rp _num_ dan _money_"),  # two spaces: not an amount, as before windows
    ("sisa 150 rb", "sisa _money_"),
    ("100 rupiah", "_money_"),
    ("jam 10.00 wib ya", "jam _time_ ya"),
    ("hub 0812 3456 7890", "hub _phone_"),
    ("INV/2024/08/1123 dan 3x24 jam", "_id_ dan _num_ x _num_ jam"),
    ("cs@toko.co.id..a@b.co.id", "_email_ _email_"),
])
def test_normalise_masks_and_cleans(raw, expected):
    assert normalise(raw) == expected


def test_slang_maps_to_standard_forms():
    assert tokenise(normalise("makasih kak, udh sy cek yg td gpp")) == [
        "terima", "kasih", "kakak", "sudah", "saya", "cek", "yang", "tadi", "tidak", "apa", "apa"]


def test_lexicon_is_large_and_well_formed():
    table = text.slang_lexicon()
    real_mappings = {k for k, v in table.items() if v != (k,)}
    assert len(real_mappings) >= 300
    assert all(re.fullmatch(r"[a-z0-9'-]+", k) for k in table)
    assert all(v and all(w for w in v) for v in table.values())


def test_lexicon_outputs_are_fixed_points():
    # otherwise "makasih" -> "terima kasih" -> "terima beri": mappings must not chain
    table = text.slang_lexicon()
    chained = {(k, w) for k, v in table.items() for w in v if w in table and table[w] != (w,)}
    assert chained == set()
    assert tokenise("terima kasih makasih") == ["terima", "kasih", "terima", "kasih"]


def test_stemming_fixes_known_sastrawi_errors():
    assert stem("berikan") == "beri"
    assert stem("perbankan") == "bank"
    assert stem("menghubungi") == "hubung"


def test_stemmer_runs_once_per_distinct_token(monkeypatch):
    calls = []

    class CountingStemmer:
        def stem_word(self, word):
            calls.append(word)
            return word[:4]

    monkeypatch.setattr(text, "_stemmer", CountingStemmer())
    stem.cache_clear()
    text.model_tokens.cache_clear()
    try:
        for _ in range(3):
            preprocess("pengiriman pengiriman dikembalikan pengiriman")
        assert sorted(calls) == ["dikembalikan", "pengiriman"]
    finally:
        stem.cache_clear()
        text.model_tokens.cache_clear()


def test_placeholders_and_short_words_are_not_stemmed():
    assert preprocess("refund Rp 50.000 ke rek 1234567 ya kak") == "kembali dana _money_ ke rekening _id_ ya kakak"


def test_nltk_and_fast_tokenisers_agree(corpus):
    for reply in corpus.texts:
        norm = normalise(reply)
        assert tokenise(norm, use_nltk=True) == tokenise(norm, use_nltk=False)


def test_nltk_and_fast_tokenisers_agree_on_real_replies(realworld_texts):
    for reply in realworld_texts:
        norm = normalise(reply)
        assert tokenise(norm, use_nltk=True) == tokenise(norm, use_nltk=False)


def test_huge_text_is_capped():
    huge = ("kami akan kirim paket " * 60_000)[:1_000_000]
    assert len(normalise(huge)) <= MAX_TEXT_CHARS
    assert preprocess(huge).startswith("kami akan kirim paket")


def test_long_garbage_token_becomes_placeholder():
    assert tokenise("a" + "bcdefghij" * 20) == ["_longword_"]


def test_fast_and_nltk_preprocessing_agree_on_the_corpus(corpus):
    for reply in corpus.texts[::3]:
        assert preprocess(reply, use_nltk=False) == preprocess(reply, use_nltk=True)
