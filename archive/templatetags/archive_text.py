"""Filters that turn stored transcript text into safe HTML.

Everything is escaped first; only our own ``<span class="note">`` tags are added afterwards,
so HTML printed inside a transcript is always shown as text.
"""

import re
from urllib.parse import urlsplit

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def render_paragraph(text, notes):
    """Return ``text`` escaped, with each printed note ("(Laughter.)") wrapped in a span.

    Notes are matched longest first so that one note inside another is wrapped once.
    """
    text = str(text or "")
    notes = notes if isinstance(notes, list) else []
    wanted = sorted({note for note in notes if isinstance(note, str) and note}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(note) for note in wanted))
    parts = []
    end = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[end : match.start()]))
        parts.append(format_html('<span class="note">{}</span>', match.group()))
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))


@register.filter
def with_notes(text, notes):
    """Template form of render_paragraph: ``{{ paragraph|with_notes:turn.notes }}``."""
    return render_paragraph(text, notes)


@register.filter
def http_url(url):
    """Return ``url`` when it is an http(s) address, else an empty string.

    Source addresses come from ingested files; a ``javascript:`` address must never
    become a link.
    """
    url = str(url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} else ""


@register.filter
def printed_label(turn):
    """The label as printed when it says something the speaker's name does not."""
    label = (turn.speaker_label or "").strip()
    if not label or not turn.speaker_id:
        return ""
    if label.casefold() == turn.speaker.name.casefold():
        return ""
    return label


@register.filter
def paragraphs(text):
    """Split stored text into its paragraphs (separated by a blank line)."""
    return [paragraph for paragraph in str(text or "").split("\n\n") if paragraph.strip()]


@register.filter
def host_of(url):
    """The host name of an address, without "www." ("state.gov")."""
    try:
        host = urlsplit(str(url or "")).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


@register.filter
def opening_words(turn, count=12):
    """The first words a turn says (notes such as "(Laughter.)" left out), or its note when
    it says nothing else."""
    from django.utils.text import Truncator

    from archive.search.documents import spoken_text

    spoken = " ".join(spoken_text(turn.text, turn.notes).split())
    if not spoken:
        spoken = " ".join(turn.text.split())
    return Truncator(spoken).words(int(count))
