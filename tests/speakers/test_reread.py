"""manage.py reread: an archive built with older rules takes today's speakers and turns."""

from io import StringIO

import pytest
from django.core.management import call_command

from archive.ingest.loader import load_transcript
from archive.ingest.parsing import parse
from archive.ingest.types import ParsedTranscript, ParsedTurn
from archive.models import Speaker, Transcript, Turn

pytestmark = pytest.mark.django_db

TEXT = (
    "Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for Strategic Communications John Kirby\n"
    "June 7, 2023\n\n"
    "James S. Brady Press Briefing Room\n\n"
    "MS. JEAN-PIERRE:  Good afternoon.\n\nMR. KIRBY:  Thanks, Karine.\n\nQ  John, a question.\n\nMR. KIRBY:  Sure.\n"
)


def stored_as_older_rules_left_it():
    """The transcript as an earlier version stored it: the venue line as a first turn, and
    Kirby as a speaker named with the words around him in the headline."""
    parsed = parse(TEXT)
    old = ParsedTranscript(
        title=parsed.title, date=parsed.date, kind=parsed.kind,
        turns=[ParsedTurn("", ["James S. Brady Press Briefing Room"]), *parsed.turns],
    )  # fmt: skip
    transcript = load_transcript(old, TEXT).transcript
    wrong = Speaker.objects.create(name="Strategic Communications John Kirby", slug="strategic-communications-john-kirby")
    transcript.turns.filter(speaker_label="MR. KIRBY").update(speaker=wrong)
    return transcript


def test_reread_gives_the_turns_todays_speakers_and_boundaries_and_keeps_their_numbers():
    transcript = stored_as_older_rules_left_it()
    numbers = dict(transcript.turns.live().exclude(speaker_label="").values_list("text", "number"))
    out = StringIO()
    call_command("reread", stdout=out)
    assert "retired “Strategic Communications John Kirby” → “John Kirby”" in out.getvalue()

    live = list(Transcript.objects.get().turns.live().order_by("position"))
    assert [(t.speaker_label, t.speaker.name) for t in live] == [
        ("MS. JEAN-PIERRE", "Karine Jean-Pierre"), ("MR. KIRBY", "John Kirby"), ("Q", "Question"), ("MR. KIRBY", "John Kirby"),
    ]
    # The header turn is withdrawn; every other turn kept its address.
    assert {t.text: t.number for t in live} == numbers
    assert Turn.objects.filter(withdrawn__isnull=False, text="James S. Brady Press Briefing Room").count() == 1
    assert Transcript.objects.get().venue == "James S. Brady Press Briefing Room"


def test_a_retired_speakers_page_leads_to_the_speaker_who_took_its_turns(client):
    stored_as_older_rules_left_it()
    call_command("reread", stdout=StringIO())
    response = client.get("/speakers/strategic-communications-john-kirby/")
    assert (response.status_code, response["Location"]) == (301, "/speakers/john-kirby/")


def test_reread_twice_changes_nothing_the_second_time_and_a_dry_run_writes_nothing():
    stored_as_older_rules_left_it()
    out = StringIO()
    call_command("reread", "--dry-run", stdout=out)
    assert "would change 1, 2 turns to another speaker, 1 speakers retired" in out.getvalue()
    assert Speaker.objects.filter(name="Strategic Communications John Kirby").exists()
    call_command("reread", stdout=StringIO())
    out = StringIO()
    call_command("reread", stdout=out)
    assert "changed 0, 0 turns to another speaker, 0 speakers retired" in out.getvalue()
