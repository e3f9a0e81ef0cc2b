"""Indonesian support text -> model input: normalise, tokenise, map slang, stem.

Everything here is a plain module-level function so that a fitted pipeline that refers to it can be
pickled and cloned. Saved models refer to :func:`preprocess_many` by import path: it is public API.
"""
from __future__ import annotations

import functools
import html
import re
import threading
import unicodedata
from importlib import resources
from typing import Iterable

import regex

__all__ = [
    "MAX_TEXT_CHARS",
    "normalise",
    "tokenise",
    "stem",
    "preprocess",
    "preprocess_many",
    "surface_tokens",
    "model_tokens",
    "TOKEN_PATTERN",
    "slang_lexicon",
    "has_content",
]

# Replies longer than this are scored on their first MAX_TEXT_CHARS characters. Real replies are far shorter
# (the longest of 2,580 real company replies is under 2,000 characters); the cap bounds the time a pasted
# log or a 1 MB blob can take.
MAX_TEXT_CHARS = 20_000
# A "word" longer than this is a hash, base64 blob or keyboard mash: one placeholder, never stemmed.
MAX_TOKEN_CHARS = 40

_TAG_BLOCK = re.compile(r"<(script|style)\b[^>]{0,500}>.*?</\1\s*>", re.S)
_TAG_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h\d)\b[^<>]{0,500}>")
_TAG = re.compile(r"</?[a-z!][^<>]{0,2000}>")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|co\.id|go\.id|ac\.id|or\.id|id|net|org|io|app|me|ly|link)\b(?:/\S*)?"
)
_MENTION = re.compile(r"@(?<![\w@]@)\w+")  # an "@" not after a word character or "@"
_MONEY = re.compile(
    r"\brp\.?\s?\d[\d.,]*(?:\s?(?:rb|ribu|jt|juta|m|miliar|k)\b)?"
    r"|\b\d[\d.,]*\s?(?:rb|ribu|jt|juta|rupiah|idr)\b"
)
_PHONE = re.compile(
    r"(?<![\d+])(?:\+62[-\s.]?|62[-\s.]?|0)8\d{1,3}(?:[-\s.]?\d{2,5}){2,3}(?!\d)"
    r"|(?<!\d)\(?0\d{1,3}\)?[-\s.]\d{3,4}[-\s.]?\d{3,5}(?!\d)"
    r"|\b1[45]0{1,2}[-\s]?\d{2,4}\b"
)
_DATE = re.compile(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s?wi[bt]a?)?\b")
# Order, ticket and tracking ids: letters and at least four digits (INV/2024/08/1123, TKT-558201, JX1234567890);
# bare digit runs of six or more (account and booking numbers) are ids too.
_ALNUM_ID = re.compile(r"#?\b(?=[a-z0-9/_-]*[a-z])(?=(?:[a-z/_-]*\d){4})[a-z0-9]+(?:[/_-][a-z0-9]+)*\b")
_DIGIT_ID = re.compile(r"#?\b\d{6,}\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_HASHTAG = re.compile(r"#(?=\w)")
# The number masks run only on windows of whole words around digits: the words holding a digit, the one word
# before ("rp") and after ("rb", "wib") each, and single words between two of them. Every match of those masks
# lies inside such a window and a window is bounded by whitespace, so the result is the same as masking the
# whole text, at a fraction of the cost. A window grows right from a digit run with _WINDOW_RIGHT and left
# with _WINDOW_LEFT, matched on the reversed text.
_DIGIT_RUN = re.compile(r"\d\S*")
_WINDOW_RIGHT = re.compile(r"(?:\s+(?:\S+\s+)?\S*\d\S*)*(?:\s+\S+)?")
_WINDOW_LEFT = re.compile(r"\S*\s*\S*")
# Cheap checks that decide whether a masking step can match at all.
_DIGIT = re.compile(r"\d")
_EMAIL_HINT = re.compile(r"@[\w-]+\.[\w-]")  # in every e-mail address; not in a mention like "@budi"
_TLD_HINT = re.compile(r"\.(?:com|id|net|org|io|app|me|ly|link)\b")  # with "http" / "www.": every URL has one
_EMOTICON_HINT = re.compile(r"[:;=]-?[)dp(]|\^_?\^")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_ELONGATION = re.compile(r"([a-z])\1{2,}")
_REPEAT_PUNCT = re.compile(r"([!?.])\1+")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufe0e\ufe0f\u00ad]")

# Emoji and emoticons that support agents use, mapped to a few meaning-bearing tokens; any other
# pictograph becomes _emoji_. Kept as tokens because warmth markers are exactly what the model must
# learn *not* to over-trust, so it needs to see them.
_EMOJI_TOKENS = {
    "🙏": "_emo_pray_", "😊": "_emo_smile_", "🙂": "_emo_smile_", "☺": "_emo_smile_", "😀": "_emo_smile_",
    "😃": "_emo_smile_", "😄": "_emo_smile_", "😁": "_emo_smile_", "🤗": "_emo_hug_", "😉": "_emo_smile_",
    "😅": "_emo_sweat_", "🙇": "_emo_pray_", "😔": "_emo_sad_", "😢": "_emo_sad_", "😞": "_emo_sad_",
    "🥺": "_emo_sad_", "😭": "_emo_sad_", "👍": "_emo_ok_", "👌": "_emo_ok_", "✅": "_emo_ok_",
    "❤": "_emo_heart_", "💙": "_emo_heart_", "💚": "_emo_heart_", "💛": "_emo_heart_", "🧡": "_emo_heart_",
    "💜": "_emo_heart_", "✨": "_emo_spark_", "🌟": "_emo_spark_", "⭐": "_emo_spark_", "💪": "_emo_strong_",
    "🔥": "_emo_spark_", "📞": "_emo_phone_", "📦": "_emo_parcel_", "🚚": "_emo_parcel_", "⚠": "_emo_warn_",
}
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]")
_EMOTICON = re.compile(r"(?<!\w)(?:[:;=]-?[)dp]+|\^\^|\^_\^|:-?\(+)(?!\w)")

# Placeholders, words (with reduplication hyphens: hati-hati) and the ? and ! that end questions.
TOKEN_PATTERN = r"_[a-z]+(?:_[a-z]+)*_|[^\W\d_]+(?:-[^\W\d_]+)*|[?!]"
# NLTK (>= 3.10) compiles a RegexpTokenizer pattern with the `regex` engine and these flags; the fast path
# compiles the same pattern the same way without importing nltk, whose __init__ imports SciPy and
# scikit-learn (~2 s). The tests check that both give identical tokens, including on arbitrary Unicode.
_TOKEN_RE = regex.compile(TOKEN_PATTERN, re.UNICODE | re.MULTILINE | re.DOTALL)
# On ASCII text, [^\W\d_] is exactly [a-zA-Z]: the same tokens, found by the standard-library engine ~2x sooner.
_ASCII_TOKEN_RE = re.compile(r"_[a-z]+(?:_[a-z]+)*_|[a-zA-Z]+(?:-[a-zA-Z]+)*|[?!]")
_STEMMABLE = re.compile(r"[a-z]+(?:-[a-z]+)*")

# Known wrong PySastrawi stems (upstream issues har07/PySastrawi#4, #13, sastrawi/sastrawi#23) and
# support-domain words it mangles; the maintainers advise keeping one's own exception list.
_STEM_EXCEPTIONS = {
    "berikan": "beri", "diberikan": "beri", "memberikan": "beri", "perbankan": "bank", "relawan": "relawan",
    "menangis": "tangis", "pelanggan": "langgan", "ketidaknyamanan": "tidaknyaman",
    "ketidaknyamanannya": "tidaknyaman", "kedepannya": "depan", "mengecek": "cek", "dicek": "cek",
}


@functools.lru_cache(maxsize=1)
def slang_lexicon() -> dict[str, tuple[str, ...]]:
    """The packaged slang/abbreviation table: informal token -> standard token(s)."""
    text = resources.files("caretag").joinpath("lexicon/slang.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("\t")
            table[key] = tuple(value.split())
    return table


def _mask_number_window(text: str) -> str:
    """Mask money, phone numbers, ids, dates, times and numbers in one window of digit-bearing words."""
    # The `in` checks are necessary conditions of each mask (a currency word; a date or time separator).
    if ("rp" in text or "rb" in text or "ribu" in text or "jt" in text or "juta" in text or "rupiah" in text
            or "idr" in text):
        text = _MONEY.sub(" _money_ ", text)
    text = _PHONE.sub(" _phone_ ", text)
    text = _ALNUM_ID.sub(" _id_ ", text)
    if "/" in text or "-" in text:
        text = _DATE.sub(" _date_ ", text)
    if ":" in text or "." in text:
        text = _TIME.sub(" _time_ ", text)
    text = _DIGIT_ID.sub(" _id_ ", text)
    return _NUMBER.sub(" _num_ ", text)


def _mask_numbers(text: str) -> str:
    pieces, done, reverse, length = [], 0, text[::-1], len(text)
    for run in _DIGIT_RUN.finditer(text):
        start = run.start()
        if start < done:
            continue
        start -= _WINDOW_LEFT.match(reverse, length - start).end() - (length - start)
        end = _WINDOW_RIGHT.match(text, run.end()).end()
        start = max(start, done)
        pieces += (text[done:start], _mask_number_window(text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _mask_emoji(text: str) -> str:
    if _EMOTICON_HINT.search(text):
        text = _EMOTICON.sub(lambda m: " _emo_sad_ " if "(" in m.group() else " _emo_smile_ ", text)
    if text.isascii():
        return text
    return _EMOJI.sub(lambda m: f" {_EMOJI_TOKENS.get(m.group(), '_emoji_')} ", text)


def _strip_html(text: str) -> str:
    if "<" in text:
        text = _TAG_BLOCK.sub(" ", text)
        text = _TAG_BREAK.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def _mask(text: str) -> str:
    """NFKC, HTML removed, lower case, entities masked, emoji mapped: everything the model's tokens depend on.

    Each masking step runs only when a cheap check says it can match (an "@", a digit, a URL hint, a
    non-ASCII character): the result is the same, ~3x sooner.
    """
    text = text[:MAX_TEXT_CHARS]
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = _strip_html(text).lower()
    if "@" in text and _EMAIL_HINT.search(text):
        text = _EMAIL.sub(" _email_ ", text)
    if "http" in text or "www." in text or _TLD_HINT.search(text):
        text = _URL.sub(" _url_ ", text)
    if "@" in text:
        text = _MENTION.sub(" _mention_ ", text)
    if _DIGIT.search(text):
        text = _mask_numbers(text)
    if "#" in text:
        text = _HASHTAG.sub("", text)
    return _mask_emoji(text)


def normalise(text: str) -> str:
    """Clean one reply: NFKC, HTML removed, lower case, entities masked, emoji mapped, elongation squashed.

    The result is still a readable string (sentence punctuation kept) so that it can be split into
    sentences; :func:`tokenise` turns it into tokens.
    """
    text = _ELONGATION.sub(r"\1", _mask(text))
    text = _REPEAT_PUNCT.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=1)
def _nltk_tokenizer():
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(TOKEN_PATTERN)


def _raw_tokens(text: str, use_nltk: bool) -> list[str]:
    if use_nltk:
        return _nltk_tokenizer().tokenize(text)
    return (_ASCII_TOKEN_RE if text.isascii() else _TOKEN_RE).findall(text)


def surface_tokens(text: str, use_nltk: bool = True) -> list[str]:
    """The raw word, placeholder and ?/! tokens of one reply, before slang mapping and stemming.

    Equivalent to tokenising :func:`normalise` output without the per-token steps; skipping the
    whole-text squashing and whitespace passes (done per distinct token instead) is what makes it fast.
    """
    text = _mask(text)
    if "!!" in text or "??" in text:  # repeated dots make no tokens, so only these need squashing
        text = _REPEAT_PUNCT.sub(r"\1", text)
    return _raw_tokens(text, use_nltk)


@functools.lru_cache(maxsize=200_000)
def model_tokens(surface: str, stemming: bool = True) -> tuple[str, ...]:
    """One surface token -> its model tokens: elongation squashed, slang mapped, overlong words replaced,
    then (optionally) stemmed. Memoised: a support archive repeats a few thousand distinct words."""
    surface = _ELONGATION.sub(r"\1", surface)
    if len(surface) > MAX_TOKEN_CHARS:
        return ("_longword_",)
    tokens = slang_lexicon().get(surface, (surface,))
    if stemming:
        tokens = tuple(token if token.startswith("_") else stem(token) for token in tokens)
    return tokens


def tokenise(normalised: str, use_nltk: bool = True) -> list[str]:
    """Split normalised text into word, placeholder and ?/! tokens, with slang mapped to standard forms.

    ``use_nltk=False`` applies the same pattern without importing NLTK (the fast inference path).
    """
    return [token for raw in _raw_tokens(normalised, use_nltk) for token in model_tokens(raw, False)]


_stemmer = None
_stemmer_lock = threading.Lock()


def _get_stemmer():
    global _stemmer
    if _stemmer is None:
        with _stemmer_lock:
            if _stemmer is None:
                from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
                from Sastrawi.Stemmer.Stemmer import Stemmer
                from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

                _stemmer = Stemmer(ArrayDictionary(StemmerFactory().get_words()))
    return _stemmer


# Bounded, unlike PySastrawi's own CachedStemmer: a long batch job sees an open-ended stream of typos and
# names. 200k distinct words is far more than the vocabulary of a support archive (~60 MB at most).
@functools.lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """Stem one lower-case token with PySastrawi, once per distinct token per process."""
    if token in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[token]
    if len(token) < 4 or not _STEMMABLE.fullmatch(token):
        return token
    return _get_stemmer().stem_word(token) or token


def has_content(text: str) -> bool:
    """True when a reply has something to score once markup and whitespace are gone."""
    return bool(text.strip()) and bool(_strip_html(text[:MAX_TEXT_CHARS]).strip())


def preprocess(text: str, stemming: bool = True, use_nltk: bool = True) -> str:
    """Raw reply -> space-separated model tokens (the input of the TF-IDF step)."""
    return " ".join([token for raw in surface_tokens(text, use_nltk) for token in model_tokens(raw, stemming)])


def preprocess_many(texts: Iterable[str], stemming: bool = True, use_nltk: bool = True) -> list[str]:
    """:func:`preprocess` over a sequence; the function the pipeline's first step calls."""
    return [preprocess(text, stemming, use_nltk) for text in texts]
