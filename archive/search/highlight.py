"""Marking the words a query matched, with the very analysis that matched them.

Only the query's own words are marked (filters such as the speaker or the topic are not),
a phrase is marked only where it occurs as a phrase, and everything else is escaped: the
result is safe HTML whose only tags are our ``<mark>`` elements.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.search.analysis import words as analyse
from archive.search.query import ParsedQuery, QueryWord

# Long answers are shown as a window of about this many characters around the best match.
WINDOW = 360
# How much of the window comes before the first mark.
LEAD = 90
ELLIPSIS = "…"
_WHITESPACE = re.compile(r"\s+")
# A sentence ends with . ? or ! and perhaps a closing quotation mark or bracket.
_SENTENCE_END = re.compile(r"[.?!][\"”’')\]]*\s*$")


def _matches(word, query_word: QueryWord) -> bool:
    return word.exact == query_word.exact or word.stemmed in query_word.stems


def clause_positions(tokens: list, clause) -> list[int]:
    """Indexes of the ``tokens`` that ``clause`` (a word, or a phrase where it stands as a
    phrase) matches."""
    words = clause.words
    if len(words) == 1:
        return [i for i, token in enumerate(tokens) if _matches(token, words[0])]
    n = len(words)
    found = []
    for i in range(len(tokens) - n + 1):
        if all(_matches(tokens[i + k], words[k]) for k in range(n)):
            found.extend(range(i, i + n))
    return found


def satisfies(tokens: list, parsed: ParsedQuery) -> bool:
    """Whether words ``tokens`` hold what the query asks: a clause of every group, and none
    of the excluded clauses. An empty query is satisfied by nothing."""
    if parsed is None or not parsed.groups:
        return False
    if not all(any(clause_positions(tokens, c) for c in group) for group in parsed.groups):
        return False
    return not any(clause_positions(tokens, c) for c in parsed.excluded)


def token_spans(text: str, tokens: list, parsed: ParsedQuery) -> list[tuple[int, int]]:
    """Character spans of ``text`` (already split into ``tokens``) the query matched,
    merged and in order."""
    marked = [False] * len(tokens)
    for clause in parsed.positive_clauses:
        for i in clause_positions(tokens, clause):
            marked[i] = True
    spans: list[list[int]] = []
    previous = -2
    for i, token in enumerate(tokens):
        if not marked[i]:
            continue
        # Neighbouring marked words separated only by spaces read as one highlight.
        if spans and previous == i - 1 and not text[spans[-1][1] : token.start].strip():
            spans[-1][1] = token.end
        else:
            spans.append([token.start, token.end])
        previous = i
    return [tuple(span) for span in spans]


def marked_spans(text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
    """Character spans of ``text`` that the query matched, merged and in order."""
    if parsed is None or not parsed.groups:
        return []
    return token_spans(text, analyse(text), parsed)


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    if len(text) <= size:
        return 0, len(text)
    if not spans:
        start = 0
    else:
        # The window holding the most marks, led in by a little context.
        best, best_count = spans[0][0], 0
        for first, _ in spans:
            count = sum(1 for s, e in spans if first <= s and e <= first + size - LEAD)
            if count > best_count:
                best, best_count = first, count
        start = max(0, best - LEAD)
    end = min(len(text), start + size)
    start = max(0, end - size) if end == len(text) else start
    # Cut at spaces, never inside a word.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    return start, end


def highlight(text: str, parsed: ParsedQuery | None, size: int = WINDOW) -> SafeString:
    """``text`` escaped, with matches in ``<mark>``, cut to a window around the best match."""
    return mark_spans(text, marked_spans(text, parsed) if parsed is not None else [], size)


def mark_spans(text: str, spans: list[tuple[int, int]], size: int = WINDOW) -> SafeString:
    """``text`` escaped with the given ordered, non-overlapping spans in ``<mark>``, cut to a
    window of about ``size`` characters around the densest marks."""
    start, end = _window(text, spans, size)
    pieces = [ELLIPSIS] if start > 0 else []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        pieces.append(escape(_WHITESPACE.sub(" ", text[cursor:s])))
        pieces.append("<mark>" + escape(_WHITESPACE.sub(" ", text[s:e])) + "</mark>")
        cursor = e
    pieces.append(escape(_WHITESPACE.sub(" ", text[cursor:end])))
    if end < len(text):
        pieces.append(continuation(text[start:end]))
    return mark_safe("".join(pieces))


def continuation(shown: str) -> str:
    """The ellipsis that says more follows ``shown``: set apart by a space after a finished
    sentence ("world wars. …"), so it does not read as a second full stop."""
    if _SENTENCE_END.search(shown):
        return " " + ELLIPSIS
    return ELLIPSIS
