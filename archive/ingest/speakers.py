"""Who is behind a printed label: pure text rules, no database.

A label names a role ("QUESTION", "MODERATOR"), an office ("THE PRESIDENT"), or a person
by office and surname ("SECRETARY BLINKEN", "FOREIGN MINISTER GERAPETRITIS", "MR. PRICE").
The loader combines what these rules read from a label with what the text says
(``ParsedTranscript.speakers``) and with the officeholders on the transcript's date.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

OFFICEHOLDERS_FILE = Path(__file__).resolve().parent.parent / "data" / "officeholders.yaml"

# Labels that name a role, never a person. Each maps to the role's display name. Roles are
# shared across transcripts as roles; they are never merged into a person.
ROLES = {
    "q": "Question",
    "question": "Question",
    "questions": "Question",
    "reporter": "Question",
    "journalist": "Question",
    "press": "Question",
    "audience member": "Audience member",
    "audience": "Audience member",
    "participant": "Participant",
    "moderator": "Moderator",
    "operator": "Operator",
    "staff": "Staff",
    "interpreter": "Interpreter",
    "translator": "Interpreter",
    "narrator": "Narrator",
    "announcer": "Announcer",
    "senior administration official": "Senior Administration Official",
    "senior state department official": "Senior State Department Official",
    "senior department official": "Senior State Department Official",
    "senior u.s. official": "Senior U.S. Official",
    "senior official": "Senior Official",
    "administration official": "Administration Official",
    "state department official": "State Department Official",
    "official": "Official",
}
# "SENIOR ADMINISTRATION OFFICIAL ONE", "SENIOR STATE DEPARTMENT OFFICIAL 2": still the role.
ROLE_SUFFIX = re.compile(r"\s+(?:#?\d+|one|two|three|four|five|six)$")

# Words of a label that are an office or a courtesy, not part of a name. Order matters:
# longer offices first so "SECRETARY OF STATE" is read before "SECRETARY".
OFFICES = [
    "deputy secretary of state",
    "secretary of state",
    "secretary-general",
    "secretary general",
    "deputy secretary",
    "under secretary",
    "assistant secretary",
    "secretary",
    "vice president",
    "president",
    "prime minister",
    "deputy prime minister",
    "foreign minister",
    "minister of foreign affairs",
    "minister",
    "chancellor",
    "ambassador",
    "special envoy",
    "envoy",
    "press secretary",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "deputy spokesperson",
    "national security advisor",
    "national security adviser",
    "admiral",
    "general",
    "governor",
    "senator",
    "representative",
    "mayor",
    "king",
    "queen",
    "crown prince",
    "prince",
    "sheikh",
    "director",
    "administrator",
    "coordinator",
    "first lady",
]
COURTESIES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "madam", "madame", "the", "h.e", "his", "her", "excellency"}
# The office an office word stands for in the officeholder list.
OFFICE_ALIASES = {
    "secretary of state": "Secretary",
    "secretary": "Secretary",
    "president": "President",
    "vice president": "Vice President",
    "spokesperson": "Spokesperson",
    "spokesman": "Spokesperson",
    "spokeswoman": "Spokesperson",
    "press secretary": "Press Secretary",
}
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@dataclass(frozen=True)
class LabelReading:
    """What a label says by itself."""

    label: str
    role: str = ""  # display name of the role, when the label is a role
    office: str = ""  # e.g. "secretary of state", "president"
    surname: str = ""  # the name words left after office and courtesy, e.g. "Blinken"
    name: str = ""  # a full name the label prints: "Ned Price" of "Ned Price, Department Spokesperson"

    @property
    def is_role(self) -> bool:
        return bool(self.role)

    @property
    def office_only(self) -> bool:
        """ "THE PRESIDENT", "THE SECRETARY": an office with no name."""
        return bool(self.office) and not self.surname and not self.role


@dataclass(frozen=True)
class Officeholder:
    name: str
    office: str
    title: str
    start: datetime.date
    end: datetime.date | None

    def served_on(self, day: datetime.date | None) -> bool:
        if day is None:
            return False
        return self.start <= day and (self.end is None or day < self.end)


def fold(text: str) -> str:
    """Case- and accent-insensitive form for comparing names and labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.replace("\u2019", "'")).strip().casefold()


def name_key(name: str) -> str:
    """Key under which two spellings of one person's name meet.

    "Antony J. Blinken", "Antony Blinken" and "ANTONY BLINKEN" share "antony blinken":
    middle initials and suffixes are dropped because sources print them inconsistently.
    """
    words = re.findall(r"[\w'-]+\.?", fold(name))
    kept = [w.rstrip(".") for w in words if not (len(w.rstrip(".")) == 1 or w.rstrip(".") in NAME_SUFFIXES)]
    return " ".join(kept)


def surname_of(name: str) -> str:
    parts = name_key(name).split()
    return parts[-1] if parts else ""


def read_label(label: str) -> LabelReading:
    """Classify a printed label into role, office and surname."""
    folded = fold(label).rstrip(":").strip()
    if not folded:
        return LabelReading(label=label)
    role_key = ROLE_SUFFIX.sub("", folded)
    if role_key in ROLES:
        return LabelReading(label=label, role=ROLES[role_key])
    # "Ned Price, Department Spokesperson": the name comes before the comma.
    if "," in folded:
        name_part, _, office_part = folded.partition(",")
        printed_name = label.partition(",")[0].strip()
        return LabelReading(
            label=label, office=office_part.strip(), surname=_surname_words(name_part), name=printed_name
        )
    office = ""
    rest = folded
    words = rest.split()
    while words and words[0].rstrip(".") in COURTESIES:
        words.pop(0)
    rest = " ".join(words)
    for candidate in sorted(OFFICES, key=len, reverse=True):
        if rest == candidate or rest.startswith(candidate + " "):
            office = candidate
            rest = rest[len(candidate):].strip()
            break
    return LabelReading(label=label, office=office, surname=_surname_words(rest))


def _surname_words(text: str) -> str:
    words = [w for w in text.split() if w.rstrip(".") not in COURTESIES]
    # Keep the last name word: "ANTONY BLINKEN" -> "blinken"; "JEAN-PIERRE" stays whole.
    words = [w for w in words if w.rstrip(".") not in NAME_SUFFIXES]
    return words[-1].strip(".,") if words else ""


@lru_cache(maxsize=1)
def officeholders() -> tuple[Officeholder, ...]:
    with open(OFFICEHOLDERS_FILE, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle) or []
    return tuple(
        Officeholder(
            name=row["name"],
            office=row["office"],
            title=row["title"],
            start=row["start"],
            end=row.get("end"),
        )
        for row in rows
    )


def officeholder_for(reading: LabelReading, day: datetime.date | None) -> Officeholder | None:
    """The officeholder a label most likely means, or None when it cannot be told.

    A surname alone is matched against everyone listed (preferring whoever served on the
    day); an office alone needs the day, since "THE PRESIDENT" changes every few years.
    """
    if reading.is_role:
        return None
    office = OFFICE_ALIASES.get(reading.office, "")
    if reading.surname:
        matches = [h for h in officeholders() if surname_of(h.name) == reading.surname]
        if office:
            matches = [h for h in matches if h.office == office] or matches
        serving = [h for h in matches if h.served_on(day)]
        if len(serving) == 1:
            return serving[0]
        distinct = {name_key(h.name) for h in matches}
        # Off the dates we know, a bare surname ("MR. PRICE") could be anyone of that name;
        # an office beside it ("SECRETARY BLINKEN") still points at the listed person.
        if day is not None and not office:
            return None
        if len(distinct) == 1:
            # Same person in several terms or offices: prefer the office the label names.
            return matches[0]
        return None
    if office:
        serving = [h for h in officeholders() if h.office == office and h.served_on(day)]
        if len(serving) == 1:
            return serving[0]
    return None


def display_label(label: str) -> str:
    """A readable name for a label nobody could resolve: "SECRETARY BLINKEN" -> "Secretary Blinken"."""
    if label.isupper() or label.islower():
        text = " ".join("-".join(part.capitalize() for part in word.split("-")) for word in label.lower().split())
        # Connectors stay lower case except as the first word: "Secretary of State", "The President".
        return re.sub(r"(?<=\s)(Of|The|And|For)\b", lambda m: m.group(1).lower(), text).replace("U.s.", "U.S.")
    return label
