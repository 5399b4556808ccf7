"""The officeholders in ``archive/data/officeholders.yaml``, with their terms.

They settle what a label alone cannot: "THE PRESIDENT" on a given day, "MR. KIRBY" in 2023,
"DR. FAUCI", "Tony Blinken" — and they give a name's parts where splitting it would be a
guess ("Michelle Lujan Grisham", "Joseph R. Biden Jr.").
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .labels import OFFICE_ALIASES, LabelReading
from .names import PersonName, fold, name_key, name_parts, surname_of

OFFICEHOLDERS_FILE = Path(__file__).resolve().parent.parent / "data" / "officeholders.yaml"


@dataclass(frozen=True)
class Officeholder:
    name: str
    office: str
    title: str
    start: datetime.date
    end: datetime.date | None
    aliases: tuple[str, ...] = ()
    parts: PersonName = field(default_factory=PersonName)

    def served_on(self, day: datetime.date | None) -> bool:
        if day is None:
            return False
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def surnames(self) -> set[str]:
        """Folded last words the person may be labelled by: "biden"; "grisham" and "lujan"."""
        found = {surname_of(self.name)}
        found.update(fold(w) for w in self.parts.family.split())
        return {s for s in found if s}


@lru_cache(maxsize=1)
def officeholders() -> tuple[Officeholder, ...]:
    with open(OFFICEHOLDERS_FILE, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle) or []
    holders = []
    for row in rows:
        if "given" in row or "family" in row or "suffix" in row:
            parts = PersonName(given=row.get("given", ""), family=row.get("family", ""), suffix=row.get("suffix", ""))
        else:
            parts = name_parts(row["name"])
        holders.append(
            Officeholder(
                name=row["name"], office=row["office"], title=row["title"], start=row["start"], end=row.get("end"),
                aliases=tuple(row.get("aliases") or ()), parts=parts,
            )
        )
    return tuple(holders)


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Officeholder]:
    found: dict[str, Officeholder] = {}
    for holder in officeholders():
        for name in (holder.name, *holder.aliases):
            found.setdefault(name_key(name), holder)
    return found


@lru_cache(maxsize=1)
def _by_surname() -> dict[str, list[Officeholder]]:
    found: dict[str, list[Officeholder]] = defaultdict(list)
    for holder in officeholders():
        for surname in holder.surnames:
            found[surname].append(holder)
    return found


def holder_named(name: str) -> Officeholder | None:
    """The listed person a full name or nickname means: "Tony Blinken" -> Antony J. Blinken."""
    return _by_key().get(name_key(name))


def _office_matches(holder: Officeholder, office: str) -> bool:
    if not office:
        return True
    alias = OFFICE_ALIASES.get(office)
    if alias and holder.office == alias:
        return True
    return office in fold(holder.title) or office == fold(holder.office)


def officeholder_for(reading: LabelReading, day: datetime.date | None) -> Officeholder | None:
    """The officeholder a label most likely means, or None when it cannot be told.

    A surname alone is matched against everyone listed (preferring whoever served on the
    day); an office alone needs the day, since "THE PRESIDENT" changes every few years.
    """
    if reading.is_role:
        return None
    if reading.surname:
        matches = _by_surname().get(reading.surname, [])
        family = fold(reading.family).replace(".", "")
        if len(family.split()) > 1:
            # "MS. LINKE YOUNG" is not Shalanda Young: a family name of several words must be
            # the listed person's whole family name.
            matches = [h for h in matches if fold(h.parts.family) == family or fold(h.name).endswith(" " + family)]
        if reading.office:
            # "AMBASSADOR RICE" is not Condoleezza Rice, Secretary of State: a label's office
            # must be one the person held, unless they held another office on the day.
            in_office = [h for h in matches if _office_matches(h, reading.office)]
            matches = in_office or [h for h in matches if h.served_on(day)]
        serving = [h for h in matches if h.served_on(day)]
        if len({name_key(h.name) for h in serving}) == 1:
            return _prefer_office(serving, reading.office)
        distinct = {name_key(h.name) for h in matches}
        # Off the dates we know, a bare surname ("MR. PRICE") could be anyone of that name;
        # an office beside it ("SECRETARY BLINKEN") still points at the listed person.
        if day is not None and not reading.office:
            return None
        if len(distinct) == 1:
            return _prefer_office(matches, reading.office)
        return None
    if reading.office:
        alias = OFFICE_ALIASES.get(reading.office, "")
        serving = [h for h in officeholders() if alias and h.office == alias and h.served_on(day)]
        if len(serving) == 1:
            return serving[0]
    return None


def _prefer_office(holders: list[Officeholder], office: str) -> Officeholder:
    """One person in several rows: the row of the office the label names, else the first."""
    return next((h for h in holders if office and _office_matches(h, office)), holders[0])


def serving_on(name: str, day: datetime.date | None) -> Officeholder | None:
    """The row of a listed person for the office they held on ``day`` (for their title)."""
    key = name_key(name)
    rows = [h for h in officeholders() if name_key(h.name) == key]
    return next((h for h in rows if h.served_on(day)), None)


def held_office(name: str, office: str) -> bool:
    """Whether a listed person ever held the office a label names ("AMBASSADOR RICE": Susan
    Rice was ambassador to the UN before she advised on domestic policy)."""
    key = name_key(name)
    return any(_office_matches(h, office) for h in officeholders() if name_key(h.name) == key)
