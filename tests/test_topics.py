"""Topics: the vocabulary, tagging at ingest and afterwards, and the topic pages."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import tallies
from archive.models import Topic, Turn
from archive.search.service import SearchParams, search
from archive.topics import Vocabulary, load_vocabulary, tag_turns, vocabulary_entries
from tests.search_support import add_turns, load_seed, search_index, speaker, transcript  # noqa: F401 (fixture)

ROWS = [
    (1, "Russia", "country", "Russian\nRussians\nMoscow\nKremlin\nPutin"),
    (2, "Ukraine", "country", "Ukrainian\nKyiv\nKiev"),
    (3, "NATO", "organisation", "North Atlantic Treaty Organization"),
    (4, "Sanctions", "theme", "sanction*\nmassive consequences"),
    (5, "Human rights", "theme", "human right*"),
    (6, "Turkey", "country", "Turkish\nTürkiye"),
    (7, "South Korea", "country", "Korea\nSeoul"),
    (8, "North Korea", "country", "DPRK\nPyongyang"),
    (9, "Mexico", "country", "Mexican"),
    (10, "United Nations", "organisation", "UN\nU.N."),
    (11, "United States", "country", "U.S.\nUSA"),
    (12, "Cote d'Ivoire", "country", "Ivory Coast"),
]
NAMES = {row[0]: row[1] for row in ROWS}


def tags(text, ignored=("New Mexico",)):
    return {NAMES[i] for i in Vocabulary(ROWS, ignored).topics_in(text)}


def about(text, headline=frozenset()):
    """The topics a turn saying ``text`` is tagged with, in order of strength."""
    return [NAMES[i] for i in Vocabulary(ROWS).about(text, headline)]


FILLER = "We have worked on this for a long time with partners around the world, and we will keep at it. "  # 20 words


# -- what a turn is about ---------------------------------------------------------------------


def test_a_word_said_once_in_passing_does_not_tag_the_answer():
    answer = FILLER * 3 + "As I told my Russian counterpart, " + FILLER * 2
    assert Vocabulary(ROWS).topics_in(answer) == {1}
    assert about(answer) == []


def test_an_answer_about_a_topic_is_tagged_with_it():
    answer = (
        "Ukraine will get what it needs. " + FILLER * 2 + "The people of Ukraine are defending their country, "
        "and Kyiv has our support. " + FILLER + "As I told my Russian counterpart, " + FILLER
    )
    assert about(answer) == ["Ukraine"]


def test_a_short_answer_is_about_what_it_names():
    assert about("Is the sanctions package dead?") == ["Sanctions"]


def test_a_long_speech_needs_more_mentions():
    speech = (FILLER * 10 + "Sanctions on Russia work. ") * 4  # about 830 words
    assert about(speech) == ["Sanctions", "Russia"]
    assert about(speech.replace("Sanctions on Russia work.", "Sanctions work.", 2)) == ["Sanctions"]


def test_the_headline_lowers_the_bar_by_one_mention():
    answer = FILLER * 3 + "As I told my Russian counterpart, " + FILLER * 2
    assert about(answer, headline={1}) == ["Russia"]


def test_at_most_five_tags_the_most_mentioned_first():
    answer = (
        "Russia, Russia, Ukraine and Ukraine; NATO, NATO, NATO; Turkey, Mexico, the U.N. and the U.S.; "
        "Korea and sanctions."
    )
    assert about(answer) == ["NATO", "Russia", "Ukraine", "Turkey", "Mexico"]


# -- the vocabulary ---------------------------------------------------------------------------


def test_common_names_adjectives_demonyms_and_capitals():
    assert tags("The Russian delegation met in Geneva.") == {"Russia"}
    assert tags("Talks with Kyiv and with the Kremlin") == {"Ukraine", "Russia"}
    assert tags("President Putin’s choice") == {"Russia"}


def test_case_rules_keep_ordinary_words_out():
    assert tags("We had turkey for dinner; the un-American thing.") == set()
    assert tags("Turkey and Türkiye") == {"Turkey"}
    assert tags("NATO's eastern flank") == {"NATO"} == tags("Nato allies")
    assert tags("the UN and the U.N. Security Council") == {"United Nations"}
    assert tags("let us go") == set() and tags("the U.S. position") == {"United States"}


def test_wildcards_phrases_hyphens_longest_match_and_ignored_phrases():
    assert tags("they were sanctioned") == {"Sanctions"}
    assert tags("massive consequences for aggression") == {"Sanctions"}
    assert tags("human-rights defenders") == {"Human rights"}
    assert tags("North Korea fired a missile") == {"North Korea"}
    assert tags("Korea and Japan") == {"South Korea"}
    assert tags("a visit to New Mexico") == set()
    assert tags("Côte d’Ivoire and Ivory Coast") == {"Cote d'Ivoire"}


def test_the_shipped_vocabulary_loads_and_is_sound():
    entries = vocabulary_entries()
    kinds = {e["kind"] for e in entries}
    assert kinds == {"country", "organisation", "theme"}
    slugs = [e["slug"] for e in entries]
    assert len(slugs) == len(set(slugs))
    names = {e["name"] for e in entries}
    assert {"Russia", "Ukraine", "Kazakhstan", "NATO", "OSCE", "European Union", "United Nations", "G7"} <= names
    assert {"Sanctions", "Human rights", "Nuclear weapons", "Climate", "Trade"} <= names


def shipped_about(text):
    entries = vocabulary_entries()
    rows = [(n, e["name"], e["kind"], "\n".join(e["aliases"])) for n, e in enumerate(entries, 1)]
    return [entries[i - 1]["name"] for i in Vocabulary(rows).about(text)]


def test_the_shipped_vocabulary_knows_how_briefings_speak_of_borders_and_diseases():
    # From answers checked by hand: a long answer on "securing the border" and Border Patrol
    # agents is about migration; one on PEPFAR and HIV/AIDS is about health.
    border = ("We need the authorities to secure the border. " + FILLER + "The bill adds 1,300 Border Patrol agents. "
              + FILLER + "It gives a president a new authority for securing our border. " + FILLER)
    assert shipped_about(border) == ["Migration"]
    aids = ("Tomorrow is World AIDS Day. " + FILLER + "PEPFAR has saved 25 million lives. " + FILLER
            + "We mean to end HIV as a public health threat by 2030. " + FILLER)
    assert shipped_about(aids) == ["Health"]
    # Lower case "aids" is a verb, not the disease.
    assert shipped_about("This aids our partners. " * 3 + FILLER * 3) == []


# -- tagging in the database ------------------------------------------------------------------


@pytest.mark.django_db
def test_load_topics_is_idempotent_and_keeps_staff_aliases():
    out = StringIO()
    call_command("load_topics", stdout=out)
    count = Topic.objects.count()
    assert count == len(vocabulary_entries())
    russia = Topic.objects.get(slug="russia")
    russia.aliases += "\nRossiya"
    russia.save()
    assert load_vocabulary() == (0, 0)
    assert Topic.objects.count() == count
    assert "Rossiya" in Topic.objects.get(slug="russia").alias_list()


@pytest.mark.django_db
def test_seed_answers_are_tagged(search_index):
    seed = load_seed()
    tag_turns(seed.turns.all())
    turns = seed.turns.live().prefetch_related("topics")
    by_text = {t.text: {x.slug for x in t.topics.all()} for t in turns}
    massive = [slugs for text, slugs in by_text.items() if "massive consequences" in text and "QUESTION" not in text]
    answers = sorted((t for t in turns if "massive consequences" in t.text and t.answers_id), key=lambda t: t.number)
    assert len(answers) == 2
    # Both answers are about Russia, and each names "massive consequences" once in about
    # 190 words: in passing. The turn that comes back to sanctions is about them.
    assert [sorted(x.slug for x in answer.topics.all()) for answer in answers] == [
        ["diplomacy", "russia"],
        ["nato", "russia"],
    ]
    returns = next(t for t in turns if t.number == 7)
    assert "sanctions" in returns.text and "massive consequences" in returns.text
    assert "sanctions" in {x.slug for x in returns.topics.all()}
    kazakh = next(t for t in turns if t.text.startswith("Yeah, and I condemn that statement"))
    assert {"kazakhstan", "human-rights"} <= {x.slug for x in kazakh.topics.all()}
    assert massive


@pytest.mark.django_db
def test_notes_do_not_tag_and_tagging_replaces_old_tags():
    load_vocabulary()
    t = transcript()
    (turn,) = add_turns(t, (speaker("Marco Rubio"), "(In Greek.) Thank you very much.", ["(In Greek.)"]))
    turn.topics.add(Topic.objects.get(slug="france"))
    tag_turns([turn])
    assert list(turn.topics.all()) == []


@pytest.mark.django_db
def test_tagging_is_fast_and_uses_few_queries():
    load_vocabulary()
    t = transcript()
    turns = add_turns(t, *[(None, f"Answer {i} about Russian sanctions and NATO in Kyiv.") for i in range(200)])
    with CaptureQueriesContext(connection) as queries:
        tag_turns(turns)
    assert len(queries) <= 8
    assert Turn.topics.through.objects.filter(turn__in=turns).count() == 200 * 4


@pytest.mark.django_db
def test_retag_applies_a_new_alias_everywhere_and_reindexes(search_index):
    load_vocabulary()
    t = transcript("Remarks", datetime.date(2024, 5, 1))
    (turn,) = add_turns(t, (speaker("Ned Price"), "We discussed the Zangezur corridor at length."))
    tag_turns([turn])
    from archive.search.indexing import index_transcripts

    index_transcripts([t.pk])
    assert search(SearchParams(topic="armenia")).total == 0
    armenia = Topic.objects.get(slug="armenia")
    armenia.aliases += "\nZangezur"
    armenia.save()
    out = StringIO()
    call_command("retag_topics", stdout=out)
    assert "1 turns changed topics" in out.getvalue()
    assert armenia in turn.topics.all()
    assert search(SearchParams(topic="armenia")).total == 1


# -- pages ------------------------------------------------------------------------------------


@pytest.fixture
def tagged(search_index):
    load_vocabulary()
    blinken, price = speaker("Antony J. Blinken"), speaker("Ned Price")
    old = transcript("Interview", datetime.date(2022, 1, 9))
    new = transcript("Briefing", datetime.date(2023, 3, 2))
    turns = add_turns(old, (blinken, "Massive consequences for Russia. <script>alert(1)</script>"))
    turns += add_turns(new, (price, "The Russian economy is under sanctions."), (price, "Nothing about it here."))
    tag_turns(turns)
    tallies.recount({turn.transcript_id for turn in turns})  # as ingest does after tagging
    return turns


@pytest.mark.django_db
def test_topic_list_shows_used_topics_with_counts(client, tagged):
    response = client.get(reverse("topic_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("topic_detail", kwargs={"slug": "russia"}) in body
    assert "Countries and territories" in body or "Country or territory" in body


@pytest.mark.django_db
def test_topic_page_shows_what_was_said_by_whom_and_when(client, tagged):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("topic_detail", kwargs={"slug": "russia"}))
    assert response.status_code == 200
    assert len(queries) <= 12
    body = response.content.decode()
    # The words that name the topic are marked.
    assert "Massive consequences for <mark>Russia</mark>." in body
    assert "The <mark>Russian</mark> economy is under sanctions." in body
    assert "Nothing about it here." not in body
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    assert "Antony J. Blinken" in body and "Ned Price" in body
    # When: a bar for each month from the first to the last, the months with turns links
    # that search the topic in that month.
    assert 'href="/search/?topic=russia&amp;from=2022-01-01&amp;to=2022-01-31"' in body
    assert 'href="/search/?topic=russia&amp;from=2023-03-01&amp;to=2023-03-31"' in body
    assert ">January 2022</a></th><td>1</td>" in body
    # Newest first.
    assert body.index("economy is under") < body.index("Massive consequences")
    # Searching from the topic page searches within it.
    assert 'name="topic" value="russia"' in body
    assert tagged[0].get_absolute_url() in body


@pytest.mark.django_db
def test_unknown_topic_is_404(client, tagged):
    assert client.get(reverse("topic_detail", kwargs={"slug": "atlantis"})).status_code == 404


def vocabulary_tagged_turn(text):
    """One turn of a 2024 transcript, tagged from the vocabulary file, and indexed."""
    from archive.search.indexing import index_transcripts

    load_vocabulary()
    t = transcript("Remarks", datetime.date(2024, 5, 1))
    (turn,) = add_turns(t, (speaker("Ned Price"), text))
    tag_turns([turn])
    index_transcripts([t.pk])
    return turn


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.org", "pw"))
    return client


@pytest.mark.django_db
def test_staff_extend_the_vocabulary_in_the_admin(staff_client, search_index, django_capture_on_commit_callbacks):
    client = staff_client
    turn = vocabulary_tagged_turn("We discussed the Zangezur corridor at length.")
    armenia = Topic.objects.get(slug="armenia")
    form = {
        "name": armenia.name,
        "slug": armenia.slug,
        "kind": armenia.kind,
        "aliases": armenia.aliases + "\nZangezur",
        "description": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:archive_topic_change", args=[armenia.pk]), form)
    assert response.status_code == 302
    assert armenia in turn.topics.all()
    assert search(SearchParams(topic="armenia")).total == 1


@pytest.mark.django_db
def test_topics_staff_set_by_hand_outlast_every_automatic_tagging(
    staff_client, search_index, django_capture_on_commit_callbacks
):
    client = staff_client
    turn = vocabulary_tagged_turn("We discussed trade at length.")
    assert {x.slug for x in turn.topics.all()} == {"trade"}
    url = reverse("admin:archive_turn_change", args=[turn.pk])

    def post(text, topics, by_hand=None):
        form = {
            "speaker": turn.speaker_id, "speaker_label": turn.speaker_label, "text": text,
            "notes": "[]", "answers": "", "topics": topics,
            "revisions-TOTAL_FORMS": "0", "revisions-INITIAL_FORMS": "0",
            "revisions-MIN_NUM_FORMS": "0", "revisions-MAX_NUM_FORMS": "1000",
        }
        if by_hand:
            form["topics_by_hand"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, form)
        assert response.status_code == 302, response.content[:2000]
        return topic_slugs()

    def topic_slugs():
        return {x.slug for x in Turn.objects.get(pk=turn.pk).topics.all()}

    trade = Topic.objects.get(slug="trade").pk
    # The words are corrected, the topics left as they were: the new words decide.
    assert post("We discussed Russian sanctions at length.", [trade]) == {"russia", "sanctions"}
    assert search(SearchParams(topic="russia")).total == 1 and search(SearchParams(topic="trade")).total == 0
    assert not Turn.objects.get(pk=turn.pk).topics_by_hand

    # Staff choose the topics: they stand, now and after every later tagging.
    assert post("We discussed Russian sanctions and trade with Canada.", [trade]) == {"trade"}
    assert Turn.objects.get(pk=turn.pk).topics_by_hand
    assert search(SearchParams(topic="trade")).total == 1 and search(SearchParams(topic="russia")).total == 0
    call_command("retag_topics", stdout=StringIO())
    assert topic_slugs() == {"trade"}
    tag_turns(Turn.objects.filter(pk=turn.pk))
    assert topic_slugs() == {"trade"}
    canada = Topic.objects.get(slug="canada")
    form = {"name": canada.name, "slug": canada.slug, "kind": canada.kind, "aliases": canada.aliases + "\nOttawa", "description": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("admin:archive_topic_change", args=[canada.pk]), form).status_code == 302
    assert topic_slugs() == {"trade"}

    # Unticking the box hands the turn back to its words.
    assert post("We discussed Russian sanctions and trade with Canada.", [trade], by_hand=False) == {
        "russia", "sanctions", "trade", "canada"
    }
