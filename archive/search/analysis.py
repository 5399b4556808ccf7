"""How text becomes searchable words, used alike by every engine, the query parser and the
highlighter (the Whoosh analyzer is in ``whoosh_analysis.py``, the PostgreSQL lexemes in
``postgres.py``; both only wrap what is here).

One pass over the text does what a chain of Whoosh filters would do, several times faster:

* words are runs of letters and digits, joined across inner apostrophes and dots
  (``Putin’s``, ``U.S``, ``2.5``); every kind of apostrophe becomes ``'`` so a quote copied
  with straight or curly punctuation finds the same words;
* letters are lower-cased and accents folded (``défense`` → ``defense``);
* Chinese and Japanese characters are one word each, so a phrase of them finds any run;
* in the stemmed form, English words go through the Snowball stemmer (``sanctions`` →
  ``sanction``, ``running`` → ``run``), while a capitalised word in mid-sentence is taken for
  a name and only loses its possessive (``Gerapetritis`` stays ``gerapetritis``,
  ``Putin’s`` → ``putin``).

Because a word at the start of a sentence may be stemmed where the same word elsewhere is
not, queries look for both the stemmed and the plain form of each word (see ``query.py``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from whoosh.lang import stemmer_for_language  # Snowball's English stemmer, pure Python

# Apostrophe look-alikes seen in transcripts and in text pasted from word processors.
APOSTROPHES = "'’‘ʼʻ`´′＇"
_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in APOSTROPHES if c != "'"})

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
# A CJK character alone, or a run of other word characters joined by inner apostrophes or
# dots. Underscores are not word characters here.
WORD_RE = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+(?:[{APOSTROPHES}.][^\W_{_CJK}]+)*")

# Letters that Unicode decomposition leaves alone but readers treat as accented variants.
_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "þ": "th", "æ": "ae", "œ": "oe", "ŀ": "l"}
)

_snowball = stemmer_for_language("en")


@functools.lru_cache(maxsize=200_000)
def _fold_slow(word: str) -> str:
    word = word.casefold().translate(_APOSTROPHE_TABLE).translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(word: str) -> str:
    """The exact form of a word: lower case, accents folded, apostrophes made straight."""
    if word.isascii():
        return word.lower().replace("`", "'")
    return _fold_slow(word)


def base(folded: str) -> str:
    """A folded word without its possessive ending (``putin's`` → ``putin``)."""
    if folded.endswith("'s"):
        return folded[:-2]
    if folded.endswith("'"):
        return folded[:-1]
    return folded


@functools.lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """The Snowball English stem of a folded word; words in other scripts are left whole."""
    if not folded.isascii() or (not folded.isalpha() and "'" not in folded):
        return base(folded)
    return _snowball(folded)


def is_name_at(text: str, start: int) -> bool:
    """Whether the capitalised word starting at ``start`` reads as a name.

    A capital after a letter, digit or comma is a name; at the start of the text or after
    any other punctuation it may just open a sentence.
    """
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    if i < 0:
        return False
    previous = text[i]
    if previous.isalnum() or previous == ",":
        return True
    if previous == ".":
        # "Mr. Gerapetritis", "Antony J. Blinken", "U.S. Ambassador": a title or an initial
        # before the dot does not end a sentence.
        j = i
        while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
            j -= 1
        before = text[j:i].rstrip(".")
        return before in _TITLES or (len(before) == 1 and before.isupper()) or "." in before
    return False


_TITLES = frozenset(
    "Mr Mrs Ms Dr St Gen Sen Rep Gov Pres Prof Amb Lt Col Sgt Capt Adm Hon Jr Sr Rev Fr Maj Cmdr Supt".split()
)


@dataclass(slots=True)
class Word:
    """One word of a text with where it was found and its two searchable forms."""

    start: int
    end: int
    exact: str
    stemmed: str


def words(text: str) -> list[Word]:
    """Split ``text`` into words with their offsets, exact forms and stemmed forms."""
    result = []
    for match in WORD_RE.finditer(text):
        raw = match.group()
        exact = fold(raw)
        if raw[0].isupper() and is_name_at(text, match.start()):
            stemmed = base(exact)
        else:
            stemmed = stem(exact)
        result.append(Word(match.start(), match.end(), exact, stemmed))
    return result


def __getattr__(name):
    # Whoosh indexes built before the analyzer moved unpickle it from this module.
    if name in ("QuoteAnalyzer", "STEMMING_ANALYZER", "EXACT_ANALYZER"):
        from archive.search import whoosh_analysis

        return getattr(whoosh_analysis, name)
    raise AttributeError(name)
