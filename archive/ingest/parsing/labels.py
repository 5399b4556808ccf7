"""Speaker labels ("SECRETARY BLINKEN:", "Q", "Ned Price, Department Spokesperson:").

A label decides where a turn begins, so every candidate is classified here first and
judged against the whole text (``_LabelJudge``) before it is trusted.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from archive.speakers.vocabulary import OUTLETS

from ..types import Person
from .dates import _is_end_marker, _is_time_line, _parse_date_text
from .notes import _note_text
from .orgs import _is_org_line
from .text import _CONNECTORS, _KIND_LINES, _has_role, _is_cap, _name_words, _norm

_LABEL_HEAD = re.compile(r"([^:\n]{1,100}?):(?=\s|$)")
# "Q:", "Q.", or "Q" and a run of spaces that is more than one plain space ("Q  ",
# "Q\u00a0", "Q \u00a0 ").
_Q_STRONG = re.compile(r"Q(?::|\.(?=\s)|(?=[ \t\u00a0]*[\t\u00a0]| {2}|$))[\s]*")
_A_STRONG = re.compile(r"A:(?=\s|$)\s*")
# "A." or "A" and spaces answers a "Q." only in a text that has Q labels.
_A_WEAK = re.compile(r"A(?:\.(?=\s)|(?=[\t\u00a0]| {2}))\s*")
_Q_WEAK = re.compile(r"Q (?=[A-Z(\[“\"‘'—–])")
_NOT_LABELS = frozenset(
    """
    note notes update updated correction editor subject re topic topics time date location
    place source embargoed washington ps p.s. nb tags related summary background agenda
    title when where what who why how first second third finally one two three warning
    important breaking alert url transcript keywords caption photo video audio
    """.split()
) | {"editor’s note", "editor's note"}

# Words that start a phrase addressed to someone or a list, never a speaker's label:
# "To Secretary Blinken:", "First, for Secretary Blinken:", "Mr. President, Dear Joe:".
_ADDRESS_WORDS = frozenset(
    "to for and but so now then also first second third next last lastly finally dear my our "
    "this these that one question questions quote unquote hi hello thanks".split()
)
# A start time printed on the label's line: "5:19 P.M. EDT MODERATOR:".
_LEADING_TIME = re.compile(r"\d{1,2}:\d{2}\s*[AaPp]\.?\s?[Mm]\.?(?:\s+[A-Z]{2,5})?\s+(?=\S)")

_LABEL_TOKEN = re.compile(r"[^\W_][\w.’'&/-]*,?|\(.*|.*\)")
_Q_LABELS = frozenset({"Q", "QUESTION", "QUESTIONER", "INTERVIEWER", "HOST", "ANCHOR"})


@dataclass
class _Label:
    label: str
    rest: str
    strength: str  # "strong", "weak" (needs support from the rest of the text) or "alone"


def _strong_label_start(line: str) -> bool:
    if _Q_STRONG.match(line) or _A_STRONG.match(line):
        return True
    m = _LABEL_HEAD.match(line)
    return bool(m) and _label_shape(_norm(m.group(1)))[0] == "caps"


# Labels repeat hundreds of times in a long transcript: classify each distinct one once.
@functools.lru_cache(maxsize=8192)
def _label_shape(label: str) -> tuple[str | None, str, str]:
    """Classify a candidate label: ("caps"|"mixed"|None, label, note moved out of it)."""
    note = ""
    if label.endswith(")") and "(" in label:
        base, _, paren = label[:-1].rpartition("(")
        base = base.strip()
        if base and _note_text(paren):
            note = f"({paren})"
            label = base
    if not label or len(label) > 80 or label.lower() in _NOT_LABELS:
        return None, label, note
    # A headline or kind line ("ON-THE-RECORD BRIEFING:") is not a speaker.
    if label.lower() in _KIND_LINES or label.lower().replace("-", " ") in _KIND_LINES:
        return None, label, note
    if not label[0].isalpha():
        return None, label, note
    tokens = label.replace(",", ", ").split()
    if len(tokens) > 10:
        return None, label, note
    if not all(_LABEL_TOKEN.fullmatch(t) for t in tokens):
        return None, label, note
    letters = [c for c in label if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        if not re.search(r"[^\W\d_]{2}|^[A-Z]$", label):
            return None, label, note
        return "caps", label, note
    # Mixed case: capitalised words joined by a few connectors, no digits, no verbs; not
    # an address ("To Secretary Blinken", "Mr. President, Dear Joe").
    if tokens[0].rstrip(",").lower() in _ADDRESS_WORDS or any(t.rstrip(",") == "Dear" for t in tokens):
        return None, label, note
    for i, tok in enumerate(tokens):
        bare = tok.rstrip(",")
        if any(ch.isdigit() for ch in bare):
            return None, label, note
        if bare.lower() in _CONNECTORS and bare.islower():
            if i == 0:
                return None, label, note
            continue
        if not _is_cap(bare):
            return None, label, note
    return "mixed", label, note


@functools.lru_cache(maxsize=8192)
def _alone_label_shape(text: str) -> bool:
    """An all-caps name on a line of its own ("SECRETARY BLINKEN"), text below it."""
    if len(text) > 50 or ":" in text or len(text.split()) > 6:
        return False
    if _is_time_line(text) or _is_end_marker(text) or text.lower() in _KIND_LINES:
        return False
    if text == "Q":
        return True
    if _is_org_line(text) or _parse_date_text(text):
        return False
    shape, label, _ = _label_shape(text)
    return shape == "caps" and label == text


def _label_candidate(raw: str, markdown: bool) -> _Label | None:
    text = raw
    m = _LEADING_TIME.match(text)
    if m:
        text = text[m.end():]
    if markdown and text[:2] in ("**", "__"):
        close = text.find(text[:2], 2, 110)
        if close > 2:
            text = text[2:close] + text[close + 2 :]
    m = _Q_STRONG.match(text)
    if m:
        return _Label("Q", text[m.end():], "strong")
    m = _A_STRONG.match(text)
    if m:
        return _Label("A", text[m.end():], "strong")
    m = _Q_WEAK.match(text)
    if m:
        return _Label("Q", text[m.end():], "weak")
    m = _A_WEAK.match(text)
    if m:
        return _Label("A", text[m.end():], "weak")
    m = _LABEL_HEAD.match(text)
    if m:
        shape, label, note = _label_shape(_norm(m.group(1)))
        if shape:
            rest = text[m.end():]
            if note:
                rest = f"{note} {rest}"
            return _Label(label, rest, "strong" if shape == "caps" else "weak")
        return None
    if _alone_label_shape(_norm(text)):
        return _Label(_norm(text), "", "alone")
    return None


class _LabelJudge:
    """Decides which label candidates are real labels, using the whole text.

    All-caps labels and ``Q`` with a colon or several spaces are trusted on sight.
    Weaker candidates (mixed case, ``Q`` plus one space, an all-caps name alone on a
    line) need support: a role word, a second occurrence, or a header participant.
    """

    def __init__(self, candidates: list[_Label | None]) -> None:
        self.candidates = _without_field_lists(candidates)
        candidates = self.candidates
        self.weak_counts = Counter(c.label for c in candidates if c and c.strength != "strong")
        self.strong_q = any(c and c.label == "Q" and c.strength == "strong" for c in candidates)
        # A transcript's own label style is evidence: where the speakers are printed in
        # capitals, a mixed-case "label" is a quotation or an address, not a speaker.
        strong = [c for c in candidates if c and c.strength == "strong" and c.label not in ("Q", "A")]
        mixed = sum(1 for c in candidates if c and c.strength == "weak" and c.label not in ("Q", "A"))
        self.caps_style = len(strong) >= 4 and len(strong) >= 4 * mixed

    def accept(self, i: int, participants: list[Person]) -> _Label | None:
        c = self.candidates[i]
        if c is None or c.strength == "strong":
            return c
        if c.label in ("Q", "A"):
            return c if (self.strong_q or self.weak_counts[c.label] >= 2) else None
        label_words = set(_name_words(c.label))
        if c.label.lower() in OUTLETS:
            # "Politico:" — a reporter asking for their outlet.
            return c
        if self.caps_style and c.strength == "weak":
            return None
        supported = (
            _has_role(c.label)
            or self.weak_counts[c.label] >= 2
            or any(set(_name_words(p.name)[1:]) & label_words for p in participants)
        )
        if not supported:
            return None
        if c.strength == "alone":
            # A name alone on its line must be followed by the text it introduces.
            if i + 1 >= len(self.candidates) or self.candidates[i + 1] is not None:
                return None
        return c


# A field list ("VESSEL TYPE: Bulk carrier", "VESSEL FLAG: Panama") looks like labelled
# turns; its values are short and unpunctuated, and its names share their first word.
_FIELD_VALUE_MAX = 70


def _field_like(c: _Label | None) -> bool:
    if c is None or c.strength != "strong" or c.label in ("Q", "A"):
        return False
    rest = _norm(c.rest)
    return len(rest) <= _FIELD_VALUE_MAX and not rest.endswith(("?", "!")) and not re.search(r"[a-z]{2}[.?!]\s+[A-Z]", rest)


def _without_field_lists(candidates: list[_Label | None]) -> list[_Label | None]:
    """Drop label candidates that belong to a field list: a run of three or more distinct
    names, none of them a role or an office, each of which only ever has a short value."""
    short_only: dict[str, bool] = {}
    for c in candidates:
        if c is not None and c.strength == "strong":
            short_only[c.label] = short_only.get(c.label, True) and _field_like(c) and not _has_role(c.label)
    out = list(candidates)
    i, n = 0, len(candidates)
    while i < n:
        c = candidates[i]
        if c is None or not short_only.get(c.label):
            i += 1
            continue
        j = i
        while j < n and candidates[j] is not None and short_only.get(candidates[j].label):
            j += 1
        if len({candidates[k].label for k in range(i, j)}) >= 3:
            for k in range(i, j):
                out[k] = None
        i = j
    return out
