"""Paragraphs and turns: raw lines grouped into paragraphs (re-joining hard-wrapped
text), then paragraphs into turns under their labels, up to the end marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import ParsedTurn
from .dates import _is_end_marker, _is_time_line
from .labels import _alone_label_shape, _Label, _strong_label_start
from .notes import _notes_in
from .text import _norm

_RULE_LINE = re.compile(r"(?:[-*_=~•·](?:\s*)){3,}")


@dataclass
class _Para:
    lines: list[str]  # lines with surrounding whitespace removed
    breaks: list[bool]  # the line ended with a hard line break in the source

    def __post_init__(self) -> None:
        self.raw = " ".join(self.lines)
        self.text = _norm(self.raw)


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", "?", "!", ":", "—", "–", '"', "”", "’", ")", "]"))


def _build_paragraphs(lines: list[str], wrapped: bool) -> list[_Para]:
    """Group raw lines into paragraphs.

    Blank (or whitespace-only) lines always separate paragraphs.  In hard-wrapped text,
    consecutive lines are joined, except where a new labelled turn or an end marker
    plainly starts on a line of its own.
    """
    paras: list[_Para] = []
    block: list[tuple[str, bool]] = []

    def flush() -> None:
        if not block:
            return
        if not wrapped:
            for text, brk in block:
                paras.append(_Para([text], [brk]))
        else:
            cur_lines: list[str] = []
            cur_breaks: list[bool] = []
            for text, brk in block:
                if cur_lines and _starts_new_paragraph(cur_lines[-1], cur_breaks[-1], text, len(cur_lines)):
                    paras.append(_Para(cur_lines, cur_breaks))
                    cur_lines, cur_breaks = [], []
                cur_lines.append(text)
                cur_breaks.append(brk)
            if cur_lines:
                paras.append(_Para(cur_lines, cur_breaks))
        block.clear()

    for line in lines:
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        # endswith, not a regex: a regex anchored at "$" is quadratic on long space runs
        block.append((stripped, line.endswith(("  ", "\\"))))
    flush()
    return paras


def _starts_new_paragraph(prev: str, prev_break: bool, line: str, run: int) -> bool:
    if (len(prev) <= 60 and (_is_time_line(prev) or _is_end_marker(prev))) or (
        len(line) <= 60 and (_is_end_marker(line) or _is_time_line(line))
    ):
        return True
    if run == 1 and _alone_label_shape(prev):
        return True
    if _strong_label_start(line):
        # Only where the previous line plainly ended; a wrapped sentence rarely breaks
        # right before an all-caps word and a colon, but be safe.
        return prev_break or _ends_sentence(prev) or len(prev) < 45
    return False


def _add_paragraph(turn: ParsedTurn, raw: str) -> None:
    text = _norm(raw)
    if not text:
        return
    turn.paragraphs.append(text)
    turn.notes.extend(_notes_in(text))


def _collect_turns(
    paras: list[_Para], labels: dict[int, _Label]
) -> tuple[list[ParsedTurn], list[str], int]:
    """Build turns from body paragraphs; stop at an end marker.

    Returns the turns, the labels dropped for having no text, and how many paragraphs
    with content were ignored after the end marker.
    """
    last_label = max((k for k in labels if k < len(paras)), default=-1)
    turns: list[ParsedTurn] = []
    current: ParsedTurn | None = None
    empty_labels: list[str] = []
    ignored = 0
    for bi, para in enumerate(paras):
        t = para.text
        # A bare time after the last label closes the transcript ("4:05 P.M. EDT").
        if _is_end_marker(t) or (_is_time_line(t) and bi > last_label):
            ignored = sum(
                1
                for p in paras[bi + 1 :]
                if p.text and not _is_time_line(p.text) and not _is_end_marker(p.text)
            )
            break
        if _is_time_line(t) or _RULE_LINE.fullmatch(t):
            continue  # a time stamp between sessions or a separator, not speech
        lab = labels.get(bi)
        if lab is not None:
            if current is not None and not current.paragraphs and current.speaker_label:
                empty_labels.append(current.speaker_label)
                turns.pop()
            current = ParsedTurn(_norm(lab.label), [], [])
            turns.append(current)
            _add_paragraph(current, lab.rest)
            continue
        if current is None:
            current = ParsedTurn("", [], [])
            turns.append(current)
        _add_paragraph(current, para.raw)
    if current is not None and not current.paragraphs:
        if current.speaker_label:
            empty_labels.append(current.speaker_label)
        turns.pop()
    return turns, empty_labels, ignored
