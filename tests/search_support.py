"""Helpers for the search and topic tests: a temporary index and a small archive."""

import datetime
import itertools
from pathlib import Path

import pytest
from django.conf import settings

from archive.models import Speaker, Transcript, Turn

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"
SEED = FIXTURES / "state-2022-01-09-blinken-cnn-sotu.txt"
_counter = itertools.count(1)


@pytest.fixture
def search_index(settings, tmp_path):
    """Point haystack at an empty index in a temporary directory for one test."""
    from haystack import connections

    from archive.search.store import forget_searchers

    original = connections.connections_info
    settings.HAYSTACK_CONNECTIONS = {
        "default": {**original["default"], "PATH": str(tmp_path / "whoosh_index")},
    }
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")
    forget_searchers()
    yield tmp_path / "whoosh_index"
    forget_searchers()
    connections.connections_info = original
    connections.reload("default")


def speaker(name, slug=None, kind=Speaker.Kind.PERSON):
    from django.utils.text import slugify

    return Speaker.objects.get_or_create(slug=slug or slugify(name), defaults={"name": name, "kind": kind})[0]


def transcript(title="A transcript", date=datetime.date(2022, 1, 9), kind=Transcript.Kind.INTERVIEW, slug=None):
    n = next(_counter)
    return Transcript.objects.create(
        title=title,
        slug=slug or f"transcript-{n}",
        date=date,
        kind=kind,
        raw_text="(raw)",
        content_hash=f"{n:064d}",
        source_key=f"test:{n}",
    )


def add_turns(transcript, *turns):
    """Create turns in order: each is (speaker or None, text) or (speaker, text, notes)."""
    created = []
    start = transcript.turns.count()
    for offset, spec in enumerate(turns, start=1):
        who, text, *rest = spec
        notes = rest[0] if rest else []
        created.append(
            Turn.objects.create(
                transcript=transcript,
                position=start + offset,
                number=start + offset,
                speaker=who,
                speaker_label=(who.name.upper() if who else "QUESTION"),
                text=text,
                notes=notes,
            )
        )
    return created


def load_seed():
    """The seed transcript through the real ingest command; returns the Transcript.

    Needs the ``search_index`` fixture: ingest updates the index.
    """
    from io import StringIO

    from django.core.management import call_command

    call_command("ingest", str(SEED), stdout=StringIO(), stderr=StringIO())
    return Transcript.objects.get()
