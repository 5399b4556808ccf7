"""Transcripts and search results as files: plain text, JSON and CSV.

Only live turns are exported; each carries its number, which is its permanent address.
"""

from __future__ import annotations

from django.utils.text import slugify

from archive import citations

CSV_MAX_ROWS = 1000
CSV_HEADER = ["date", "speaker", "transcript", "quote", "link"]
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|")


def _live_turns(transcript):
    return list(
        transcript.turns.live()
        .select_related("speaker", "answers")
        .prefetch_related("topics")
        .order_by("position")
    )


def _printed(turn):
    label = (turn.speaker_label or "").strip()
    if label and turn.speaker_id and label.casefold() != turn.speaker.name.casefold():
        return label
    return ""


def transcript_text(transcript, *, root=""):
    """The transcript as plain text: a header with its metadata and citation, then each
    turn as ``[number] Speaker:`` followed by its paragraphs."""
    data = citations.citation_for_transcript(transcript, root=root)
    lines = [transcript.title, "=" * min(len(transcript.title), 72)]
    facts = [
        transcript.get_kind_display() if transcript.kind != transcript.Kind.OTHER else "",
        citations.long_date(transcript.date) if transcript.date else "Date unknown",
        transcript.location,
        transcript.venue,
    ]
    lines.append(" · ".join(f for f in facts if f))
    broadcast = ", ".join(p for p in (transcript.program, transcript.outlet) if p)
    if broadcast:
        lines.append(broadcast)
    if transcript.source_name or transcript.source_url:
        lines.append("Source: " + " — ".join(p for p in (transcript.source_name, transcript.source_url) if p))
    lines.append(f"Permanent address: {data.url}")
    lines.append(f"Each turn's number in brackets is its permanent address: {data.url}<number>/")
    lines.append("")
    lines.append(f"Cite as: {citations.chicago(data).text}")
    lines.append("")
    for turn in _live_turns(transcript):
        printed = _printed(turn)
        head = f"[{turn.number}] {turn.display_speaker}" + (f" ({printed})" if printed else "") + ":"
        lines.append("")
        lines.append(head)
        for paragraph in turn.paragraphs:
            lines.append(" ".join(paragraph.split()))
            lines.append("")
        if lines[-1] == "":
            lines.pop()
    return "\n".join(lines).rstrip() + "\n"


def transcript_json(transcript, *, root=""):
    """The transcript as a JSON-ready dict: metadata, citations and live turns."""
    data = citations.citation_for_transcript(transcript, root=root)
    turns = []
    for turn in _live_turns(transcript):
        turns.append(
            {
                "number": turn.number,
                "position": turn.position,
                "speaker": turn.speaker.name if turn.speaker_id else None,
                "speaker_slug": turn.speaker.slug if turn.speaker_id else None,
                "speaker_label": turn.speaker_label,
                "text": turn.text,
                "paragraphs": turn.paragraphs,
                "notes": turn.notes,
                "answers": turn.answers.number if turn.answers_id else None,
                "topics": [topic.slug for topic in turn.topics.all()],
                "url": citations.absolute(turn.get_absolute_url(), root),
            }
        )
    return {
        "title": transcript.title,
        "slug": transcript.slug,
        "url": data.url,
        "date": transcript.date.isoformat() if transcript.date else None,
        "kind": transcript.kind,
        "location": transcript.location,
        "venue": transcript.venue,
        "outlet": transcript.outlet,
        "program": transcript.program,
        "source_name": transcript.source_name,
        "source_url": transcript.source_url,
        "citation": {key: formatted.text for key, _, formatted in citations.all_styles(data)},
        "csl": citations.csl_item(data),
        "turns": turns,
    }


def neutralise_formula(value):
    """Keep a spreadsheet from running a cell as a formula (CSV injection).

    A cell that starts with a formula character gets a leading apostrophe, which
    spreadsheet programs show as text and do not evaluate.
    """
    value = "" if value is None else str(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(turns, *, root=""):
    """Header and one row per turn: date, speaker, transcript, quote, link."""
    yield CSV_HEADER
    for turn in turns:
        transcript = turn.transcript
        row = [
            transcript.date.isoformat() if transcript.date else "",
            turn.display_speaker,
            transcript.title,
            " ".join(turn.text.split()),
            citations.absolute(turn.get_absolute_url(), root),
        ]
        yield [neutralise_formula(cell) for cell in row]


def csv_filename(query):
    """A download name that says what was searched: ``search-sphere-of-influence.csv``."""
    stem = slugify(query)[:60] or "all"
    return f"search-{stem}.csv"


def search_turns(params, *, limit, sort=None):
    """Live turns that the search with ``params`` (a /search/ query string) finds, in the
    order the results page lists them (or ``sort``), at most ``limit``.

    Goes through the search layer's own form and service, so the file and the feed list
    exactly what the results page lists.
    """
    from archive.search.forms import SearchForm
    from archive.search.service import search

    form = SearchForm(params)
    form.is_valid()
    wanted = form.params()
    wanted.page = 1
    wanted.per_page = limit
    if sort:
        wanted.sort = sort
    return [result.turn for result in search(wanted, facets=False, clamp_page=False).results]
