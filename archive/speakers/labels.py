"""What a printed label says by itself: a role, an office, a name, or an office and a name.

"QUESTION", "AIDE" and "SENIOR ADMINISTRATION OFFICIAL NUMBER ONE" are roles; "THE
PRESIDENT" is an office; "SECRETARY BLINKEN", "FOREIGN MINISTER GERAPETRITIS" and
"MR. FERNÁNDEZ HERNÁNDEZ" an office or honorific and a family name; "Ned Price, Department
Spokesperson" prints a whole name. Pure text rules, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .names import HONORIFICS, SUFFIXES, fold, readable
from .vocabulary import EVENT_WORDS, OFFICE_WORDS, OUTLETS, ROLE_HEADS

# Labels that name a role, never a person, with the role's display name. Roles are shared
# across transcripts as roles; they are never merged into a person.
ROLES = {
    "q": "Question",
    "question": "Question",
    "questions": "Question",
    "questioner": "Question",
    "interviewer": "Question",
    "reporter": "Question",
    "journalist": "Question",
    "press": "Question",
    "audience member": "Audience member",
    "audience members": "Audience member",
    "audience": "Audience member",
    "crowd": "Audience member",
    "participant": "Participant",
    "participants": "Participant",
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
# "SENIOR ADMINISTRATION OFFICIAL ONE", "… NUMBER TWO", "… #3": still that role.
ROLE_NUMBER = re.compile(
    r"\s+(?:(?:number|no\.?|#)\s*)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)$"
)

# Offices a label may print before a name, longest first so that "secretary of state" is
# read before "secretary".
OFFICES = sorted(
    (
        office.strip()
        for office in """
        deputy secretary of state|secretary of state|secretary-general|secretary general|
        deputy secretary|under secretary|assistant secretary|secretary|vice president|
        president-elect|president elect|president|deputy prime minister|prime minister|
        foreign minister|minister of foreign affairs|minister|chancellor|ambassador|
        special envoy|envoy|principal deputy press secretary|deputy press secretary|
        press secretary|principal deputy spokesperson|deputy spokesperson|spokesperson|
        spokesman|spokeswoman|national security advisor|national security adviser|
        deputy national security advisor|admiral|general|governor|lieutenant governor|
        senator|representative|congressman|congresswoman|mayor|king|queen|crown prince|
        prince|sheikh|director|administrator|coordinator|first lady|second gentleman|
        surgeon general|attorney general|leader|speaker|chairman|chairwoman|chair|
        commissioner|judge|justice|colonel|captain|major|sergeant
        """.split("|")
    ),
    key=len,
    reverse=True,
)
COURTESIES = set(HONORIFICS) | {"the", "h.e", "his", "her", "excellency"}
# The office key in the officeholder list that an office-only label ("THE PRESIDENT") means.
OFFICE_ALIASES = {
    "secretary of state": "Secretary",
    "secretary": "Secretary",
    "president": "President",
    "president-elect": "President",
    "president elect": "President",
    "vice president": "Vice President",
    "spokesperson": "Spokesperson",
    "spokesman": "Spokesperson",
    "spokeswoman": "Spokesperson",
    "press secretary": "Press Secretary",
    "first lady": "First Lady",
    "national security advisor": "National Security Advisor",
    "national security adviser": "National Security Advisor",
}


@dataclass(frozen=True)
class LabelReading:
    """What a label says by itself."""

    label: str
    role: str = ""  # display name of the role, when the label is a role
    office: str = ""  # folded, e.g. "secretary of state", "president"
    family: str = ""  # the name words after office and courtesy, as printed: "FERNÁNDEZ HERNÁNDEZ"
    honorific: str = ""  # "Mr.", or the office as printed in a reader's case: "Prime Minister"
    name: str = ""  # a full name the label prints: "Ned Price" of "Ned Price, Department Spokesperson"

    @property
    def surname(self) -> str:
        """The folded last word of the family name, for matching: "hernandez"."""
        words = fold(self.family).split()
        return words[-1].strip(".,") if words else ""

    @property
    def is_role(self) -> bool:
        return bool(self.role)

    @property
    def office_only(self) -> bool:
        """ "THE PRESIDENT", "THE SECRETARY": an office with no name."""
        return bool(self.office) and not self.family and not self.role and not self.name


def role_of(folded: str) -> str:
    """The role a folded label names, or ""."""
    key = ROLE_NUMBER.sub("", folded).strip()
    if key in ROLES:
        return ROLES[key]
    if key in OUTLETS:
        return "Question"
    words = key.split()
    if not words or words[0].rstrip(".") in HONORIFICS:
        return ""
    # "AIDE", "MILITARY AIDE", "WHITE HOUSE OFFICIAL", "FBI OFFICIAL", "AUDIENCE MEMBERS":
    # a kind of participant, described by office words or an agency's initials.
    if words[-1] in ROLE_HEADS and all(w in OFFICE_WORDS or w in ROLE_HEADS or w in EVENT_WORDS or w in AGENCIES or w in _DESCRIBERS for w in words[:-1]):
        return display_label(ROLE_NUMBER.sub("", key))
    return ""


# Words that describe a role without naming anyone ("military aide", "female reporter").
_DESCRIBERS = frozenset(
    """
    military female male young old another second third first other administrive administrative
    congressional campaign pool travelling traveling local foreign american ukrainian russian
    israeli chinese student pentagon navy army marine air coast guard secret service crew
    union the a an
    """.split()
)


# Agencies named by their initials ("FBI OFFICIAL"), printed in capitals in a reader's case too.
AGENCIES = frozenset("fbi cia dhs dod doj nsc omb usaid nasa fema cdc nih epa ice cbp tsa".split())
_AGENCY_WORD = re.compile(r"\b(" + "|".join(AGENCIES) + r"|u\.s\.)(?=\s|$)", re.IGNORECASE)


@lru_cache(maxsize=8192)
def read_label(label: str) -> LabelReading:
    """Classify a printed label into role, office and family name."""
    printed = " ".join(label.rstrip(":").split())
    folded = fold(printed)
    if not folded:
        return LabelReading(label=label)
    role = role_of(folded)
    if role:
        return LabelReading(label=label, role=role)
    # "Ned Price, Department Spokesperson": the name comes before the comma.
    if "," in printed:
        name_part, _, office_part = printed.partition(",")
        return LabelReading(label=label, office=fold(office_part), family=_family_words(name_part), name=name_part.strip())
    words = printed.split()
    honorific = ""
    while words and fold(words[0]).rstrip(".") in COURTESIES:
        word = fold(words.pop(0)).rstrip(".")
        honorific = HONORIFICS.get(word, honorific)
    rest = " ".join(words)
    office = ""
    folded_rest = fold(rest)
    for candidate in OFFICES:
        if folded_rest == candidate or folded_rest.startswith(candidate + " "):
            office = candidate
            office_words = len(candidate.split())
            honorific = display_label(" ".join(words[:office_words]))
            rest = " ".join(words[office_words:])
            break
    return LabelReading(label=label, office=office, family=_family_words(rest), honorific=honorific)


def _family_words(text: str) -> str:
    words = [w for w in text.split() if fold(w).rstrip(".") not in COURTESIES]
    words = [w.strip(",") for w in words if fold(w).rstrip(".,") not in SUFFIXES]
    return " ".join(words)


def label_display_name(reading: LabelReading) -> str:
    """How to show a person known only from a label: "Mr. Fernández Hernández",
    "Prime Minister Modi", "O’Connell" in a reader's case."""
    family = readable(reading.family)
    return " ".join(filter(None, [reading.honorific, family])) or display_label(reading.label)


def display_label(label: str) -> str:
    """A readable form of a label: "SECRETARY OF STATE" -> "Secretary of State",
    "FBI OFFICIAL" -> "FBI Official"."""
    label = " ".join(label.rstrip(":").split())
    if label.isupper() or label.islower():
        return _AGENCY_WORD.sub(lambda m: m.group(1).upper(), readable(label.upper()))
    return label
