"""Citations for one turn or one transcript, in the styles and formats readers ask for.

``citation_for_turn`` and ``citation_for_transcript`` gather what the archive knows into a
``CitationData``; the formatters turn that into Chicago, APA and MLA references (as
``Formatted`` text with an HTML twin for italics) and into BibTeX, RIS and CSL-JSON.
Nothing here touches a request: callers pass the absolute origin (``site_root``) so that
the same citation comes out of a page, a download, a feed or a test.

A field the archive does not know is left out of every format, never printed as "None".
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# MLA abbreviates months of more than four letters.
MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"}
# Lower-case particles that belong to the family name ("Ursula von der Leyen").
NAME_PARTICLES = {"de", "del", "della", "der", "di", "da", "dos", "das", "du", "la", "le", "van", "von", "bin", "al"}

# Kinds of event as a citation describes them; "other" describes nothing.
EVENT_LABELS = {
    "interview": "Interview",
    "press-briefing": "Press briefing",
    "press-availability": "Press availability",
    "remarks": "Remarks",
}
CSL_TYPES = {"interview": "interview", "press-briefing": "speech", "press-availability": "speech", "remarks": "speech"}
QUESTION_LABEL = re.compile(r"^\s*(q|question|questioner|reporter)\b", re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# Addresses


def site_root(request=None):
    """The absolute origin for links: ``ARCHIVE_BASE_URL`` when set, else the request's host.

    Without either (a management command, say) the result is empty and links stay relative.
    """
    base = getattr(settings, "ARCHIVE_BASE_URL", "") or ""
    if base:
        return base.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute(path, root):
    """Join an origin and a path that starts with a slash."""
    return f"{root}{path}"


# ---------------------------------------------------------------------------------------
# Names


@dataclass(frozen=True)
class Name:
    """A person's name split for citation, or a literal name (a role, a single word)."""

    full: str
    family: str = ""
    given: str = ""
    suffix: str = ""

    @property
    def literal(self):
        return not self.family

    def inverted(self):
        """ "Blinken, Antony J." (Chicago, MLA, BibTeX first author); literals as they are."""
        if self.literal:
            return self.full
        text = f"{self.family}, {self.given}" if self.given else self.family
        return f"{text}, {self.suffix}" if self.suffix else text

    def initials(self):
        """ "Blinken, A. J." as APA writes authors; hyphenated given names keep the hyphen."""
        if self.literal:
            return self.full
        parts = []
        for word in self.given.split():
            pieces = [p for p in word.split("-") if p]
            parts.append("-".join(f"{p[0]}." for p in pieces))
        text = f"{self.family}, {' '.join(parts)}" if parts else self.family
        return f"{text}, {self.suffix}" if self.suffix else text

    def csl(self):
        if self.literal:
            return {"literal": self.full}
        name = {"family": self.family}
        if self.given:
            name["given"] = self.given
        if self.suffix:
            name["suffix"] = self.suffix
        return name


def split_name(full, literal=False):
    """Split "Antony J. Blinken" into family "Blinken" and given "Antony J.".

    Roles ("Moderator", "Senior Administration Official") and one-word names stay literal.
    """
    full = " ".join((full or "").split())
    words = full.split(" ")
    if literal or len(words) < 2:
        return Name(full=full)
    suffix = ""
    if words[-1].lower().rstrip(",") in NAME_SUFFIXES and len(words) > 2:
        suffix = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1] in NAME_PARTICLES:
        family_start -= 1
    return Name(full=full, family=" ".join(words[family_start:]), given=" ".join(words[:family_start]), suffix=suffix)


def name_of(speaker_name, kind="person", given="", family="", suffix=""):
    """A speaker's Name for citations: the stored name parts where the archive has them
    (a compound family name, a family name printed first, a name known only from a
    label), else the display name split."""
    if kind != "person":
        return Name(full=speaker_name)
    if family:
        return Name(full=speaker_name, family=family, given=given, suffix=suffix)
    return split_name(speaker_name)


def _label_role(label):
    """The role an unresolved printed label names ("QUESTION", "POLITICO"), or ""."""
    from archive.speakers.labels import role_of
    from archive.speakers.names import fold

    return role_of(fold(label)) if label else ""


def speaker_name(turn):
    """The name of whoever spoke a turn, or None when that is a role ("Question",
    "Moderator", "Senior Administration Official") or unknown: roles are never authors.
    A label nobody resolved is cited as printed unless it names a role."""
    if turn.speaker_id:
        speaker = turn.speaker
        if speaker.kind != "person":
            return None
        return name_of(speaker.name, speaker.kind, speaker.given_name, speaker.family_name, speaker.name_suffix)
    label = " ".join((turn.speaker_label or "").split())
    if label and not _label_role(label):
        return Name(full=label.title() if label.isupper() else label)
    return None


def speaker_role(turn):
    """What a citation says of a turn that a role spoke: "Question from Politico",
    "Moderator"; "" for a person's turn or one whose speaker nobody knows."""
    if speaker_name(turn) is not None:
        return ""
    label = " ".join((turn.speaker_label or "").split())
    role = turn.speaker.name if turn.speaker_id else _label_role(label)
    # A question printed under its outlet's name ("POLITICO:") says who asked.
    if role == "Question" and _label_role(label) == "Question" and label.casefold() not in ("question", "q"):
        outlet = label.title() if label.isupper() and len(label) > 4 else label
        return f"Question from {outlet}"
    return role


# ---------------------------------------------------------------------------------------
# What a citation is made of


@dataclass(frozen=True)
class CitationData:
    """Everything a citation of one turn or one transcript can say."""

    kind: str  # "turn" or "transcript"
    title: str
    url: str  # our permanent address, absolute when an origin is known
    accessed: datetime.date
    archive_name: str
    authors: tuple = ()
    interviewer: Name | None = None
    interviewee: Name | None = None  # set when the cited turn is the interviewer's own
    event_kind: str = "other"
    date: datetime.date | None = None
    location: str = ""
    program: str = ""
    outlet: str = ""
    source_name: str = ""
    source_url: str = ""
    number: int | None = None
    short_url: str = ""
    quote: str = ""
    slug: str = ""
    speaker: Name | None = None  # the person who spoke the cited turn, when one did
    speaker_role: str = ""  # the cited turn's speaker when that is a role, not a person
    note_only: str = ""  # the cited turn's notes when it has no words of its own ("(In Greek.)")

    @property
    def event_label(self):
        return EVENT_LABELS.get(self.event_kind, "")

    @property
    def publisher(self):
        """Who published what is cited: the broadcaster of an interview, else the office
        that published the transcript, else this archive, which publishes its copy."""
        if self.event_kind == "interview" and self.outlet:
            return self.outlet
        return self.source_name or self.archive_name

    @property
    def locator(self):
        """ "Turn 12", "Turn 7 (Question from Politico)"; "" for a whole transcript."""
        if self.kind != "turn" or self.number is None:
            return ""
        return f"Turn {self.number}" + (f" ({self.speaker_role})" if self.speaker_role else "")

    @property
    def key(self):
        """The BibTeX key and CSL id: ``blinken:2022-01-09-blinken-tapper-cnn:t4``.

        The transcript's slug is unique in the archive and the turn's number is its
        permanent address, so no two records share a key and a record keeps its key.
        """
        first = self.authors[0] if self.authors else None
        stem = (first.family or first.full) if first else ""
        stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
        stem = re.sub(r"[^a-z0-9]", "", stem) or "transcript"
        slug = re.sub(r"[^a-z0-9_-]", "", self.slug.lower()) or "untitled"
        turn = f":t{self.number}" if self.kind == "turn" and self.number is not None else ""
        return f"{stem}:{slug}{turn}"


def _is_question(row, question_ids):
    if question_ids:
        return row["id"] in question_ids
    # Without linked answers, the printed label is the best evidence of a question.
    return bool(QUESTION_LABEL.match(row["speaker_label"] or ""))


def transcript_people(transcript):
    """Who the transcript's principal speakers and its interviewer are.

    Returns ``(authors, interviewer)`` as Names: authors are the named people who answer,
    in order of first appearance; the interviewer (interviews only) is the named person
    who asks most of the questions, when the loader resolved one. One light query.
    """
    rows = list(
        transcript.turns.live()
        .order_by("position")
        .values(
            "id", "answers_id", "speaker_label", "speaker_id", "speaker__name", "speaker__kind",
            "speaker__given_name", "speaker__family_name", "speaker__name_suffix",
        )
    )
    question_ids = {row["answers_id"] for row in rows if row["answers_id"]}
    askers = Counter()
    names = {}
    answerers = []
    for row in rows:
        if row["speaker_id"] is None or row["speaker__kind"] != "person":
            continue
        names[row["speaker_id"]] = name_of(
            row["speaker__name"], "person", row["speaker__given_name"], row["speaker__family_name"], row["speaker__name_suffix"]
        )
        if _is_question(row, question_ids):
            askers[row["speaker_id"]] += 1
        elif row["speaker_id"] not in answerers:
            answerers.append(row["speaker_id"])
    interviewer = None
    if transcript.kind == "interview" and askers:
        interviewer = askers.most_common(1)[0][0]
    authors = [pk for pk in answerers if pk != interviewer]
    return (
        tuple(names[pk] for pk in authors),
        names[interviewer] if interviewer else None,
    )


def _common(transcript, *, accessed, url, kind, **extra):
    archive_name = getattr(settings, "ARCHIVE_NAME", "") or ""
    return dict(
        kind=kind,
        title=" ".join(transcript.title.split()),
        url=url,
        accessed=accessed or timezone.localdate(),
        archive_name=archive_name,
        event_kind=transcript.kind or "other",
        date=transcript.date,
        location=transcript.location,
        program=transcript.program,
        outlet=transcript.outlet,
        source_name=transcript.source_name,
        source_url=transcript.source_url,
        slug=transcript.slug,
        **extra,
    )


def citation_for_transcript(transcript, *, root="", accessed=None):
    """Citation data for a whole transcript; ``root`` is the origin from ``site_root``."""
    authors, interviewer = transcript_people(transcript)
    return CitationData(
        **_common(
            transcript,
            accessed=accessed,
            url=absolute(transcript.get_absolute_url(), root),
            kind="transcript",
            authors=authors,
            interviewer=interviewer,
        )
    )


def turn_text(turn):
    """The words of a turn as one quotable string (paragraphs joined by a space)."""
    return " ".join(" ".join(p.split()) for p in turn.paragraphs)


def has_spoken_words(turn):
    """False for a turn that is only notes ("(In Greek.)", "(Inaudible.) (Laughter.)"),
    which has nothing to quote."""
    text = turn.text or ""
    for note in turn.notes or ():
        text = text.replace(note, " ")
    return bool(re.search(r"\w", text))


def citation_for_turn(turn, *, root="", accessed=None, quote=""):
    """Citation data for one turn, the person who spoke it as author.

    A turn spoken by a role (a question, a moderator, an unnamed official) is cited as
    part of the transcript: its principal speakers are the authors and the role is named
    beside the turn's number, as style guides cite an interviewer's questions.
    ``quote`` is the part of the turn a reader selected; without it the whole turn is the
    quote, and a turn that is only notes has none.
    """
    transcript = turn.transcript
    people, interviewer = transcript_people(transcript)
    name = speaker_name(turn)
    interviewee = None
    if interviewer and name and name.full == interviewer.full:
        # The interviewer's own words: say whom they were talking to instead.
        interviewee = people[0] if people else None
    authors = (name,) if name else people
    spoken = has_spoken_words(turn)
    return CitationData(
        **_common(
            transcript,
            accessed=accessed,
            url=absolute(turn.get_absolute_url(), root),
            kind="turn",
            authors=authors,
            interviewer=interviewer,
            interviewee=interviewee,
            number=turn.number,
            short_url=absolute(reverse("turn_short", kwargs={"pk": turn.pk}), root) if turn.pk else "",
            quote=" ".join(quote.split()) if quote else (turn_text(turn) if spoken else ""),
            speaker=name,
            speaker_role=speaker_role(turn),
            note_only="" if spoken else " ".join(turn.notes or ()) or turn_text(turn),
        )
    )


# ---------------------------------------------------------------------------------------
# Building formatted text: a list of pieces, some in italics, rendered as text or HTML.


class Italic(str):
    """A piece of a reference set in italics (titles of programmes, of the archive)."""


@dataclass(frozen=True)
class Formatted:
    """A reference in one style: ``text`` to paste anywhere, ``html`` with its italics."""

    style: str
    text: str
    html: SafeString

    def __str__(self):
        return self.text


def _render(style, pieces):
    pieces = [p for p in pieces if p]
    text = "".join(pieces)
    html = "".join(f"<i>{escape(p)}</i>" if isinstance(p, Italic) else str(escape(p)) for p in pieces)
    return Formatted(style=style, text=text, html=mark_safe(html))


def _end(text):
    """Close a sentence with a period unless it already ends with punctuation."""
    text = text.rstrip()
    if not text:
        return text
    return text if text[-1] in ".?!" or text.endswith(("?”", "!”", ".”")) else text + "."


def _series(parts):
    """Parts joined by commas and closed with a period (outside any italics), then a space."""
    if not parts:
        return []
    pieces = []
    for i, part in enumerate(parts):
        if i:
            pieces.append(", ")
        pieces.append(part)
    last = parts[-1]
    if _end(last) != last:
        pieces.append(".")
    pieces.append(" ")
    return pieces


def _quoted_title(title):
    """ “Title.” with the period inside the quotation marks, inner quotes made single."""
    inner = title.replace("“", "‘").replace("”", "’").replace('"', "’")
    inner = inner.rstrip()
    if inner and inner[-1] not in ".?!":
        inner += "."
    return f"“{inner}”"


def long_date(date):
    """ "January 9, 2022", as Chicago and APA write dates."""
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def _mla_date(date):
    return f"{date.day} {MLA_MONTHS[date.month - 1]} {date.year}"


def _join_names(names, *, style):
    if not names:
        return ""
    if style == "apa":
        written = [n.initials() for n in names]
        if len(written) == 1:
            return written[0]
        return ", ".join(written[:-1]) + ", & " + written[-1]
    first = names[0].inverted()
    if style == "mla" and len(names) > 2:
        return f"{first}, et al"
    rest = [n.full for n in names[1:]]
    if not rest:
        return first
    if len(rest) == 1:
        return f"{first}, and {rest[0]}"
    return f"{first}, " + ", ".join(rest[:-1]) + f", and {rest[-1]}"


def _event_phrase(data):
    """ "Interview by Jake Tapper", "Interview with …", "Remarks", or "" for other kinds."""
    label = data.event_label
    if not label:
        return ""
    if data.event_kind == "interview":
        if data.interviewee:
            label = f"{label} with {data.interviewee.full}"
        elif data.interviewer:
            label = f"{label} by {data.interviewer.full}"
    return label


def chicago(data):
    """Chicago Manual of Style (notes and bibliography), bibliography entry."""
    pieces = []
    authors = _join_names(list(data.authors), style="chicago")
    if authors:
        pieces.append(_end(authors) + " ")
    pieces.append(_quoted_title(data.title) + " ")
    event = ", ".join(p for p in (_event_phrase(data), data.location) if p)
    if event:
        pieces.append(_end(event) + " ")
    broadcast = []
    if data.program:
        broadcast.append(Italic(data.program))
    for part in (data.outlet, long_date(data.date) if data.date else ""):
        if part:
            broadcast.append(part)
    pieces += _series(broadcast)
    if data.source_name or data.source_url:
        source = ", ".join(p for p in ("Transcript", data.source_name, data.source_url) if p)
        pieces.append(_end(source) + " ")
    locator = ", ".join(p for p in (data.locator, data.archive_name) if p)
    if locator:
        pieces.append(locator + ". ")
    pieces.append(f"Accessed {long_date(data.accessed)}. ")
    pieces.append(_end(data.url))
    return _render("chicago", pieces)


def apa(data):
    """APA (7th edition) reference list entry."""
    pieces = []
    authors = _join_names(list(data.authors), style="apa")
    date = f"({data.date.year}, {MONTHS[data.date.month - 1]} {data.date.day})" if data.date else "(n.d.)"
    description = ", ".join(p for p in (_event_phrase(data), data.program, data.outlet, data.location) if p)
    title = [Italic(data.title.rstrip(".")), f" [{description}]" if description else "", ". "]
    if authors:
        pieces += [_end(authors) + " ", date + ". ", *title]
    else:
        pieces += [*title, date + ". "]
    if data.source_name:
        pieces.append(_end(data.source_name) + " ")
    if data.locator:
        archive = f" in {data.archive_name}" if data.archive_name else ""
        pieces.append(f"{data.locator}{archive}. ")
    pieces.append(f"Retrieved {long_date(data.accessed)}, from {data.url}")
    return _render("apa", pieces)


def _bare_url(url):
    return re.sub(r"^https?://", "", url)


def mla(data):
    """MLA Handbook (9th edition) works-cited entry."""
    pieces = []
    authors = _join_names(list(data.authors), style="mla")
    if authors:
        pieces.append(_end(authors) + " ")
    pieces.append(_quoted_title(data.title) + " ")
    event = _event_phrase(data)
    if event:
        pieces.append(_end(event) + " ")
    container = []
    if data.program:
        container.append(Italic(data.program))
    for part in (data.outlet, _mla_date(data.date) if data.date else "", data.location):
        if part:
            container.append(part)
    pieces += _series(container)
    if data.source_name:
        pieces.append(f"Transcript, {_end(data.source_name)} ")
    second = []
    if data.archive_name:
        second.append(Italic(data.archive_name))
    if data.locator:
        second.append(data.locator[0].lower() + data.locator[1:])
    second.append(_bare_url(data.url))
    for i, part in enumerate(second):
        if i:
            pieces.append(", ")
        pieces.append(part)
    pieces.append(". ")
    pieces.append(f"Accessed {_mla_date(data.accessed)}.")
    return _render("mla", pieces)


STYLES = {"chicago": ("Chicago", chicago), "apa": ("APA", apa), "mla": ("MLA", mla)}


def all_styles(data):
    """Every style as ``[(key, label, Formatted)]`` in the order pages show them."""
    return [(key, label, fn(data)) for key, (label, fn) in STYLES.items()]


def quote_with_citation(data, style="chicago"):
    """The quoted words in quotation marks, then the citation: ready to paste in a message."""
    formatted = STYLES[style][1](data)
    if not data.quote:
        return formatted.text
    return f"“{data.quote}”\n\n{formatted.text}"


# ---------------------------------------------------------------------------------------
# Machine-readable formats

BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text):
    """Escape the characters that BibTeX or LaTeX would read as commands."""
    return "".join(BIBTEX_SPECIALS.get(ch, ch) for ch in " ".join(str(text).split()))


def _bibtex_url(url):
    # URL fields are read verbatim, but unbalanced braces would still end the field.
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _bibtex_name(name):
    if name.literal:
        return "{" + bibtex_escape(name.full) + "}"
    # BibTeX reads "von Last, Jr, First": the suffix goes between family and given name,
    # and a compound family name is braced so that it is not split.
    family = bibtex_escape(name.family)
    if " " in name.family and not name.family.split()[0].islower():
        family = "{" + family + "}"
    return ", ".join(part for part in (family, bibtex_escape(name.suffix), bibtex_escape(name.given)) if part)


def bibtex(data):
    """A BibTeX ``@misc`` entry (with biblatex's ``date`` and ``urldate`` as well)."""
    fields = []
    if data.authors:
        fields.append(("author", " and ".join(_bibtex_name(n) for n in data.authors)))
    # Double braces keep the title's capitals as printed.
    fields.append(("title", "{" + bibtex_escape(data.title) + "}"))
    howpublished = ", ".join(p for p in (_event_phrase(data), data.program, data.outlet) if p)
    if howpublished:
        fields.append(("howpublished", bibtex_escape(howpublished)))
    if data.interviewer and data.event_kind == "interview":
        fields.append(("editor", _bibtex_name(data.interviewer)))
        fields.append(("editortype", "interviewer"))
    if data.date:
        fields.append(("year", str(data.date.year)))
        fields.append(("month", BIBTEX_MONTHS[data.date.month - 1]))
        fields.append(("date", data.date.isoformat()))
    if data.location:
        fields.append(("address", bibtex_escape(data.location)))
    if data.source_name:
        fields.append(("organization", bibtex_escape(data.source_name)))
    if data.publisher:
        fields.append(("publisher", bibtex_escape(data.publisher)))
    notes = []
    if data.source_name or data.source_url:
        notes.append(" ".join(p for p in ("Transcript:", data.source_name, data.source_url) if p))
    if data.locator:
        notes.append(data.locator + (f" in {data.archive_name}" if data.archive_name else ""))
    elif data.archive_name:
        notes.append(data.archive_name)
    if notes:
        fields.append(("note", bibtex_escape(". ".join(notes))))
    fields.append(("url", _bibtex_url(data.url)))
    fields.append(("urldate", data.accessed.isoformat()))
    lines = [f"@misc{{{data.key},"]
    for name, value in fields:
        # Months are BibTeX macros and go unbraced.
        lines.append(f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _ris_value(value):
    return " ".join(str(value).split())


def ris(data):
    """An RIS record (tags per the RIS specification, lines ending in CRLF)."""
    lines = [("TY", "GEN")]
    for name in data.authors:
        lines.append(("AU", name.inverted()))
    lines.append(("TI", data.title))
    if data.program:
        lines.append(("T2", data.program))
    if data.interviewer and data.event_kind == "interview":
        lines.append(("A2", data.interviewer.inverted()))
    if data.publisher:
        lines.append(("PB", data.publisher))
    if data.date:
        lines.append(("PY", str(data.date.year)))
        lines.append(("DA", data.date.strftime("%Y/%m/%d")))
    if data.location:
        lines.append(("CY", data.location))
    genre = f"{data.event_label} transcript" if data.event_label else "Transcript"
    lines.append(("M3", genre))
    if data.kind == "turn" and data.quote:
        lines.append(("AB", data.quote))
    notes = []
    if data.event_kind == "interview" and _event_phrase(data):
        notes.append(_end(_event_phrase(data)))
    if data.source_name or data.source_url:
        notes.append(_end(" ".join(p for p in ("Transcript:", data.source_name, data.source_url) if p)))
    if data.locator:
        notes.append(_end(data.locator))
    if notes:
        lines.append(("N1", " ".join(notes)))
    if data.archive_name:
        lines.append(("DB", data.archive_name))
    lines.append(("UR", data.url))
    lines.append(("Y2", data.accessed.strftime("%Y/%m/%d")))
    out = "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines if _ris_value(value))
    return out + "ER  - \r\n"


def _date_parts(date):
    return {"date-parts": [[date.year, date.month, date.day]]}


def csl_item(data):
    """One CSL-JSON item (the format Zotero, Pandoc and citeproc read); empty fields omitted."""
    item = {
        "id": data.key,
        "type": CSL_TYPES.get(data.event_kind, "document"),
        "title": data.title,
        "author": [n.csl() for n in data.authors],
        "interviewer": [data.interviewer.csl()] if data.interviewer and data.event_kind == "interview" else [],
        "container-title": data.program,
        "publisher": data.publisher,
        "genre": f"{data.event_label} transcript" if data.event_label else "Transcript",
        "event-place": data.location,
        "issued": _date_parts(data.date) if data.date else None,
        "accessed": _date_parts(data.accessed),
        "URL": data.url,
        "source": data.source_name,
        "archive": data.archive_name,
        "archive_location": data.locator,
        "note": " ".join(p for p in ("Transcript:", data.source_name, data.source_url) if p)
        if data.source_url
        else "",
        "abstract": data.quote if data.kind == "turn" else "",
    }
    return {key: value for key, value in item.items() if value}


def csl_json(data):
    """CSL-JSON text: a list holding the one item, pretty-printed."""
    return json.dumps([csl_item(data)], ensure_ascii=False, indent=2) + "\n"


DOWNLOADS = {
    # extension: (label, content type, builder)
    "bib": ("BibTeX", "application/x-bibtex; charset=utf-8", bibtex),
    "ris": ("RIS", "application/x-research-info-systems; charset=utf-8", ris),
    "json": ("CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8", csl_json),
}


def short_quote(text, chars=280):
    """The opening of a quote, cut at a word boundary, for share cards and titles."""
    return Truncator(" ".join((text or "").split())).chars(chars)
