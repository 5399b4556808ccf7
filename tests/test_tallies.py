"""The turn tallies behind the speaker and topic pages: counted right after every kind of
change, and read back into the same pages of turns that sorting every turn would give."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.urls import reverse

from archive import tallies
from archive.models import Speaker, SpeakerTally, Topic, TopicTally, Transcript, Turn
from archive.speakers.curation import merge_speakers, split_label
from archive.topics import load_vocabulary
from tests.search_support import add_turns, search_index, speaker, transcript  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# What the pages promise: newest transcript first, undated last, the later stored first on one
# day, each transcript's turns in order.
NEWEST_TRANSCRIPT_FIRST = [F("transcript__date").desc(nulls_last=True), "-transcript_id", "position"]

BRIEFING = (
    "QUESTION:  What about Russia?\n\n"
    "MR. PRICE:  Moscow knows our view.\n\n"
    "QUESTION:  And Ukraine?\n\n"
    "MR. PRICE:  We stand with Ukraine. Kyiv has our support.\n\n"
    "SPOKESPERSON PRICE:  One more thing about Russia.\n"
)


def truth():
    """The tallies as they should be, counted turn by turn in Python from the live turns."""
    speakers, topics = Counter(), Counter()
    for turn in Turn.objects.live().prefetch_related("topics"):
        if turn.speaker_id:
            speakers[(turn.transcript_id, turn.speaker_id)] += 1
        for topic in turn.topics.all():
            topics[(turn.transcript_id, topic.pk, turn.speaker_id)] += 1
    return speakers, topics


def stored():
    speakers = Counter({(t.transcript_id, t.speaker_id): t.turns for t in SpeakerTally.objects.all()})
    topics = Counter()
    for t in TopicTally.objects.all():
        topics[(t.transcript_id, t.topic_id, t.speaker_id)] += t.turns
    return speakers, topics


def assert_tallies_true():
    speakers, topics = truth()
    assert stored() == (speakers, topics)
    assert tallies.differences() == []
    return speakers, topics


def ingest(folder, name, text, **options):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    call_command("ingest", str(path), stdout=StringIO(), stderr=StringIO(), **options)
    return path


@pytest.fixture
def briefing(search_index, tmp_path):
    load_vocabulary()
    path = ingest(tmp_path, "briefing.txt", BRIEFING, title="Department Press Briefing", date="2022-03-01")
    return path


def test_ingest_counts_each_speaker_and_topic_of_a_transcript(briefing):
    speakers, topics = assert_tallies_true()
    price = Speaker.objects.get(name="Ned Price")
    transcript_id = Transcript.objects.get().pk
    # Both of his labels are one person: three turns; the questions are a role with two.
    assert speakers[(transcript_id, price.pk)] == 3
    russia = Topic.objects.get(slug="russia")
    assert sum(n for (t, topic, s), n in topics.items() if topic == russia.pk) == 3


def test_a_corrected_version_recounts_and_leaves_withdrawn_turns_out(briefing):
    corrected = BRIEFING.replace("SPOKESPERSON PRICE:  One more thing about Russia.\n", "")
    ingest(briefing.parent, "briefing.txt", corrected, title="Department Press Briefing", date="2022-03-01")
    assert Turn.objects.filter(position__isnull=True).count() == 1
    speakers, _ = assert_tallies_true()
    assert speakers[(Transcript.objects.get().pk, Speaker.objects.get(name="Ned Price").pk)] == 2


def test_merging_and_splitting_speakers_move_their_tallies(briefing, tmp_path):
    ingest(tmp_path, "other.txt", "MR. NED PRICE:  Russia again.\n", title="Remarks", date="2022-03-02")
    people = list(Speaker.objects.filter(kind=Speaker.Kind.PERSON).order_by("pk"))
    if len(people) > 1:
        merge_speakers(people[0], people[1:])
    assert_tallies_true()
    kept = Speaker.objects.filter(kind=Speaker.Kind.PERSON).get()
    split_label(kept, "SPOKESPERSON PRICE")
    speakers, _ = assert_tallies_true()
    assert len({s for (_t, s) in speakers}) >= 3  # the split label is its own person now


def test_turns_changed_one_at_a_time_are_recounted(briefing):
    turn = Turn.objects.get(position=2)
    turn.speaker = speaker("Someone Else")
    turn.save()
    assert_tallies_true()
    turn.topics.set([Topic.objects.get(slug="ukraine")])
    assert_tallies_true()
    Topic.objects.get(slug="ukraine").turns.clear()
    assert_tallies_true()
    Turn.objects.get(position=1).delete()
    assert_tallies_true()
    stored = Transcript.objects.get()
    stored.date = datetime.date(2021, 12, 31)
    stored.save()
    assert set(SpeakerTally.objects.values_list("day", flat=True)) == {datetime.date(2021, 12, 31)}
    assert_tallies_true()


def test_deleting_a_speaker_a_topic_or_a_transcript_leaves_true_tallies(briefing):
    Speaker.objects.get(name="Ned Price").delete()
    assert_tallies_true()
    Topic.objects.get(slug="russia").delete()
    assert_tallies_true()
    Transcript.objects.get().delete()
    assert stored() == (Counter(), Counter())


def test_retagging_recounts_the_topics(briefing):
    russia = Topic.objects.get(slug="russia")
    russia.aliases += "\nour view"
    russia.save()
    call_command("retag_topics", stdout=StringIO())
    _, topics = assert_tallies_true()
    assert sum(n for (_t, topic, _s), n in topics.items() if topic == russia.pk) == 3  # unchanged: same turns
    Topic.objects.filter(pk=russia.pk).update(aliases="nothing like it")
    call_command("retag_topics", "--no-index", stdout=StringIO())
    _, topics = assert_tallies_true()
    # "Moscow" no longer means Russia: only the turns that name it are left.
    assert sum(n for (_t, topic, _s), n in topics.items() if topic == russia.pk) == 2


def test_check_search_index_finds_and_repairs_wrong_tallies(briefing):
    SpeakerTally.objects.update(turns=F("turns") + 1)
    with pytest.raises(CommandError, match="tallies differ"):
        call_command("check_search_index", stdout=StringIO())
    out = StringIO()
    call_command("check_search_index", "--repair", stdout=out)
    assert "Repaired: recounted 1 transcripts." in out.getvalue()
    assert_tallies_true()


# -- reading ----------------------------------------------------------------------------------


@pytest.fixture
def many_transcripts():
    """One speaker in transcripts of uneven length and date, some undated, two on one day."""
    blinken = speaker("Antony J. Blinken")
    other = speaker("Ned Price")
    dates = [datetime.date(2022, 1, 9), None, datetime.date(2021, 5, 1), datetime.date(2022, 1, 9),
             datetime.date(2023, 7, 4), None, datetime.date(2020, 2, 29)]
    lengths = [5, 7, 20, 3, 26, 2, 13]
    for number, (date, length) in enumerate(zip(dates, lengths)):
        stored = transcript(f"Transcript {number}", date)
        add_turns(stored, *[(blinken if i % 3 else other, f"Turn {i} of {number}.") for i in range(length)])
    return blinken


def test_every_page_of_a_speaker_holds_the_turns_sorting_them_all_would_give(many_transcripts):
    everything = list(
        Turn.objects.by_speaker(many_transcripts).order_by(*NEWEST_TRANSCRIPT_FIRST)
    )
    listed = tallies.TurnsInTranscriptOrder(
        tallies.speaker_transcripts(many_transcripts), Turn.objects.by_speaker(many_transcripts),
    )
    assert listed.count() == len(everything) == 48
    for size in (1, 4, 20):
        for start in range(0, len(everything) + size, size):
            assert listed[start : start + size] == everything[start : start + size], (size, start)


def test_the_speaker_page_counts_from_tallies_and_links_every_transcript(client, many_transcripts, monkeypatch):
    monkeypatch.setattr("archive.views.RECENT_TRANSCRIPTS", 3)
    response = client.get(many_transcripts.get_absolute_url())
    body = response.content.decode()
    assert "48 turns in 7 transcripts." in body
    # The latest three, newest first (the later stored first on one day), with the speaker's turns.
    assert [(t.title, t.speaker_turns) for t in response.context["transcripts"]] == [
        ("Transcript 4", 17), ("Transcript 3", 2), ("Transcript 0", 3)
    ]
    link = f"{reverse('transcript_list')}?speaker={many_transcripts.slug}"
    assert f'<a href="{link}">All 7 transcripts where Antony J. Blinken speaks</a>' in body
    listed = client.get(link)
    assert listed.context["page_obj"].paginator.count == 7
    assert [(t.title, t.speaker_turns) for t in listed.context["transcripts"]][-2:] == [
        ("Transcript 5", 1), ("Transcript 1", 4)
    ]
    assert "2 turns, 1 by Antony J. Blinken" in listed.content.decode()
    # The chart's months add up to every dated turn, the undated apart.
    assert response.context["chart"] is not None
    months, undated = tallies.by_month(tallies.speaker_transcripts(many_transcripts))
    assert months == {"2023-07": 17, "2022-01": 5, "2021-05": 13, "2020-02": 8} and undated == 5
    last = client.get(many_transcripts.get_absolute_url(), {"page": 3})
    assert [turn.pk for turn in last.context["turns"]] == [
        t.pk for t in Turn.objects.by_speaker(many_transcripts).order_by(*NEWEST_TRANSCRIPT_FIRST)
    ][40:]
    assert client.get(many_transcripts.get_absolute_url(), {"page": 4}).status_code == 404


def test_a_topic_page_pages_and_counts_like_sorting_every_turn(client, search_index):
    load_vocabulary()
    blinken, price = speaker("Antony J. Blinken"), speaker("Ned Price")
    for number, date in enumerate([datetime.date(2022, 1, 9), None, datetime.date(2021, 5, 1)]):
        stored = transcript(f"Transcript {number}", date)
        turns = add_turns(stored, *[(blinken if i % 2 else price, f"Russia, turn {i}.") for i in range(9 + number * 7)])
        turns[0].topics.set([Topic.objects.get(slug="russia")])  # one at a time, by the relation
        from archive.topics import tag_turns

        tag_turns(turns)
        tallies.recount([stored.pk])  # as ingest does after tagging
    russia = Topic.objects.get(slug="russia")
    response = client.get(russia.get_absolute_url())
    people = {row["speaker__name"]: row["count"] for row in response.context["people"]}
    assert people == {"Antony J. Blinken": 4 + 8 + 11, "Ned Price": 5 + 8 + 12}
    everything = list(
        Turn.objects.live().filter(topics=russia).order_by(*NEWEST_TRANSCRIPT_FIRST)
    )
    assert len(everything) == 48
    shown = [item["turn"].pk for item in response.context["items"]]
    shown += [item["turn"].pk for item in client.get(russia.get_absolute_url(), {"page": 2}).context["items"]]
    shown += [item["turn"].pk for item in client.get(russia.get_absolute_url(), {"page": 3}).context["items"]]
    assert shown == [t.pk for t in everything]
