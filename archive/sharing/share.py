"""What a page needs to offer a turn or a transcript for sharing: its links, citations,
quote, embed code and share-card tags, gathered in one object per page.

Pages reach these through the ``sharing`` template tags; the embed page and the downloads
use them directly.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from archive import citations
from archive.sharing.quotes import QuoteMatch, find_quote

QUOTE_PARAM = "quote"
# Share cards show about this much of a quote; longer descriptions are cut by the services.
CARD_DESCRIPTION_CHARS = 280

# JSON inside <script> must not be able to close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_for_script(value):
    """``json.dumps`` made safe to place inside a ``<script>`` element."""
    return mark_safe(json.dumps(value, ensure_ascii=False, indent=1).translate(_SCRIPT_ESCAPES))


def _iso(date):
    return date.isoformat() if date else None


def _prune(value):
    """Drop empty values from nested dicts and lists, so JSON-LD never says null."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_prune(v) for v in value) if v not in (None, "", [], {})]
    return value


def _person_ld(name):
    # Only named people: a role ("Question") is said in the turn's description instead.
    if name is None:
        return None
    person = {"@type": "Person", "name": name.full}
    if not name.literal:
        person.update(familyName=name.family, givenName=name.given)
    return person


def transcript_ld(transcript, data):
    """schema.org description of a transcript (a CreativeWork recording an event)."""
    event = {
        "@type": "Event",
        "name": data.title,
        "startDate": _iso(data.date),
        "location": {"@type": "Place", "name": data.location} if data.location else None,
        "organizer": {"@type": "Organization", "name": data.outlet} if data.outlet else None,
    }
    return _prune(
        {
            "@context": "https://schema.org",
            "@type": "CreativeWork",
            "@id": data.url,
            "url": data.url,
            "name": data.title,
            "genre": f"{data.event_label} transcript" if data.event_label else "Transcript",
            "inLanguage": "en",
            "dateCreated": _iso(data.date),
            "contributor": [_person_ld(n) for n in data.authors],
            "about": event,
            "publisher": {"@type": "Organization", "name": data.source_name} if data.source_name else None,
            "isBasedOn": data.source_url or None,
            "isPartOf": {"@type": "Collection", "name": data.archive_name} if data.archive_name else None,
            "dateModified": _iso(transcript.modified),
        }
    )


def turn_ld(turn, data, transcript_data):
    """schema.org Quotation for one turn, part of its transcript; the speaker as a Person
    only when a named person spoke it."""
    author = data.speaker
    return _prune(
        {
            "@context": "https://schema.org",
            "@type": "Quotation",
            "@id": data.url,
            "url": data.url,
            "text": data.quote,
            "description": data.locator if data.speaker_role else None,
            "creator": _person_ld(author),
            "spokenByCharacter": _person_ld(author),
            "dateCreated": _iso(data.date),
            "isPartOf": {
                "@type": "CreativeWork",
                "@id": transcript_data.url,
                "url": transcript_data.url,
                "name": transcript_data.title,
                "isBasedOn": transcript_data.source_url or None,
            },
        }
    )


class TurnShare:
    """Everything the turn page shows for citing and sharing one turn."""

    def __init__(self, turn, *, root, quote="", accessed=None):
        self.turn = turn
        self.transcript = turn.transcript
        self.root = root
        self.match = QuoteMatch(turn.text, quote, turn.notes)
        self.accessed = accessed
        if self.match.found:
            start, end = self.match.span
            self.quote = " ".join(turn.text[start:end].split())
        else:
            self.quote = ""
        self.data = citations.citation_for_turn(turn, root=root, accessed=accessed, quote=self.quote)

    # Addresses -------------------------------------------------------------------------
    @property
    def path(self):
        return self.turn.get_absolute_url()

    @property
    def permalink(self):
        return self.data.url

    @property
    def short_url(self):
        return self.data.short_url

    @property
    def quote_url(self):
        """The address of the reader's quote on this turn, when it was found."""
        if not self.quote:
            return ""
        return quote_link(self.turn, self.quote, self.root)

    @property
    def share_url(self):
        return self.quote_url or self.permalink

    @property
    def embed_url(self):
        path = reverse("turn_embed", kwargs={"slug": self.transcript.slug, "number": self.turn.number})
        if self.quote:
            path += "?" + urlencode({QUOTE_PARAM: self.quote})
        return citations.absolute(path, self.root)

    # What the quote is -----------------------------------------------------------------
    @property
    def quote_missing(self):
        return self.match.missing

    @cached_property
    def quote_in_earlier_wording(self):
        """True when a missing quote is found in a wording the turn had before a correction."""
        if not self.match.missing:
            return False
        return any(find_quote(r.text, self.match.quote) for r in self.turn.revisions.all())

    @property
    def paragraphs(self):
        """The turn's paragraphs as safe HTML, the reader's quote marked."""
        return self.match.paragraphs

    @property
    def marked_paragraphs(self):
        """The marked paragraphs when a reader's quote was found, else an empty list."""
        return self.match.paragraphs if self.match.found else []

    @property
    def no_quote(self):
        """What is said instead of a quote for a turn that is only notes, else ""."""
        if self.data.note_only and not self.data.quote:
            return f"No words to quote: the transcript gives only the note {self.data.note_only}"
        return ""

    @property
    def embed_paragraphs(self):
        """Plain paragraphs an embed shows: the reader's quote, else the whole turn (a turn
        that is only a note says so rather than offer the note as a quotation)."""
        if self.quote:
            return [self.quote]
        if self.no_quote:
            return [self.no_quote]
        return [" ".join(p.split()) for p in self.turn.paragraphs]

    @property
    def speaker(self):
        """Who spoke the turn: the cited person, or the role as printed ("Question")."""
        return self.data.speaker.full if self.data.speaker else self.turn.display_speaker

    # Citations -------------------------------------------------------------------------
    @cached_property
    def styles(self):
        return citations.all_styles(self.data)

    @cached_property
    def chicago(self):
        return citations.chicago(self.data)

    @cached_property
    def with_citation(self):
        return citations.quote_with_citation(self.data)

    @property
    def downloads(self):
        kwargs = {"slug": self.transcript.slug, "number": self.turn.number}
        return [
            {
                "label": label,
                "ext": ext,
                "url": reverse("turn_citation", kwargs={**kwargs, "fmt": ext}),
            }
            for ext, (label, _, _) in citations.DOWNLOADS.items()
        ]

    # Share cards and embed -------------------------------------------------------------
    @property
    def card_title(self):
        return f"{self.speaker} — {self.transcript.title}"

    @property
    def card_description(self):
        if self.no_quote:
            return self.no_quote
        return citations.short_quote(self.data.quote, CARD_DESCRIPTION_CHARS)

    @cached_property
    def transcript_data(self):
        return citations.citation_for_transcript(self.transcript, root=self.root, accessed=self.accessed)

    @cached_property
    def json_ld(self):
        return json_for_script(turn_ld(self.turn, self.data, self.transcript_data))

    @cached_property
    def embed_code(self):
        """The HTML a reader pastes into their own page: a plain ``<blockquote>``."""
        return embed_blockquote(self).strip()


def embed_blockquote(share):
    """The embeddable ``<blockquote>`` for a TurnShare, as HTML text."""
    return render_to_string("archive/_embed_blockquote.html", {"share": share})


def quote_link(turn, quote, root=""):
    """The address that opens ``turn`` with ``quote`` highlighted."""
    query = urlencode({QUOTE_PARAM: " ".join(quote.split())})
    return citations.absolute(f"{turn.get_absolute_url()}?{query}#{turn.anchor}", root)


class TranscriptShare:
    """Everything the transcript page shows for citing, downloading and following it."""

    def __init__(self, transcript, *, root, accessed=None):
        self.transcript = transcript
        self.root = root
        self.data = citations.citation_for_transcript(transcript, root=root, accessed=accessed)

    @property
    def permalink(self):
        return self.data.url

    @property
    def share_url(self):
        return self.permalink

    @cached_property
    def styles(self):
        return citations.all_styles(self.data)

    @property
    def downloads(self):
        slug = self.transcript.slug
        cite = [
            {"label": label, "ext": ext, "url": reverse("transcript_citation", kwargs={"slug": slug, "fmt": ext})}
            for ext, (label, _, _) in citations.DOWNLOADS.items()
        ]
        return cite

    @property
    def text_downloads(self):
        slug = self.transcript.slug
        return [
            {"label": "Plain text", "ext": "txt", "url": reverse("transcript_download", kwargs={"slug": slug, "fmt": "txt"})},
            {"label": "JSON", "ext": "json", "url": reverse("transcript_download", kwargs={"slug": slug, "fmt": "json"})},
        ]

    @cached_property
    def speakers_with_feeds(self):
        """The named people who speak in the transcript, each of whom has a feed."""
        from archive.models import Speaker

        return list(
            Speaker.objects.filter(
                kind=Speaker.Kind.PERSON, turns__transcript=self.transcript, turns__position__isnull=False
            )
            .distinct()
            .order_by("name")
        )

    @property
    def card_title(self):
        return self.transcript.title

    @property
    def card_description(self):
        bits = [self.data.event_label or "Transcript"]
        names = ", ".join(n.full for n in self.data.authors[:3])
        if names:
            bits.append(f"with {names}")
        if self.data.interviewer:
            bits.append(f"by {self.data.interviewer.full}")
        where = ", ".join(p for p in (self.data.program, self.data.outlet, self.data.location) if p)
        text = " ".join(bits)
        if where:
            text += f" ({where})"
        if self.data.date:
            text += f", {citations.long_date(self.data.date)}"
        return text + "."

    @cached_property
    def json_ld(self):
        return json_for_script(transcript_ld(self.transcript, self.data))
