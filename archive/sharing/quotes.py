"""Finding a quoted passage in a turn and showing it highlighted, without JavaScript.

A quote link carries the words a reader selected (``?quote=…``). The words are looked up
in the turn's text loosely: case, runs of white space, and typographic versus straight
quotation marks and dashes do not matter, because a selection copied from a browser and a
quote retyped by hand differ in exactly those ways.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Longest quote honoured; a longer parameter is someone else's text, not a selection.
MAX_QUOTE_CHARS = 2000

FOLDS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2026": "...",
}  # fmt: skip


def _normalise(text):
    """Fold ``text`` for matching; return the folded string and, per folded character,
    the index of the original character it came from."""
    out = []
    origin = []
    for index, char in enumerate(text):
        if char.isspace() or char == "\u00a0":
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(index)
            continue
        for folded in FOLDS.get(char, char).casefold():
            out.append(folded)
            origin.append(index)
    return "".join(out), origin


def clean_quote(quote):
    """The quote as a reader means it: trimmed, white space collapsed, bounded in length."""
    quote = " ".join((quote or "").split())
    return quote[:MAX_QUOTE_CHARS]


def find_quote(text, quote):
    """The ``(start, end)`` span of ``quote`` in ``text``, or None when it is not there."""
    quote = clean_quote(quote)
    if not quote:
        return None
    folded_text, origin = _normalise(text)
    folded_quote, _ = _normalise(quote)
    folded_quote = folded_quote.strip()
    if not folded_quote:
        return None
    at = folded_text.find(folded_quote)
    if at < 0:
        return None
    return origin[at], origin[at + len(folded_quote) - 1] + 1


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraph_spans(text):
    """``(start, end)`` of each non-empty paragraph in a turn's text (blank-line separated)."""
    spans = []
    start = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _note_pattern(notes):
    wanted = sorted({n for n in (notes if isinstance(notes, list) else []) if isinstance(n, str) and n}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in wanted)) if wanted else None


def render_marked(paragraph, notes=(), lo=None, hi=None, *, spans=None, mark_class="quote-mark"):
    """One paragraph as safe HTML: printed notes in ``<span class="note">``, and the
    characters ``lo:hi`` (or each ``(start, end)`` of ``spans``) in ``<mark>``.

    The text is escaped piece by piece; where a mark runs into or out of a note the
    ``<mark>`` is split so that the tags always nest.
    """
    if spans is None:
        spans = [(lo, hi)] if lo is not None and hi is not None else []
    pattern = _note_pattern(notes)
    regions = []  # (start, end, is_note)
    at = 0
    if pattern:
        for match in pattern.finditer(paragraph):
            if match.start() > at:
                regions.append((at, match.start(), False))
            regions.append((match.start(), match.end(), True))
            at = match.end()
    if at < len(paragraph):
        regions.append((at, len(paragraph), False))
    edges = {c for span in spans for c in span}
    html = []
    for start, end, is_note in regions:
        cuts = sorted({start, end, *(c for c in edges if start < c < end)})
        inner = []
        for a, b in zip(cuts, cuts[1:]):
            piece = escape(paragraph[a:b])
            if any(s <= a and b <= e for s, e in spans):
                piece = f'<mark class="{mark_class}">' + piece + "</mark>"
            inner.append(piece)
        body = "".join(inner)
        html.append(f'<span class="note">{body}</span>' if is_note else body)
    return mark_safe("".join(html))


def marked_paragraphs(text, span, notes=()):
    """Each paragraph of ``text`` as safe HTML, the part inside ``span`` wrapped in ``<mark>``.

    Every piece is escaped first; the only markup added is our own ``<mark>`` and the note
    spans the transcript pages use.
    """
    result = []
    for start, end in paragraph_spans(text):
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip())
        paragraph = raw.strip()
        offset = start + lead
        if span is None or span[1] <= offset or span[0] >= offset + len(paragraph):
            result.append(render_marked(paragraph, notes))
            continue
        lo = max(span[0] - offset, 0)
        hi = min(span[1] - offset, len(paragraph))
        result.append(render_marked(paragraph, notes, lo, hi))
    return result


class QuoteMatch:
    """A reader's quote checked against a turn: found (with the marked paragraphs) or not."""

    def __init__(self, text, quote, notes=()):
        self.quote = clean_quote(quote)
        self.span = find_quote(text, self.quote) if self.quote else None
        self.paragraphs = marked_paragraphs(text, self.span, notes)

    @property
    def requested(self):
        return bool(self.quote)

    @property
    def found(self):
        return self.span is not None

    @property
    def missing(self):
        return self.requested and not self.found

    def __bool__(self):
        return self.found


_PHRASE = re.compile(r'(-?)["“”„«»]([^"“”„«»]+)["“”„«»]')
_OPERATORS = re.compile(r"(^|\s)(OR|AND|NOT|-\S+)(?=\s|$)")


def searched_words_in(text, query):
    """The words of ``text`` that a search ``query`` asked for as a phrase, or "".

    A quoted phrase in the query is tried first, then the whole query as typed; only words
    that really stand in the text together are returned (as printed there), so a result
    can link to the turn with them highlighted.
    """
    query = (query or "")[:MAX_QUOTE_CHARS]
    candidates = [m.group(2) for m in _PHRASE.finditer(query) if not m.group(1)]
    if not candidates:
        plain = _OPERATORS.sub(" ", query)
        if len(plain.split()) >= 2:
            candidates.append(plain)
    for candidate in candidates:
        span = find_quote(text, candidate)
        if span:
            return " ".join(text[span[0] : span[1]].split())
    return ""
