"""The orchestration: the steps of one parse, in order, from raw text to a
:class:`ParsedTranscript`.
"""

from __future__ import annotations

from ..types import ParsedTranscript, TranscriptError
from .chrome import _drop_banner, _find_footer, _split_front_matter
from .header import (
    _classify_header,
    _decide_kind,
    _meta_text,
    _set_date,
    _source_name,
    _split_header,
    _title_interview,
)
from .labels import _Label, _label_candidate, _LabelJudge
from .orgs import _org_display
from .people import _find_host_intro, _speaker_hints
from .text import _MD_ESCAPE, _norm
from .turns import _build_paragraphs, _collect_turns

__all__ = ["parse"]

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def parse(text: str, *, filename: str = "") -> ParsedTranscript:
    """Parse the text of one transcript.

    ``filename`` is only used for hints: a ``.md`` name means Markdown, and a
    ``YYYY-MM-DD`` in it is the date of last resort (with a warning).  Raises
    :class:`TranscriptError` with a short reason when no transcript text remains.
    """
    if not isinstance(text, str):
        raise TranscriptError("transcript text must be a string")
    try:
        return _parse(text, filename or "")
    except TranscriptError:
        raise
    except RecursionError as exc:  # pragma: no cover - defensive
        raise TranscriptError("transcript is too deeply nested to read") from exc
    except Exception as exc:  # pragma: no cover - defensive: odd input never crashes ingest
        raise TranscriptError(f"could not parse transcript ({type(exc).__name__}: {exc})") from exc


def _parse(text: str, filename: str) -> ParsedTranscript:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    # Zero-width characters hide a label or an end marker from every rule ("\u200bEND").
    text = text.lstrip("\ufeff").replace("\x00", "")
    for ch in _ZERO_WIDTH:  # str.replace is many times faster than str.translate here
        text = text.replace(ch, "")
    if not text.strip():
        raise TranscriptError("empty transcript")

    result = ParsedTranscript()
    meta, body, fm_warnings = _split_front_matter(text)
    result.warnings.extend(fm_warnings)
    markdown = meta is not None or filename.lower().endswith((".md", ".markdown"))
    meta = meta or {}
    if markdown:
        body = _MD_ESCAPE.sub(r"\1", body)

    lines, banner_removed = _drop_banner(body.split("\n"))
    # Pages saved from a browser keep each paragraph on one long line; copies wrapped at
    # ~72 columns never exceed about a hundred.
    longest = max((len(line.strip()) for line in lines), default=0)
    wrapped = markdown or longest <= 100
    paras = _build_paragraphs(lines, wrapped)
    judge = _LabelJudge([_label_candidate(p.raw, markdown) for p in paras])

    header_lines, body_paras, body_cands, body_index = _split_header(paras, judge, wrapped, markdown)
    head = _classify_header(header_lines)
    labels: dict[int, _Label] = {}
    for bi, pi in enumerate(body_index):
        if pi >= 0:
            c = judge.accept(pi, head.participants)
        else:
            c = body_cands[bi] if body_cands[bi] and body_cands[bi].strength == "strong" else None
        if c is not None:
            labels[bi] = c

    # The footer comes after the first turn; with no labels at all, it may be all that
    # is left once the banner is gone.
    footer_at = _find_footer(body_paras, min(labels) + 1 if labels else 0, labels)
    footer_org = ""
    if footer_at is not None:
        footer_org = _org_display(body_paras[footer_at].text)
        body_paras = body_paras[:footer_at]

    turns, empty_labels, ignored = _collect_turns(body_paras, labels)
    if not turns:
        if banner_removed or footer_at is not None:
            raise TranscriptError("no transcript text after removing site banner and footer")
        raise TranscriptError("no transcript text found (only header lines)")
    if empty_labels:
        result.warnings.append("dropped label(s) with no text: " + ", ".join(dict.fromkeys(empty_labels)))
    if ignored:
        result.warnings.append(f"ignored {ignored} paragraph(s) after the end marker")
    result.turns = turns

    meta_title = _meta_text(meta, "title")
    title_lines = [t for t in head.title_lines if t != meta_title]
    if meta_title:
        result.title = meta_title
    elif title_lines:
        # One plain space between words, as a page's or a feed's headline reads (publishers
        # put non-breaking spaces in headlines to keep their last words together).
        result.title = _norm(max(title_lines, key=len))
    result.location = head.location
    result.venue = head.venue
    for line in head.short_lines:
        if not result.location:
            result.location = line
        elif not result.venue:
            # After the place, a short name is where in it: "San Jose, Costa Rica" then
            # "Casa Presidencial".
            result.venue = line
    result.participants = head.participants

    url = _meta_text(meta, "source_url", "url", "canonical_url", "link", "source")
    result.source_url = url if " " not in url else ""
    result.source_name = (
        _meta_text(meta, "source_name", "site", "publisher")
        or _source_name(result.source_url)
        or head.org
        or footer_org
    )
    _set_date(result, head, meta, filename)

    host_intro = _find_host_intro(turns)
    result.kind = _decide_kind(result.title, head, meta, host_intro is not None, turns)
    # An interview's headline names its interviewer, outlet and programme.
    interview = _title_interview(result.title) if result.kind == "interview" else None
    if interview:
        result.outlet = result.outlet or interview.outlet
        result.program = result.program or interview.program
    result.speakers = _speaker_hints(result, host_intro, interview)
    if not labels:
        result.warnings.append("no speaker labels found; the text is kept as one unlabelled turn")
    return result
