"""Rows for the citation, sharing and feed tests, made directly with the ORM."""

import datetime

from archive.models import Speaker, Topic, Transcript, Turn

SOVIET_QUESTION = (
    "Right.  Beyond this military buildup on the Ukraine border, Russian-led troops are now intervening "
    "in violent protests in Kazakhstan.  Former Defense Secretary Leon Panetta said a few years ago that "
    "what he believes drives Putin is a desire to restore the old Soviet Union.  Do you agree?"
)
SOVIET_ANSWER = (
    "I think that’s right.  I think that’s one of President Putin’s objectives, and it is to re-exert a "
    "sphere of influence over countries that previously were part of the Soviet Union.  And as we’ve said, "
    "that’s unacceptable.\n\nWe can’t go back to a world of spheres of influence.  That was a recipe for "
    "instability, a recipe for conflict, a recipe that led to world wars.  We’re not going back to that."
)


def person(name, slug, title=""):
    return Speaker.objects.create(name=name, slug=slug, title=title, kind=Speaker.Kind.PERSON)


def role(name, slug):
    return Speaker.objects.create(name=name, slug=slug, kind=Speaker.Kind.ROLE)


def interview(**overrides):
    """The seed interview with every field the archive can know filled in.

    Returns ``(transcript, question, answer)`` for the Soviet Union answer.
    """
    fields = dict(
        title="Secretary Antony J. Blinken With Jake Tapper of CNN’s State of the Union",
        slug="2022-01-09-blinken-tapper-cnn",
        date=datetime.date(2022, 1, 9),
        kind=Transcript.Kind.INTERVIEW,
        location="Washington, D.C.",
        source_name="U.S. Department of State",
        source_url="https://www.state.gov/secretary-antony-j-blinken-with-jake-tapper-of-cnns-state-of-the-union/",
        outlet="CNN",
        program="State of the Union",
        raw_text="(raw)",
        content_hash="0" * 64,
        source_key="url:www.state.gov/blinken-tapper",
    )
    fields.update(overrides)
    transcript = Transcript.objects.create(**fields)
    blinken = Speaker.objects.filter(slug="antony-j-blinken").first() or person(
        "Antony J. Blinken", "antony-j-blinken", "Secretary of State"
    )
    tapper = Speaker.objects.filter(slug="jake-tapper").first() or person("Jake Tapper", "jake-tapper")
    first_q = Turn.objects.create(
        transcript=transcript, position=1, number=1, speaker=tapper, speaker_label="QUESTION",
        text="Hello.  I’m Jake Tapper in Washington.  Are either of those on the negotiating table?",
    )
    Turn.objects.create(
        transcript=transcript, position=2, number=2, speaker=blinken, speaker_label="SECRETARY BLINKEN",
        text="Neither of those is on the table, Jake, but here’s where we are.", answers=first_q,
    )
    question = Turn.objects.create(
        transcript=transcript, position=3, number=3, speaker=tapper, speaker_label="QUESTION", text=SOVIET_QUESTION
    )
    answer = Turn.objects.create(
        transcript=transcript, position=4, number=4, speaker=blinken, speaker_label="SECRETARY BLINKEN",
        text=SOVIET_ANSWER, answers=question,
    )
    return transcript, question, answer


def bare_transcript(**overrides):
    """A transcript that knows almost nothing: no date, source, outlet or resolved speaker."""
    fields = dict(
        title="Background Press Call",
        slug="background-press-call",
        date=None,
        kind=Transcript.Kind.OTHER,
        raw_text="(raw)",
        content_hash="1" * 64,
        source_key="title:undated:background-press-call",
    )
    fields.update(overrides)
    transcript = Transcript.objects.create(**fields)
    turn = Turn.objects.create(
        transcript=transcript, position=1, number=1, speaker=None, speaker_label="",
        text="We are not going to get ahead of the President on this.",
    )
    return transcript, turn


def topic(name="Russia", slug="russia", kind=Topic.Kind.COUNTRY):
    return Topic.objects.create(name=name, slug=slug, kind=kind, aliases="Russian\nMoscow")

