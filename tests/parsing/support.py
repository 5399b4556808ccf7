"""Helpers shared by the parser tests: sample files, the site banner, label lists."""

from __future__ import annotations

from pathlib import Path

from archive.ingest.parsing import parse
from archive.ingest.types import ParsedTranscript

# Longer than any input here may take on the slowest, busiest machine, far shorter than a
# catastrophic backtrack.
HANG_SECONDS = 20
SAMPLES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "transcripts"
NBSP = "\u00a0"

BANNER = (
    "An official website of the United States Government Here's how you know\n\n"
    "Official websites use .gov\n\n"
    "A .gov website belongs to an official government organization in the United States.\n\n"
    "Secure .gov websites use HTTPS\n\n"
    "A lock ( ) or https:// means you’ve safely connected to the .gov website. "
    "Share sensitive information only on official, secure websites.\n\n"
)


def sample(name: str) -> ParsedTranscript:
    return parse((SAMPLES / name).read_text(encoding="utf-8"), filename=name)


def labels(parsed: ParsedTranscript) -> list[str]:
    return [turn.speaker_label for turn in parsed.turns]


def expand(code: str, legend: dict[str, str]) -> list[str]:
    """ "Q B Q" -> ["QUESTION", "SECRETARY BLINKEN", "QUESTION"]."""
    return [legend[c] for c in code.split()]


def all_text(parsed: ParsedTranscript) -> str:
    return "\n".join(turn.text for turn in parsed.turns)
