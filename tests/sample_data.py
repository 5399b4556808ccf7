"""A small archive built with the ORM, shared by the page, API and admin tests.

One interview with questions and answers (one answer carries a note and hostile HTML, one
was corrected, one turn was withdrawn), plus an undated set of remarks.
"""

import datetime

from django.utils import timezone

from archive import tallies
from archive.models import SlugRedirect, Speaker, SpeakerLabel, Topic, Transcript, Turn, TurnRevision

HOSTILE = "<script>alert(1)</script>"


def build_archive(test_class):
    """Create the rows and keep handles on ``test_class`` (call from setUpTestData)."""
    cls = test_class
    cls.blinken = Speaker.objects.create(
        name="Antony J. Blinken", slug="antony-j-blinken", title="Secretary of State", kind=Speaker.Kind.PERSON,
        given_name="Antony J.", family_name="Blinken",
    )
    SpeakerLabel.objects.create(speaker=cls.blinken, label="SECRETARY BLINKEN")
    cls.price = Speaker.objects.create(
        name="Ned Price", slug="ned-price", title="Department Spokesperson", kind=Speaker.Kind.PERSON
    )
    cls.question = Speaker.objects.create(name="Question", slug="question", kind=Speaker.Kind.ROLE)
    SpeakerLabel.objects.create(speaker=cls.question, label="QUESTION")
    # The topic vocabulary may already be loaded by a data migration.
    cls.topic, _ = Topic.objects.get_or_create(
        slug="ukraine", defaults={"name": "Ukraine", "kind": Topic.Kind.COUNTRY, "aliases": "Ukrainian"}
    )

    cls.interview = Transcript.objects.create(
        title="Secretary Blinken with Jake Tapper of CNN's State of the Union",
        slug="blinken-cnn-state-of-the-union",
        date=datetime.date(2022, 1, 9),
        kind=Transcript.Kind.INTERVIEW,
        location="Washington, D.C.",
        venue="Studio",
        source_name="U.S. Department of State",
        source_url="https://www.state.gov/secretary-blinken-with-jake-tapper/",
        outlet="CNN",
        program="State of the Union",
        raw_text="(raw)",
        content_hash="0" * 64,
        source_key="https://www.state.gov/secretary-blinken-with-jake-tapper/",
    )
    turn = Turn.objects.create
    cls.q1 = turn(
        transcript=cls.interview, position=1, number=1, speaker=cls.question, speaker_label="QUESTION",
        text="Are either of those on the negotiating table?",
    )
    cls.a1 = turn(
        transcript=cls.interview, position=2, number=2, speaker=cls.blinken, speaker_label="SECRETARY BLINKEN",
        text=f"Neither of those is on the table, Jake. (Laughter.) Not now.\n\nSomeone typed {HOSTILE} here.",
        notes=["(Laughter.)"], answers=cls.q1,
    )
    cls.q2 = turn(
        transcript=cls.interview, position=3, number=3, speaker=cls.question, speaker_label="QUESTION",
        text="And what about sanctions?",
    )
    # Number 4 was given at first ingest; a corrected version dropped that turn.
    cls.withdrawn = turn(
        transcript=cls.interview, position=None, number=4, speaker=cls.blinken, speaker_label="SECRETARY BLINKEN",
        text="Words that a correction removed.", withdrawn=timezone.now(),
    )
    cls.a2 = turn(
        transcript=cls.interview, position=4, number=5, speaker=cls.blinken, speaker_label="SECRETARY BLINKEN",
        text="Massive consequences.", answers=cls.q2,
    )
    cls.a2.topics.add(cls.topic)
    cls.revision = TurnRevision.objects.create(turn=cls.a2, speaker_label="SECRETARY BLINKEN", text="Massive sanctions.")
    TurnRevision.objects.filter(pk=cls.revision.pk).update(
        replaced=datetime.datetime(2022, 1, 12, 15, 0, tzinfo=datetime.timezone.utc)
    )
    SlugRedirect.objects.create(old_slug="blinken-tapper-cnn", transcript=cls.interview)

    cls.remarks = Transcript.objects.create(
        title="Remarks to the Press",
        slug="remarks-to-the-press",
        date=None,
        kind=Transcript.Kind.REMARKS,
        raw_text="(raw)",
        content_hash="1" * 64,
        source_key="remarks-to-the-press",
    )
    cls.r1 = turn(
        transcript=cls.remarks, position=1, number=1, speaker=cls.price, speaker_label="MR. PRICE",
        text="Good afternoon.",
    )
    # A label ingest could not resolve to a speaker.
    cls.r2 = turn(
        transcript=cls.remarks, position=2, number=2, speaker=None, speaker_label="PARTICIPANT", text="Thank you.",
    )


def add_turns(transcript, count, speaker):
    """Append ``count`` live turns to ``transcript``; used to show query counts stay fixed."""
    last = transcript.turns.order_by("-number").values_list("number", flat=True).first() or 0
    last_position = transcript.turns.live().order_by("-position").values_list("position", flat=True).first() or 0
    Turn.objects.bulk_create(
        Turn(
            transcript=transcript, position=last_position + i, number=last + i, speaker=speaker,
            speaker_label=speaker.name.upper(), text=f"Extra turn {i}.",
        )
        for i in range(1, count + 1)
    )
    # Written in bulk, as ingest writes them: the tallies are counted as ingest counts them.
    tallies.recount([transcript.pk])
