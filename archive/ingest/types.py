"""Plain data that the parser produces and the loader consumes.

No Django imports here: the parser and these types are testable without a database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

KINDS = ("interview", "press-briefing", "press-availability", "remarks", "other")


@dataclass
class Person:
    """Who the text says someone is: "Secretary of State Antony Blinken"."""

    name: str
    title: str = ""


@dataclass
class ParsedTurn:
    """One speaker's uninterrupted contribution, as printed.

    ``paragraphs`` keep the notes where they were printed ("(Laughter.)" mid-paragraph);
    ``notes`` lists those same notes in order so they can be shown or dropped separately.
    """

    speaker_label: str
    paragraphs: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class ParsedTranscript:
    title: str = ""
    date: datetime.date | None = None
    location: str = ""
    venue: str = ""
    kind: str = "other"
    source_url: str = ""
    source_name: str = ""
    # Where an interview was broadcast; rarely in the text, usually given at ingest.
    outlet: str = ""
    program: str = ""
    turns: list[ParsedTurn] = field(default_factory=list)
    # Named people from the header block ("Marco Rubio, Secretary of State").
    participants: list[Person] = field(default_factory=list)
    # Label as printed -> who the text says is behind it ("QUESTION" -> Jake Tapper, because
    # he introduces himself; "SECRETARY BLINKEN" -> Antony Blinken, Secretary of State).
    speakers: dict[str, Person] = field(default_factory=dict)
    # Full names the text mentions for labels that print only a surname ("MR. HAMILL" and
    # "… Mark Hamill has decided to join us"): weaker evidence than ``speakers``, used after
    # the officeholder list.
    mentions: dict[str, Person] = field(default_factory=dict)
    # Things a person running ingest should hear about but that do not stop it.
    warnings: list[str] = field(default_factory=list)


class TranscriptError(ValueError):
    """Input that cannot become a transcript; the message names the reason."""
