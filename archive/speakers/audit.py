"""Speakers a maintainer should look at: likely duplicates, names with places or events in
them, and persons that look like roles.

``audit()`` reads the whole archive in three queries (speakers with their turn counts and
date ranges aggregated by the database, their labels, the places of their transcripts) and
compares names in memory, so an archive of thousands of transcripts is reviewed in seconds.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Max, Min, Q
from django.urls import reverse

from archive.models import Speaker, SpeakerLabel, Turn
from archive.speakers.names import HONORIFICS, SUFFIXES, fold, is_acronym
from archive.speakers.vocabulary import EVENT_WORDS, OFFICE_WORDS, ROLE_HEADS

DUPLICATE, PLACE, ROLE_LIKE = "duplicate", "place", "role-like"
CLASSES = {
    DUPLICATE: "Likely duplicates",
    PLACE: "Names with place or event words",
    ROLE_LIKE: "Persons that look like roles",
}
LIVE = Q(turns__position__isnull=False)
_WORDS = re.compile(r"[\w’'\-]+\.?")


@dataclass
class AuditedSpeaker:
    """A person speaker as the audit shows it."""

    id: int
    name: str
    slug: str
    turns: int
    first: datetime.date | None
    last: datetime.date | None
    labels: list[str]
    admin_url: str
    # Filled from the name once: folded words, without honorifics and suffixes.
    words: list[str] = field(default_factory=list, repr=False)
    family: str = field(default="", repr=False)
    given_name: str = field(default="", repr=False)
    printed_words: list[str] = field(default_factory=list, repr=False)

    @property
    def dated(self) -> bool:
        return self.first is not None

    def dates(self) -> str:
        return f"{self.first.isoformat()}..{self.last.isoformat()}" if self.dated else "no dated turns"

    def as_dict(self) -> dict:
        row = asdict(self)
        for key in ("words", "family", "given_name", "printed_words"):
            row.pop(key)
        row["first"] = self.first.isoformat() if self.first else None
        row["last"] = self.last.isoformat() if self.last else None
        return row


@dataclass
class Finding:
    """One thing to review: a pair of likely duplicates, or one speaker with a doubtful name."""

    kind: str
    reason: str
    speakers: list[AuditedSpeaker]

    def as_dict(self) -> dict:
        return {"class": self.kind, "reason": self.reason, "speakers": [s.as_dict() for s in self.speakers]}


@dataclass
class AuditReport:
    findings: list[Finding]

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in CLASSES}

    def as_dict(self) -> dict:
        return {"counts": self.counts(), "findings": [f.as_dict() for f in self.findings]}


def audit() -> AuditReport:
    """Review every person speaker; see the module docstring."""
    people = _people()
    locations = _locations(people)
    findings = duplicates(list(people.values()))
    for person in sorted(people.values(), key=lambda p: (-p.turns, p.name)):
        reason = place_reason(person, locations.get(person.id, ()))
        if reason:
            findings.append(Finding(PLACE, reason, [person]))
    for person in sorted(people.values(), key=lambda p: (-p.turns, p.name)):
        reason = role_reason(person)
        if reason:
            findings.append(Finding(ROLE_LIKE, reason, [person]))
    return AuditReport(findings)


def _people() -> dict[int, AuditedSpeaker]:
    rows = (
        Speaker.objects.filter(kind=Speaker.Kind.PERSON)
        .annotate(
            live_turns=Count("turns", filter=LIVE),
            first_date=Min("turns__transcript__date", filter=LIVE),
            last_date=Max("turns__transcript__date", filter=LIVE),
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "slug", "family_name", "given_name", "live_turns", "first_date", "last_date")
    )
    people = {}
    for pk, name, slug, family_name, given_name, turns, first, last in rows:
        person = AuditedSpeaker(
            pk, name, slug, turns, first, last, [], reverse("admin:archive_speaker_change", args=[pk])
        )
        person.printed_words = name.split()
        person.words = name_words(name)
        person.family = fold(family_name) if family_name else (person.words[-1] if person.words else "")
        person.given_name = given_name
        people[pk] = person
    labels = SpeakerLabel.objects.filter(speaker__kind=Speaker.Kind.PERSON).order_by("label")
    for speaker_id, label in labels.values_list("speaker_id", "label"):
        people[speaker_id].labels.append(label)
    return people


def _locations(people) -> dict[int, set[str]]:
    """The places of each person's transcripts, as printed ("Orangeburg, South Carolina")."""
    found = defaultdict(set)
    rows = (
        Turn.objects.filter(speaker__kind=Speaker.Kind.PERSON)
        .exclude(transcript__location="")
        .values_list("speaker_id", "transcript__location")
        .order_by()
        .distinct()
    )
    for speaker_id, location in rows:
        found[speaker_id].add(location)
    return found


def name_words(name: str) -> list[str]:
    """The folded words of a name without honorifics, suffixes and punctuation:
    "Mr. Joseph R. Biden, Jr." -> ["joseph", "r", "biden"]."""
    words = [w.strip(".,;:()\"“”‘’'") for w in _WORDS.findall(fold(name))]
    words = [w for w in words if w and w not in HONORIFICS]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return words


# -- likely duplicates --------------------------------------------------------------------


def overlap(a: AuditedSpeaker, b: AuditedSpeaker) -> bool:
    """Whether two people could be one: their date ranges overlap, or one has no dated turns."""
    if not (a.dated and b.dated):
        return True
    return a.first <= b.last and b.first <= a.last


def duplicates(people: list[AuditedSpeaker]) -> list[Finding]:
    """Pairs of people who are likely one: the same family name, or one name whose words
    (two or more) are all in the other ("Karine Jean-Pierre" and "Karine Jean-Pierre En Route
    Raleigh"), and dates that allow it. Most turns first."""
    pairs: dict[tuple[int, int], str] = {}
    by_family = defaultdict(list)
    for person in people:
        if person.family:
            by_family[person.family].append(person)
    for family, group in by_family.items():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if overlap(a, b) and _given_names_agree(a, b):
                    pairs[_pair(a, b)] = f"same family name “{family}”"
    # Containment: look only at people who share the rarest word of the shorter name.
    by_word = defaultdict(list)
    for person in people:
        for word in set(person.words):
            by_word[word].append(person)
    for a in people:
        words = set(a.words)
        if len(words) < 2:
            continue
        rarest = min(words, key=lambda w: len(by_word[w]))
        for b in by_word[rarest]:
            if b.id != a.id and words <= set(b.words) and overlap(a, b) and _pair(a, b) not in pairs:
                same = words == set(b.words)
                pairs[_pair(a, b)] = "the same name words" if same else f"“{a.name}” is part of “{b.name}”"
    by_id = {p.id: p for p in people}
    findings = [Finding(DUPLICATE, reason, [by_id[x], by_id[y]]) for (x, y), reason in pairs.items()]
    for finding in findings:
        finding.speakers.sort(key=lambda p: (-p.turns, p.name))
    findings.sort(key=lambda f: (-sum(p.turns for p in f.speakers), [p.name for p in f.speakers]))
    return findings


def _given_names_agree(a: AuditedSpeaker, b: AuditedSpeaker) -> bool:
    """Whether two people of one family name may be one: one of them has no given name
    ("Mr. Kirby"), or one given name starts the other ("Ashish" and "Ashish K.", "Tony"
    and "Antony" aside). "Joseph R." and "Jill" are two people."""
    first_a = fold(a.given_name).split()[:1]
    first_b = fold(b.given_name).split()[:1]
    if not first_a or not first_b:
        return True
    x, y = first_a[0].rstrip("."), first_b[0].rstrip(".")
    return x.startswith(y) or y.startswith(x)


def _pair(a, b) -> tuple[int, int]:
    return (a.id, b.id) if a.id < b.id else (b.id, a.id)


# -- places and events in a name ----------------------------------------------------------


def place_reason(person: AuditedSpeaker, locations) -> str:
    """Why ``person``'s name seems to hold a place or an event, or ""."""
    reasons = []
    events = [w for w in person.words if w in EVENT_WORDS]
    if events:
        reasons.append("event words: " + ", ".join(dict.fromkeys(events)))
    words = person.words
    for location in sorted(locations):
        for place in _places(location):
            # A one-word place that is the family name is a person's name ("Jackson"), not a place.
            if place == [person.family]:
                continue
            if _contains(words, place):
                reasons.append(f"place of a transcript: “{location}”")
                break
    mixed = any(c.islower() for c in person.name)
    # A given name in capitals is still a name ("JD Vance"); an acronym before it is not.
    given = set(person.given_name.split())
    acronyms = [
        w for w in person.printed_words
        if mixed and is_acronym(w) and fold(w).strip(".,") not in SUFFIXES and w not in given
    ]
    if acronyms:
        reasons.append("acronyms: " + ", ".join(acronyms))
    return "; ".join(reasons)


def _places(location: str) -> list[list[str]]:
    """The word sequences a location names: "Orangeburg, South Carolina" is itself,
    "Orangeburg" and "South Carolina"."""
    whole = name_words(location.replace(",", " "))
    parts = [name_words(part) for part in location.split(",")]
    return [whole] + [p for p in parts if p and p != whole]


def _contains(words: list[str], sequence: list[str]) -> bool:
    n = len(sequence)
    return any(words[i : i + n] == sequence for i in range(len(words) - n + 1))


# -- persons that look like roles ---------------------------------------------------------


def role_reason(person: AuditedSpeaker) -> str:
    """Why ``person`` looks like a role ("Aide", "White House Official"), or ""."""
    if not person.words:
        return ""
    if person.words[-1] in ROLE_HEADS:
        return f"ends in the role word “{person.words[-1]}”"
    if not person.given_name and all(w in OFFICE_WORDS for w in person.words):
        return "only office words and no given name"
    return ""
