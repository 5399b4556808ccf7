"""Reading what people type into the search box, into a form every search engine compiles.

The syntax is the one people know from web search: all words by default, ``"exact phrase"``,
``OR`` between alternatives, ``-word`` or ``-"a phrase"`` to exclude. Nothing typed can make
parsing fail: unbalanced quotes close at the end, lone operators and punctuation are ignored.
What one query may ask is bounded, so that no query can tie up the server: input past
``MAX_QUERY_LENGTH`` characters, past ``MAX_CLAUSES`` terms, past ``MAX_PHRASE_WORDS`` words
in a phrase or ``MAX_WORDS`` words in all is cut off, and ``ParsedQuery.notices`` says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.search.analysis import WORD_RE, base, fold, stem

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 24
# A remembered quote is rarely longer than this; phrase matching costs grow with its words.
MAX_PHRASE_WORDS = 24
MAX_WORDS = 48

# Words so common that requiring them adds nothing; dropped outside quotes when other words
# remain, and then not highlighted either.
STOPWORDS = frozenset(
    """a an and are as at be but by for from has have he her his i if in into is it its
    me my not of on or our she so than that the their them then there these they this to
    us was we were what when which who will with would you your""".split()
)

_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»″〝〞＂"})
_TOKEN_RE = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)(?:"|$)|(?P<word>\S+)')
# Relative weight of a match in each field: a query naming the speaker ranks that speaker's
# turns above turns that merely mention the name; the transcript title counts least.
BOOSTS = {"text": 1.0, "text_exact": 1.0, "speaker_name": 4.0, "title": 0.3}
# A phrase match in the unstemmed field scores above the same phrase found through stems.
VERBATIM_BOOST = 2.0
# Unquoted words found in the order typed, next to each other, are most likely the quote
# being remembered: such a match adds this many times a plain match's score to the turn's.
PROXIMITY_BOOST = 3.0
# Whoosh's slop: 1 is strictly adjacent; 2 lets one stray word sit between two typed words.
PROXIMITY_SLOP = 2


@dataclass(frozen=True)
class QueryWord:
    """One word of a query in the forms it is matched in."""

    exact: str

    @property
    def stems(self) -> frozenset[str]:
        return frozenset({stem(self.exact), base(self.exact)})


@dataclass
class Clause:
    """A word or a phrase, possibly excluded."""

    words: list[QueryWord]
    quoted: bool = False
    negated: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def text(self) -> str:
        joined = " ".join(w.exact for w in self.words)
        return f'"{joined}"' if self.quoted or self.is_phrase else joined


@dataclass
class ParsedQuery:
    """A query as understood: groups that must all match, each one of several clauses."""

    raw: str = ""
    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    # What was left out of a query past the limits, in words for the reader.
    notices: list[str] = field(default_factory=list)
    # The words of an unquoted query in the order typed, stopwords included, when it may be a
    # remembered quote (only plain words, no OR, no quoted phrase).
    typed_sequence: list[QueryWord] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive_clauses(self) -> list[Clause]:
        return [clause for group in self.groups for clause in group]

    def plain_words(self) -> list[str]:
        """Unquoted single words of the query, in their exact forms (for name suggestions)."""
        return [c.words[0].exact for c in self.positive_clauses if not c.quoted and not c.is_phrase]

    def without_words(self, exact_forms: set[str]) -> str:
        """The query re-written without the given single words (after choosing a speaker)."""
        parts = []
        for group in self.groups:
            kept = [
                c.text()
                for c in group
                if c.quoted or c.is_phrase or c.words[0].exact not in exact_forms
            ]
            if kept:
                parts.append(" OR ".join(kept))
        parts.extend("-" + c.text() for c in self.excluded)
        return " ".join(parts)

    def proximity_words(self) -> list[str]:
        """The typed words to rank higher when found in this order, or [] (see PROXIMITY_BOOST)."""
        sequence = [w.exact for w in self.typed_sequence]
        if len(sequence) < 2 or all(word in STOPWORDS for word in sequence):
            # A query of stopwords only matches most turns; ordering them all by phrase
            # position would cost more than it tells.
            return []
        return sequence


def _words(text: str) -> list[QueryWord]:
    return [QueryWord(fold(m.group())) for m in WORD_RE.finditer(text)]


def parse(raw: str | None) -> ParsedQuery:
    """Understand a query string; never raises."""
    raw = raw or ""
    notices = []
    if len(raw) > MAX_QUERY_LENGTH:
        notices.append(
            f"Your search was {len(raw):,} characters long; only the first {MAX_QUERY_LENGTH} were searched."
        )
        raw = raw[:MAX_QUERY_LENGTH]
    text = raw.translate(_QUOTES)
    items: list[object] = []  # Clause, "OR" or "NOT"
    for match in _TOKEN_RE.finditer(text):
        if match.group("word") is not None:
            token = match.group("word")
            if token in ("OR", "|", "||"):
                items.append("OR")
                continue
            if token in ("AND", "&&", "+"):
                continue
            if token == "NOT":
                items.append("NOT")
                continue
            negated = token.startswith("-") and len(token) > 1
            words = _words(token[1:] if negated else token.lstrip("+"))
            if words:
                items.append(Clause(words, quoted=False, negated=negated))
        else:
            words = _words(match.group("phrase"))
            if words:
                items.append(Clause(words, quoted=True, negated=bool(match.group("neg"))))

    parsed = ParsedQuery(raw=raw, notices=notices)
    pending_or = False
    pending_not = False
    count = 0
    words_left = MAX_WORDS
    for item in items:
        if item == "OR":
            pending_or = bool(parsed.groups)
            continue
        if item == "NOT":
            pending_not = True
            continue
        clause = item
        count += 1
        if count > MAX_CLAUSES or words_left <= 0:
            notices.append(
                f"Only the first {count - 1} terms ({MAX_WORDS - words_left} words) were searched; "
                "a shorter search finds the same answers faster."
            )
            break
        if len(clause.words) > MAX_PHRASE_WORDS:
            notices.append(
                f"The phrase “{clause.text()[1:40]}…” was searched for its first {MAX_PHRASE_WORDS} words."
            )
            clause.words = clause.words[:MAX_PHRASE_WORDS]
        if len(clause.words) > words_left:
            clause.words = clause.words[:words_left]
        words_left -= len(clause.words)
        if pending_not:
            clause.negated, pending_not = True, False
        if clause.negated:
            parsed.excluded.append(clause)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(clause)
            pending_or = False
        else:
            parsed.groups.append([clause])
    parsed.typed_sequence = _typed_sequence(parsed)
    _drop_stopwords(parsed)
    return parsed


def _typed_sequence(parsed: ParsedQuery) -> list[QueryWord]:
    # One clause alone is matched as typed already (a word, or "U.S.-Russia" as a phrase).
    if len(parsed.groups) < 2 or any(len(group) > 1 or group[0].quoted for group in parsed.groups):
        return []
    return [word for group in parsed.groups for word in group[0].words]


def _is_stopword(clause: Clause) -> bool:
    return not clause.quoted and not clause.is_phrase and clause.words[0].exact in STOPWORDS


def _drop_stopwords(parsed: ParsedQuery) -> None:
    substantial = [g for g in parsed.groups if not all(_is_stopword(c) for c in g)]
    if substantial:
        parsed.groups = substantial
