"""Who every label of one transcript stands for, and the Speaker rows behind them.

The loader calls ``resolve_speakers`` once per transcript. Evidence is weighed in this
order: a label staff pinned to a speaker; a role ("QUESTION", "AIDE"); what the text
itself says of the label (a headline, a byline, an introduction, checked against the
label's surname); a full name printed in the label; a participant of the same surname;
the officeholder list on the transcript's date; the archive's earlier use of the label;
and last, the label itself as a family name with its honorific ("Mr. Kirby").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q

from archive.ingest.types import ParsedTranscript, Person
from archive.models import Speaker, SpeakerLabel, SpeakerRedirect

from .curation import merge_speakers, unique_slug
from .labels import LabelReading, display_label, label_display_name, read_label
from .names import SUFFIXES, PersonName, clean_name, fold, looks_like_name, name_key, name_parts, readable
from .officeholders import Officeholder, held_office, holder_named, officeholder_for, serving_on
from .vocabulary import OFFICE_WORDS


@dataclass(frozen=True)
class Attribution:
    """Who a printed label stands for, before any Speaker row exists."""

    name: str
    title: str = ""
    is_role: bool = False
    parts: PersonName = field(default_factory=PersonName)
    speaker_id: int | None = None  # a stored speaker staff pinned the label to
    office_on_day: bool = False  # the title is the office the officeholder list says they held that day


def is_question_label(label: str) -> bool:
    return read_label(label).role == "Question"


def attribute_labels(parsed: ParsedTranscript, known=None) -> dict[str, Attribution | None]:
    """Decide who every label printed in ``parsed`` stands for (None: unattributed text).

    Writes nothing. ``known`` (an ``ArchiveSpeakers``) lets stored speakers count as
    evidence; without it the decision rests on the text and the officeholder list alone
    (what ``ingest --json`` shows).
    """
    labels = list(dict.fromkeys(turn.speaker_label for turn in parsed.turns))
    readings = {label: read_label(label) for label in labels if label}
    found: dict[str, Attribution | None] = {}
    for label in labels:
        if not label:
            hint = parsed.speakers.get("")
            found[label] = _from_hint(hint, None, parsed) if hint else None
            continue
        reading = readings[label]
        pinned = known.pinned(label) if known else None
        if pinned is not None:
            found[label] = Attribution(pinned.name, pinned.title, pinned.is_role, speaker_id=pinned.pk)
            continue
        hint = parsed.speakers.get(label)
        if reading.is_role:
            # Only an interview's questions have one person behind them (the parser says so).
            person = _from_hint(hint, None, parsed) if hint and reading.role == "Question" else None
            found[label] = person or Attribution(reading.role, is_role=True)
            continue
        person = _from_hint(hint, reading, parsed) if hint else None
        if person is None and reading.name:
            person = _from_hint(Person(reading.name, reading.label.partition(",")[2].strip()), reading, parsed)
        if person is None and not reading.office_only:
            person = _from_surname(reading, parsed, known)
        if person is not None:
            found[label] = person

    # "THE PRESIDENT" beside "PRESIDENT BIDEN": the office-only label is whoever holds that
    # office among the named labels, preferring the officeholder on the day.
    for label in labels:
        reading = readings.get(label)
        if reading is None or label in found or not reading.office_only:
            continue
        same_office = [
            other for other in labels
            if found.get(other) and not found[other].is_role and readings.get(other)
            and readings[other].office == reading.office and readings[other].family
        ]
        holder = officeholder_for(reading, parsed.date)
        chosen = None
        if holder:
            key = name_key(holder.name)
            chosen = next((found[o] for o in same_office if name_key(found[o].name) == key), None)
            chosen = chosen or _from_holder(holder, parsed)
        elif len(same_office) == 1:
            chosen = found[same_office[0]]
        found[label] = chosen or Attribution(display_label(label), is_role=True)
    return {label: found.get(label) for label in labels}


def _names_surname(name: str, reading: LabelReading | None) -> bool:
    """Whether ``name`` can be the person ``reading`` names: it contains the label's surname."""
    if reading is None or not reading.surname:
        return True
    words = set()
    for word in fold(name).replace(".", " ").split():
        words.add(word)
        words.update(word.split("-"))
    return reading.surname in words or all(w in words for w in reading.surname.split("-"))


def _from_hint(hint: Person, reading: LabelReading | None, parsed: ParsedTranscript) -> Attribution | None:
    """A person the text names for a label, if the name holds up."""
    name = clean_name(hint.name)
    if not name or not looks_like_name(name) or not _names_surname(name, reading):
        return None
    holder = holder_named(name)
    if holder and reading is not None and reading.office and not held_office(holder.name, reading.office):
        # "PRESIDENT BIDEN" under a headline naming "First Lady Jill Biden": not her.
        return None
    if holder:
        return _from_holder(holder, parsed, title=_clean_title(hint.title) or parsed.outlet)
    title_words = [fold(w) for w in hint.title.split()]
    if reading is not None and reading.office and _office_head(reading.office) not in title_words and any(
        w in OFFICE_WORDS for w in title_words
    ):
        # "FOREIGN MINISTER X" is not the "Ambassador X" of a byline.
        return None
    if len(name.split()) < 2:
        # "Secretary Blinken" in a headline: read it as a label would be read.
        as_label = read_label(hint.name)
        if reading is None and as_label.family and as_label.honorific:
            return _from_surname(as_label, parsed, None)
        return None
    family_hint = reading.family if reading and reading.family else ""
    parts = name_parts(name, family_hint=family_hint)
    return Attribution(parts.full if parts.honorific else name, _clean_title(hint.title) or parsed.outlet, parts=parts)


def _office_head(office: str) -> str:
    """The word an office is known by: "foreign minister" -> "minister"."""
    return office.split()[-1] if office else ""


def _from_holder(holder: Officeholder, parsed: ParsedTranscript, title: str = "") -> Attribution:
    on_day = serving_on(holder.name, parsed.date)
    return Attribution(
        holder.name, on_day.title if on_day else (title or holder.title), parts=holder.parts, office_on_day=bool(on_day)
    )


def _from_surname(reading: LabelReading, parsed: ParsedTranscript, known) -> Attribution:
    for participant in parsed.participants:
        if _names_surname(clean_name(participant.name), reading) and reading.surname:
            person = _from_hint(participant, reading, parsed)
            if person:
                return person
    # The one full name the text gives for the surname ("Christen Linke Young" for "MS.
    # YOUNG" on a call about health costs) outranks another officeholder of that name.
    mention = parsed.mentions.get(reading.label)
    if mention:
        person = _from_hint(mention, reading, parsed)
        if person:
            return person
    holder = officeholder_for(reading, parsed.date)
    if holder:
        return _from_holder(holder, parsed)
    existing = known.by_label(reading.label) if known else None
    if existing is not None:
        return Attribution(existing.name, existing.title, speaker_id=existing.pk)
    family = readable(reading.family)
    return Attribution(
        label_display_name(reading), parts=PersonName(family=family, honorific=reading.honorific)
    )


def _clean_title(title: str) -> str:
    """A title without the fragments a headline leaves: "Coordinator for" -> "Coordinator",
    "Homeland Security Advisor Dr." -> "Homeland Security Advisor", "And" -> ""."""
    words = title.replace(",", " ").split()
    while words and (fold(words[-1]).rstrip(".") in {"dr", "mr", "ms", "mrs", "the", "and", "for", "of", "to", "on", "by", "with"}):
        words.pop()
    while words and fold(words[0]) in {"and", "the", "by", "with", "of", "for"}:
        words.pop(0)
    if not any(fold(w) in OFFICE_WORDS for w in words):
        return ""
    return " ".join(words)


# The archive's side ----------------------------------------------------------------------


class ArchiveSpeakers:
    """What the archive already knows about labels: staff's pins and earlier attributions.

    Pins are few (staff make them by hand), so all of them are read once per transcript.
    """

    def __init__(self) -> None:
        self._pins = {}
        for row in SpeakerLabel.objects.filter(pinned=True).select_related("speaker").order_by("pk"):
            self._pins[fold(row.label)] = row.speaker  # the latest pin of a label wins

    def pinned(self, label: str) -> Speaker | None:
        return self._pins.get(fold(label))

    def by_label(self, label: str) -> Speaker | None:
        folded = fold(label)
        rows = SpeakerLabel.objects.filter(label__iexact=label, speaker__kind=Speaker.Kind.PERSON).select_related("speaker")
        return next((row.speaker for row in rows if fold(row.label) == folded), None)


def resolve_speakers(parsed: ParsedTranscript) -> dict[str, Speaker | None]:
    """Map every label printed in ``parsed`` to a Speaker, creating the ones not stored yet."""
    resolved: dict[str, Speaker | None] = {}
    for label, who in attribute_labels(parsed, known=ArchiveSpeakers()).items():
        if who is None:
            speaker = None
        elif who.speaker_id:
            speaker = Speaker.objects.get(pk=who.speaker_id)
        elif who.is_role:
            speaker = role_speaker(who.name)
        else:
            if label and not who.parts.given and who.parts.family:
                speaker = _full_person_for(who, label, parsed.date) or person_speaker(who, parsed.date)
            else:
                speaker = person_speaker(who, parsed.date)
            if label and who.parts.given:
                _absorb_label_only(speaker, label, parsed.date)
        if speaker and label:
            SpeakerLabel.objects.get_or_create(speaker=speaker, label=label)
        resolved[label] = speaker
    return resolved


# A label-only speaker ("Mr. Munoz") joins the full name a later text gives for the same
# label ("Kevin Munoz") when their transcripts are this close in time.
SAME_PERSON_WINDOW = datetime.timedelta(days=730)


def _one_person(full: Speaker, label_only_family: str, same_label: bool, first, last, day) -> bool:
    """The rule by which a label-only speaker and a stored full name are one person: the
    label's family name ends the full name, they share the label or the family name is
    compound ("Linke Young"), and their transcripts lie within ``SAME_PERSON_WINDOW``."""
    key, family = name_key(full.name), name_key(label_only_family)
    if not family or not (key == family or key.endswith(" " + family)):
        return False
    if not (same_label or len(family.split()) > 1):
        return False
    return bool(first and last) and first - SAME_PERSON_WINDOW <= day <= last + SAME_PERSON_WINDOW


def _dated(queryset):
    return queryset.annotate(
        first=Min("turns__transcript__date"), last=Max("turns__transcript__date")
    ).prefetch_related("labels")


def _absorb_label_only(person: Speaker, label: str, day: datetime.date | None) -> None:
    """Join to ``person`` the label-only speakers that ``_one_person`` says are them.

    Another transcript printed only "MR. MUNOZ"; this one says he is Kevin Munoz. Further
    apart than the window they stay apart, for staff to judge with ``audit_speakers``.
    """
    if day is None:
        return
    last = _last_word(person.name)
    candidates = _dated(
        Speaker.objects.filter(kind=Speaker.Kind.PERSON, given_name="")
        .filter(Q(family_name__icontains=last) | Q(family_name__icontains=fold(last)))
        .exclude(pk=person.pk)
    )
    folded = fold(label)
    joined = [
        other for other in candidates
        if _one_person(person, other.family_name, _only_label(other, folded), other.first, other.last, day)
    ]
    if not joined:
        return
    longest = max((o.family_name for o in joined), key=lambda f: len(f.split()))
    if len(longest.split()) > len(person.family_name.split()) and person.name.endswith(" " + longest):
        # The label printed the whole family name: "Linke Young", not "Young".
        person.given_name, person.family_name = person.name[: -len(longest)].strip(), longest
        person.save(update_fields=["given_name", "family_name", "modified"])
    merge_speakers(person, joined, pin=False)


def _only_label(speaker: Speaker, folded_label: str) -> bool:
    rows = speaker.labels.all()
    return bool(rows) and all(fold(row.label) == folded_label for row in rows)


def _full_person_for(who: Attribution, label: str, day: datetime.date | None) -> Speaker | None:
    """The one stored person with a given name that a label-only attribution must be
    (``_one_person`` seen from the other side: "MS. LINKE YOUNG" after Christen Linke Young
    was stored)."""
    if day is None:
        return None
    last = _last_word(who.parts.family)
    folded = fold(label)
    candidates = _dated(
        Speaker.objects.filter(kind=Speaker.Kind.PERSON)
        .exclude(given_name="")
        .filter(Q(name__icontains=last) | Q(name__icontains=fold(last)))
    )
    found = [
        person for person in candidates
        if _one_person(
            person, who.parts.family, any(fold(row.label) == folded for row in person.labels.all()),
            person.first, person.last, day,
        )
    ]
    return found[0] if len(found) == 1 else None


def _last_word(name: str) -> str:
    words = [w for w in name.split() if fold(w).rstrip(".") not in SUFFIXES]
    return words[-1] if words else name


def person_speaker(who: Attribution, day: datetime.date | None = None) -> Speaker:
    """The stored person ``who`` names, or a new one; a merged-away name finds the kept speaker."""
    key = name_key(who.name)
    last = _last_word(who.name)
    near = Q(name__icontains=last) | Q(name__icontains=fold(last))
    for speaker in Speaker.objects.filter(near, kind=Speaker.Kind.PERSON):
        if name_key(speaker.name) == key:
            _complete(speaker, who, day)
            return speaker
    for redirect in SpeakerRedirect.objects.filter(Q(old_name__icontains=last) | Q(old_name__icontains=fold(last))).select_related("speaker"):
        if name_key(redirect.old_name) == key:
            return redirect.speaker
    parts = who.parts if who.parts.family else name_parts(who.name)
    return Speaker.objects.create(
        name=who.name, title=who.title, kind=Speaker.Kind.PERSON, slug=unique_slug(who.name),
        given_name=parts.given, family_name=parts.family, name_suffix=parts.suffix, honorific=parts.honorific,
    )


def _complete(speaker: Speaker, who: Attribution, day: datetime.date | None) -> None:
    """Fill what an earlier, thinner attribution left empty; an officeholder's title follows
    the office they held in their newest transcript ("Principal Deputy Press Secretary",
    then "Press Secretary")."""
    changed = []
    if who.title and not speaker.title:
        speaker.title = who.title
        changed.append("title")
    elif who.office_on_day and who.title != speaker.title and day is not None:
        newest = speaker.turns.aggregate(newest=Max("transcript__date"))["newest"]
        if newest is None or day >= newest:
            speaker.title = who.title
            changed.append("title")
    if who.parts.family and not speaker.family_name:
        speaker.given_name, speaker.family_name = who.parts.given, who.parts.family
        speaker.name_suffix, speaker.honorific = who.parts.suffix, who.parts.honorific
        changed += ["given_name", "family_name", "name_suffix", "honorific"]
    if changed:
        speaker.save(update_fields=[*changed, "modified"])


def role_speaker(role: str) -> Speaker:
    speaker = Speaker.objects.filter(kind=Speaker.Kind.ROLE, name=role).first()
    if speaker:
        return speaker
    return Speaker.objects.create(name=role, kind=Speaker.Kind.ROLE, slug=unique_slug(role))
