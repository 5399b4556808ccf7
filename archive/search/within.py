"""Finding words inside one transcript (``/transcripts/<slug>/?find=…``), on the server.

A transcript page already holds every turn, so nothing is asked of the index: each turn's
words go through the same analysis the search uses, so ``Russia's`` finds ``Russia`` and
``sanction`` finds ``sanctions``, and the query syntax is the search box's (all words,
``"a phrase"``, ``OR``, ``-word``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from archive.search.analysis import words as analyse
from archive.search.highlight import ELLIPSIS, continuation, satisfies, token_spans
from archive.search.query import ParsedQuery, parse
from archive.sharing.quotes import paragraph_spans, render_marked

# How many words of a matching turn the list at the top of the page shows.
EXCERPT_WORDS = 14
FIND_MARK = "find-mark"


@dataclass
class Found:
    """One turn that holds what was asked for, with its paragraphs marked."""

    turn: object
    paragraphs: list[SafeString]
    excerpt: str


@dataclass
class FindResult:
    query: str
    parsed: ParsedQuery
    found: list[Found] = field(default_factory=list)

    @property
    def numbers(self) -> set[int]:
        return {f.turn.number for f in self.found}

    def paragraphs_for(self, turn) -> list[SafeString]:
        for item in self.found:
            if item.turn.pk == turn.pk:
                return item.paragraphs
        return []

    @property
    def searchable(self) -> bool:
        """Whether anything findable was typed (punctuation alone is not)."""
        return bool(self.parsed.groups)


def _excerpt(paragraph: str, start: int) -> str:
    """A few words from the paragraph, starting a little before the first match."""
    before = paragraph[:start].split()
    shown = before[-3:] + paragraph[start:].split()
    text = " ".join(shown[:EXCERPT_WORDS])
    if len(shown) > EXCERPT_WORDS:
        text += continuation(text)
    return (ELLIPSIS + text) if len(before) > 3 else text


def find_in(turns, query: str) -> FindResult:
    """The turns among ``turns`` (in their order) that hold what ``query`` asks for."""
    parsed = parse(query)
    result = FindResult(query=" ".join((query or "").split()), parsed=parsed)
    if not parsed.groups:
        return result
    for turn in turns:
        pieces = []
        for start, end in paragraph_spans(turn.text):
            raw = turn.text[start:end]
            paragraph = raw.strip()
            pieces.append((paragraph, analyse(paragraph)))
        # The query is checked against the whole turn, so its words may be in different
        # paragraphs; "-word" leaves the turn out wherever the word stands.
        if not satisfies([token for _, tokens in pieces for token in tokens], parsed):
            continue
        marked, excerpt = [], ""
        for paragraph, tokens in pieces:
            spans = token_spans(paragraph, tokens, parsed)
            if spans and not excerpt:
                excerpt = _excerpt(paragraph, spans[0][0])
            marked.append(render_marked(paragraph, turn.notes, spans=spans, mark_class=FIND_MARK))
        result.found.append(Found(turn=turn, paragraphs=marked, excerpt=excerpt))
    return result
