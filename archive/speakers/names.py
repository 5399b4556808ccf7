"""A person's name: cleaned of the words around it, compared, and kept in parts.

Names reach the archive from headlines ("Press Briefing by Press Secretary Karine
Jean-Pierre Aboard Air Force One En Route Plains"), bylines, introductions and labels
("MR. FERNÁNDEZ HERNÁNDEZ"). ``clean_name`` keeps only the name; ``name_parts`` splits it
into given, family (with particles and compound parts) and suffix, using what a label says
the family name is; ``name_key`` is what two spellings of one person share.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nameparser import HumanName

from .vocabulary import EVENT_WORDS, OFFICE_WORDS

SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# Honorifics a label puts before a surname; they are never a given name.
HONORIFICS = {
    "mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "miss": "Miss", "dr": "Dr.", "sir": "Sir", "dame": "Dame",
    "madam": "Madam", "madame": "Madame", "prof": "Prof.", "professor": "Professor",
}  # fmt: skip
# Lower-case words that belong to a family name ("de la Cruz", "van der Bellen", "bin Salman").
PARTICLES = {"de", "del", "della", "der", "den", "di", "da", "dos", "das", "du", "la", "le", "van", "von", "bin", "ibn", "al", "el", "y", "ter", "ten"}
_WORD = re.compile(r"[^\W\d_][\w.’'\-]*")


def fold(text: str) -> str:
    """Case- and accent-insensitive form for comparing names and labels."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped.replace("\u2019", "'")).strip().casefold()


def name_key(name: str) -> str:
    """Key under which two spellings of one person's name meet.

    "Antony J. Blinken", "Antony Blinken" and "ANTONY BLINKEN" share "antony blinken":
    initials, suffixes and honorifics are dropped because sources print them inconsistently.
    """
    words = re.findall(r"[\w'-]+\.?", fold(name))
    kept = [
        w.rstrip(".")
        for w in words
        if not (len(w.rstrip(".")) == 1 or w.rstrip(".") in SUFFIXES or w.rstrip(".") in HONORIFICS)
    ]
    return " ".join(kept)


def surname_of(name: str) -> str:
    """The folded last name word: "Joseph R. Biden Jr." -> "biden"."""
    parts = name_key(name).split()
    return parts[-1] if parts else ""


def _bare(word: str) -> str:
    return fold(word).strip(".,;:()\"“”‘’'")


def _is_office(bare: str) -> bool:
    """ "secretary", "president-elect", "secretary-designate", "vice-president"."""
    return bare in OFFICE_WORDS or (
        "-" in bare and all(part in OFFICE_WORDS or part in ("elect", "designate", "general") for part in bare.split("-"))
    )


def is_acronym(word: str) -> bool:
    """ "APNSA", "CEA", "NSC" inside a mixed-case name: an office, not a name."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and not word.endswith(".")


def clean_name(text: str) -> str:
    """The person's name in ``text``, without the offices, places and events around it.

    "Strategic Communications John Kirby" -> "John Kirby"; "Karine Jean-Pierre En Route
    Los Angeles" -> "Karine Jean-Pierre"; "APNSA Jake Sullivan" -> "Jake Sullivan";
    "Sullivan A New Frontier" -> "Sullivan". Returns "" when nothing name-like is left.
    """
    words = text.replace(",", " , ").split()
    mixed = any(any(c.islower() for c in w) for w in words)
    name: list[str] = []
    for word in words:
        bare = _bare(word)
        particle = word.islower() and bare in PARTICLES
        if not name:
            # Before the name: offices, honorifics, acronyms and connectors are skipped.
            if _is_office(bare) or bare in HONORIFICS or (mixed and is_acronym(word)) or bare in EVENT_WORDS:
                continue
            if word == "," or (word.islower() and not particle):
                continue
            name.append(word)
            continue
        # Inside it: a travel, venue, event or office word, an article or a lower-case
        # word ends it ("… Jean-Pierre En Route", "Sullivan A New Frontier").
        ends = (
            bare in EVENT_WORDS
            or (_is_office(bare) and bare not in _SURNAMES_TOO)
            or word in {"A", "An", "The", ","}
            or (mixed and word.islower() and not particle)
        )
        if ends:
            break
        name.append(word)
    return " ".join(w.strip(",") for w in name if w.strip(","))


# Office words that are also family names ("Martin Luther King", "Ed Young").
_SURNAMES_TOO = frozenset("king major justice house prince young bishop judge marshal general chancellor".split())


@dataclass(frozen=True)
class PersonName:
    """A name in the parts a citation needs."""

    given: str = ""
    family: str = ""
    suffix: str = ""
    honorific: str = ""  # only where the given name is unknown: "Mr." of "Mr. Kirby"
    family_first: bool = False  # "Chung Eui-yong": the family name is printed first

    @property
    def full(self) -> str:
        if not self.given:
            return " ".join(filter(None, [self.honorific, self.family, self.suffix]))
        if self.family_first:
            return " ".join(filter(None, [self.family, self.given, self.suffix]))
        return " ".join(filter(None, [self.given, self.family, self.suffix]))


_CASE_CONNECTORS = {"of", "the", "and", "for"}
_JOINERS = re.compile(r"([’'\-])")


def readable(label: str) -> str:
    """A label in a reader's case: "MR. FERNÁNDEZ HERNÁNDEZ" -> "Mr. Fernández Hernández",
    "O’CONNELL" -> "O’Connell", "JEAN-PIERRE" -> "Jean-Pierre", "MCKEON" -> "McKeon",
    "SECRETARY OF STATE" -> "Secretary of State". Text in mixed case is kept as printed.

    "Mac" is left alone: "MACHADO" and "MACKEY" are not "MacHado" and "MacKey".
    """
    text = " ".join(label.strip().rstrip(":").split())
    if any(c.islower() for c in text):
        return text
    words = []
    lowered = text.lower().split()
    for position, word in enumerate(lowered):
        # "of" inside ("Secretary of State"); a particle before a name ("de la Cruz").
        # French "Le" and "La" open a name capitalised ("Le Drian").
        particle = word in PARTICLES and position < len(lowered) - 1 and not (position == 0 and word in ("le", "la"))
        if (position and word in _CASE_CONNECTORS) or particle:
            words.append(word)
            continue
        parts = _JOINERS.split(word)
        out = []
        for i, part in enumerate(parts):
            # A possessive "’s" stays lower case; every other part of a name is capitalised.
            if i and part == "s" and i == len(parts) - 1 and parts[i - 1] in "’'":
                out.append(part)
            else:
                out.append(_capitalised(part))
        words.append("".join(out))
    return " ".join(words)


def _capitalised(part: str) -> str:
    if len(part) > 2 and part.startswith("mc") and part[2].isalpha():
        return "Mc" + part[2].upper() + part[3:]
    for i, ch in enumerate(part):
        if ch.isalpha():
            return part[:i] + ch.upper() + part[i + 1 :]
    return part


def name_parts(name: str, *, family_hint: str = "") -> PersonName:
    """Split a full name ("Antony J. Blinken") into parts.

    ``family_hint`` is the family name a label printed ("CHAVES" of "PRESIDENT CHAVES",
    "LUJAN GRISHAM"): where it stands inside the name, the family name starts there — so
    "Rodrigo Chaves Robles" with "Chaves" has family "Chaves Robles", and "Chung Eui-yong"
    with "Chung" is printed family name first.
    """
    words = [w for w in name.split() if w]
    suffix = ""
    if len(words) > 1 and _bare(words[-1]) in SUFFIXES:
        suffix = words.pop().rstrip(",")
        words[-1] = words[-1].rstrip(",")
    honorific = ""
    while words and _bare(words[0]) in HONORIFICS:
        honorific = HONORIFICS[_bare(words.pop(0))]
    if not words:
        return PersonName(family=name)
    hint = [fold(w) for w in family_hint.split()]
    folded = [fold(w).strip(".,") for w in words]
    if hint:
        for i in range(len(words) - len(hint) + 1):
            if folded[i : i + len(hint)] == hint:
                if i == 0 and len(words) > len(hint):
                    return PersonName(given=" ".join(words[len(hint):]), family=" ".join(words[: len(hint)]),
                                      suffix=suffix, family_first=True)
                if i > 0:
                    return PersonName(given=" ".join(words[:i]), family=" ".join(words[i:]), suffix=suffix)
    if len(words) == 1:
        return PersonName(family=words[0], suffix=suffix, honorific=honorific)
    if honorific:
        # "Mr. Fernández Hernández": known from a label, every word is the family name.
        return PersonName(family=" ".join(words), suffix=suffix, honorific=honorific)
    human = HumanName(" ".join(words))
    family = human.last
    if not family or not " ".join(words).endswith(family):
        family = words[-1]
    given = " ".join(words)[: -len(family)].strip()
    return PersonName(given=given, family=family, suffix=suffix)


def looks_like_name(name: str) -> bool:
    """At least a capitalised word that is not an office or event word."""
    toks = [t for t in name.split() if t]
    return bool(toks) and all(
        (t[0].isupper() or (t.islower() and _bare(t) in PARTICLES)) and _bare(t) not in EVENT_WORDS for t in toks
    )
