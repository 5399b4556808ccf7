"""Quote search: matching, filters, facets, highlighting, the page, and the index kept in step."""

import datetime
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.models import Speaker, Topic, Transcript, Turn
from archive.search import backend as whoosh_backend
from archive.search import indexing
from archive.search.analysis import fold, stem
from archive.search.whoosh_analysis import EXACT_ANALYZER, STEMMING_ANALYZER
from archive.search.backend import ArchiveWhooshBackend, get_backend
from archive.search.highlight import highlight
from archive.search.query import parse
from archive.search.whoosh_query import compile_query
from archive.search.service import SearchParams, search
from archive.search.store import IndexLockTimeout, IndexWriteError, _slot
from tests.search_support import add_turns, search_index, speaker, transcript  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def texts(page):
    return [r.turn.text for r in page.results]


def find(q, **filters):
    return search(SearchParams(q=q, **filters))


@pytest.fixture
def corpus(search_index):
    """A few answers chosen to tell the matching rules apart."""
    blinken = speaker("Antony J. Blinken", "antony-j-blinken")
    price = speaker("Ned Price", "ned-price")
    question = speaker("Question", "question", kind=Speaker.Kind.ROLE)
    russia = Topic.objects.create(name="Russia", slug="russia", kind="country", aliases="Russian")
    sanctions = Topic.objects.create(name="Sanctions", slug="sanctions", kind="theme", aliases="sanction*")
    interview = transcript("Blinken on State of the Union", datetime.date(2022, 1, 9), "interview", "sotu")
    briefing = transcript("Department Press Briefing", datetime.date(2023, 3, 2), "press-briefing", "briefing")
    remarks = transcript("Remarks to the Press", None, "remarks", "remarks")
    turns = {}
    (turns["q"], turns["massive"], turns["putin"]) = add_turns(
        interview,
        (question, "What sanctions is the U.S. willing to impose?"),
        (blinken, "There would be massive consequences for renewed Russian aggression.", []),
        (blinken, "It is President Putin’s choice. (Laughter.) We are running out of time.", ["(Laughter.)"]),
    )
    turns["massive"].answers = turns["q"]
    turns["massive"].save()
    (turns["sanctions"], turns["defense"], turns["run"]) = add_turns(
        briefing,
        (price, "The sanctions on the défense sector remain. Mr. Gerapetritis agreed."),
        (price, "Our consequences will be massive, and they will be swift."),
        (price, "We run the process as we always have. <script>alert(1)</script> was in the page."),
    )
    (turns["remarks"],) = add_turns(remarks, (blinken, "Thank you all for coming; sanction relief is not on the table."))
    turns["massive"].topics.add(russia, sanctions)
    turns["sanctions"].topics.add(sanctions)
    turns["remarks"].topics.add(sanctions)
    indexing.rebuild()
    return turns


# -- analysis ---------------------------------------------------------------------------------


def test_analysis_folds_apostrophes_accents_and_stems_with_snowball():
    assert fold("Putin’s") == fold("Putin's") == "putin's"
    assert fold("défense") == "defense"
    assert stem("running") == "run" and stem("sanctions") == "sanction"
    tokens = [t.text for t in STEMMING_ANALYZER("Sanctions on Mr. Gerapetritis and Mitsotakis’s policies")]
    # Names in mid-sentence keep their spelling; ordinary words are stemmed.
    assert tokens == ["sanction", "on", "mr", "gerapetritis", "and", "mitsotakis", "polici"]
    assert [t.text for t in EXACT_ANALYZER("Défense, “Putin’s”")] == ["defense", "putin's"]


def test_parsing_never_fails_on_odd_input():
    for raw in ['"unbalanced', "OR", "- -", "*", "AND OR NOT", "«Россия»", "中国的制裁", "x" * 5000, "a" * 3, '""', "\x00"]:
        parsed = parse(raw)
        compile_query(parsed)  # builds without raising
    assert parse('"massive consequences" -swift').excluded[0].words[0].exact == "swift"
    assert parse("sanctions OR embargo").groups[0][1].words[0].exact == "embargo"


# -- matching ---------------------------------------------------------------------------------


def test_phrase_ranks_the_verbatim_text_first(corpus):
    page = find('"massive consequences"')
    assert [r.turn for r in page.results][0] == corpus["massive"]
    # Without quotes, both answers with the two words match.
    assert {r.turn for r in find("massive consequences").results} == {corpus["massive"], corpus["defense"]}
    assert {r.turn for r in page.results} == {corpus["massive"]}


def test_stemming_finds_other_forms(corpus):
    assert {r.turn for r in find("sanction").results} >= {corpus["sanctions"], corpus["q"], corpus["remarks"]}
    running = [r.turn for r in find("running").results]
    assert running[0] == corpus["putin"] and corpus["run"] in running
    assert [r.turn for r in find("run").results][0] == corpus["run"]


def test_apostrophes_and_accents_match_either_way(corpus):
    assert [r.turn for r in find("Putin's").results] == [corpus["putin"]]
    assert [r.turn for r in find("Putin’s choice").results] == [corpus["putin"]]
    assert [r.turn for r in find("defense").results] == [corpus["sanctions"]]
    assert [r.turn for r in find("DÉFENSE").results] == [corpus["sanctions"]]


def test_names_are_not_mangled(corpus):
    assert [r.turn for r in find("Gerapetritis").results] == [corpus["sanctions"]]
    assert find("gerapetr").total == 0


def test_exclusion_and_or(corpus):
    assert {r.turn for r in find("consequences -swift").results} == {corpus["massive"]}
    assert {r.turn for r in find('consequences -"massive consequences"').results} == {corpus["defense"]}
    assert {r.turn for r in find("Gerapetritis OR swift").results} == {corpus["sanctions"], corpus["defense"]}
    assert {r.turn for r in find("-sanctions -sanction").results}.isdisjoint({corpus["sanctions"], corpus["remarks"]})


def test_speaker_name_and_title_are_searchable_but_notes_and_markup_are_not(corpus):
    assert {r.turn for r in find("Ned Price").results} == {corpus["sanctions"], corpus["defense"], corpus["run"]}
    assert {r.turn.transcript.slug for r in find("briefing").results} == {"briefing"}
    assert find("laughter").total == 0
    assert find("x27").total == 0 and find("lt").total == 0


def test_malformed_and_foreign_queries_give_results_not_errors(corpus):
    for raw in ['"massive', "massive OR", "OR", "-", "*", "Россия", "中国", "x" * 3000]:
        find(raw)
    assert [r.turn for r in find('"massive consequences').results][0] == corpus["massive"]


def test_empty_query_lists_newest_turns_first(corpus):
    page = find("")
    assert page.total == Turn.objects.live().count()
    dates = [r.turn.transcript.date for r in page.results]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[-1] is None


def test_an_archive_with_nothing_indexed_yet_answers_every_search(client, search_index):
    # A new index holds one empty reader without columns; the facet tables must not trip on it.
    indexing.rebuild()
    for params in ({"q": "putin"}, {}, {"q": "x", "sort": "newest"}):
        response = client.get(reverse("search"), params)
        assert response.status_code == 200
        assert response.context["result"].total == 0
    assert client.get("/api/search/", {"q": "putin"}).json()["count"] == 0


# -- filters, counts, facets ------------------------------------------------------------------


def test_filters_and_their_combinations(corpus):
    assert find("", speaker="ned-price").total == 3
    assert find("massive", speaker="ned-price").total == 1
    assert find("", topic="sanctions").total == 3
    assert find("", topic="sanctions", speaker="antony-j-blinken").total == 2
    assert find("", kind="press-briefing").total == 3
    assert find("", date_from=datetime.date(2023, 1, 1)).total == 3
    assert find("", date_to=datetime.date(2022, 12, 31)).total == 3
    assert find("sanctions", date_from=datetime.date(2022, 1, 1), date_to=datetime.date(2022, 1, 31), kind="interview").total == 1
    assert find("", speaker="nobody").total == 0


def test_count_is_exact_and_the_same_on_every_page_and_order(corpus):
    interview = Transcript.objects.get(slug="sotu")
    many = add_turns(interview, *[(None, f"Filler answer number {i} about consequences.") for i in range(45)])
    indexing.index_transcripts([interview.pk])
    expected = Turn.objects.live().filter(text__icontains="consequences").count()
    seen = set()
    for sort in ("relevance", "newest", "oldest", "added"):
        for page in (1, 2, 3):
            result = search(SearchParams(q="consequences", sort=sort, page=page))
            assert result.total == expected
            if sort == "newest":
                seen.update(r.turn.pk for r in result.results)
    assert len(seen) == expected and {t.pk for t in many} <= seen


def test_equal_scores_come_in_the_order_turns_were_added_whatever_was_indexed_again(search_index):
    # Nine turns alike score alike. The first transcript indexed again (a correction, a
    # speaker merged) moves its turns to the end of the Whoosh index; their place among
    # equals must not move with them, or page 2 could repeat or skip a turn of page 1.
    grace = speaker("Grace Hopper")
    records = [transcript("Talks on trade") for _ in range(3)]
    expected = []
    for record in records:
        expected += [t.pk for t in add_turns(record, *[(grace, "We will talk about trade.") for _ in range(3)])]
        indexing.index_transcripts([record.pk])
    indexing.index_transcripts([records[0].pk])

    def ranked():
        turns = []
        for page in (1, 2, 3):
            result = search(SearchParams(q="trade", per_page=4, page=page))
            turns += [r.turn.pk for r in result.results]
        return turns

    assert ranked() == expected
    indexing.rebuild()
    assert ranked() == expected


def test_count_is_exact_when_many_weak_matches_trail_strong_ones(search_index):
    # Turns matching only through their transcript's title score far below the others;
    # Whoosh would skip them once a page of better ones is found. They still count.
    strong = transcript("Weights")
    add_turns(strong, *[(speaker("Alpha Alpha"), "Alpha " * 8) for _ in range(30)])
    weak = transcript("Remarks at a long meeting about many things, among them alpha, in a very long title")
    add_turns(weak, *[(None, f"An answer on another subject, number {i}.") for i in range(1000)])
    indexing.index_transcripts([strong.pk, weak.pk])
    for sort in ("relevance", "newest"):
        result = search(SearchParams(q="alpha", sort=sort))
        assert result.total == 1030
        assert sum(f.count for f in result.facets["year"]) == 1030


def test_facet_counts_equal_database_counts(corpus):
    page = find("sanctions OR consequences")
    matched = Turn.objects.filter(pk__in=[t.pk for t in corpus.values()]).filter(
        pk__in=[r.turn.pk for r in find("sanctions OR consequences", sort="newest").results]
    )
    by_speaker = {f.value: f.count for f in page.facets["speaker"]}
    for slug, count in by_speaker.items():
        assert matched.filter(speaker__slug=slug).count() == count
    by_topic = {f.value: f.count for f in page.facets["topic"]}
    assert by_topic == {t.slug: matched.filter(topics=t).count() for t in Topic.objects.filter(turns__in=matched).distinct()}
    by_year = {f.value: f.count for f in page.facets["year"]}
    assert by_year == {"2022": matched.filter(transcript__date__year=2022).count(), "2023": matched.filter(transcript__date__year=2023).count()}
    assert {f.label for f in page.facets["speaker"]} <= {"Antony J. Blinken", "Ned Price", "Question"}


# -- highlighting -----------------------------------------------------------------------------


def test_highlight_escapes_and_marks_only_query_words(corpus):
    result = find("process", speaker="ned-price").results[0]
    html = str(result.highlighted)
    assert "<mark>process</mark>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    # The speaker filter's name is not a query word.
    assert "<mark>Price" not in html
    html = str(find('"massive consequences"').results[0].highlighted)
    assert "<mark>massive consequences</mark>" in html


def test_highlight_uses_the_same_analysis_as_matching():
    parsed = parse("putin's defense running")
    html = str(highlight("President Putin’s défense was Running late; <b>run</b>.", parsed))
    assert html == (
        "President <mark>Putin’s défense</mark> was <mark>Running</mark> late; &lt;b&gt;<mark>run</mark>&lt;/b&gt;."
    )
    # A phrase is marked where it occurs as a phrase only.
    html = str(highlight("massive gains, then massive consequences", parse('"massive consequences"')))
    assert html == "massive gains, then <mark>massive consequences</mark>"


def test_long_answers_show_a_window_around_the_match():
    text = ("Filler words go here. " * 60) + "The needle is here. " + ("More filler follows. " * 60)
    html = str(highlight(text, parse("needle")))
    assert "<mark>needle</mark>" in html and html.startswith("…") and html.endswith("…")
    assert len(html) < 450


# -- the page ---------------------------------------------------------------------------------


def test_search_page_shows_the_quote_speaker_transcript_question_and_link(client, corpus):
    response = client.get(reverse("search"), {"q": "massive consequences"})
    assert response.status_code == 200
    body = response.content.decode()
    answer = corpus["massive"]
    assert "<mark>massive consequences</mark>" in body
    assert answer.get_absolute_url() in body
    assert "Antony J. Blinken" in body and "Blinken on State of the Union" in body and "January 9, 2022" in body
    assert "What sanctions is the U.S. willing to impose?" in body
    assert "2 matching turns" in body
    # Facet links add a filter.
    assert "speaker=ned-price" in body and "topic=sanctions" in body and "from=2023-01-01" in body


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "OR", "-", "*", "AND", "a" * 20000, "Россия", "中国的制裁", "(", ")", "[x", "field:value", "\x00", "<script>"],
)
def test_search_page_never_fails(client, corpus, q):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200


def test_bad_parameters_are_reported_not_fatal(client, corpus):
    response = client.get(reverse("search"), {"q": "sanctions", "from": "yesterday", "page": "x", "sort": "best", "kind": "?"})
    assert response.status_code == 200
    assert b"could not be used" in response.content
    response = client.get(reverse("search"), {"q": "sanctions", "page": "999"})
    assert response.status_code == 200 and b"<mark>" in response.content


def test_speaker_name_in_query_is_offered_as_filter(client, corpus):
    response = client.get(reverse("search"), {"q": "Blinken consequences"})
    body = response.content.decode()
    assert "Only Antony J. Blinken?" in body
    assert "q=consequences&amp;speaker=antony-j-blinken" in body
    # The name restricts nothing by itself: Blinken's turns match through his name.
    assert response.context["result"].total == 1


def test_speaker_page_searches_within_the_speaker(client, corpus):
    response = client.get(reverse("speaker_detail", kwargs={"slug": "ned-price"}))
    if response.status_code == 200:
        assert b'name="speaker" value="ned-price"' in response.content
    response = client.get(reverse("search"), {"q": "massive", "speaker": "ned-price"})
    assert [r.turn for r in response.context["result"].results] == [corpus["defense"]]


# -- the index kept right ---------------------------------------------------------------------


@pytest.mark.whoosh
def test_backend_is_our_haystack_backend_and_never_fails_silently(search_index):
    backend = get_backend()
    assert isinstance(backend, ArchiveWhooshBackend)
    assert backend.silently_fail is False
    with pytest.raises(IndexWriteError):
        backend.write(documents=[{"id": "archive.turn.1", "no_such_field": "x"}])


def test_index_follows_ingest_edit_and_delete(search_index):
    blinken = speaker("Antony J. Blinken")
    t = transcript("Edited later")
    (turn,) = add_turns(t, (blinken, "The original wording about pineapples."))
    assert indexing.index_transcripts([t.pk]) == 1
    assert find("pineapples").total == 1
    turn.text = "A corrected wording about bananas."
    turn.save()
    indexing.index_transcripts([t.pk])
    assert find("pineapples").total == 0 and find("bananas").total == 1
    turn.position = None  # withdrawn by a correction
    turn.save()
    indexing.index_transcripts([t.pk])
    assert find("bananas").total == 0
    turn.position = 1
    turn.save()
    indexing.index_transcripts([t.pk])
    t_id = t.pk
    t.delete()
    indexing.remove_transcripts([t_id])
    assert find("bananas").total == 0
    assert indexing.check().in_step


@pytest.mark.whoosh
def test_rebuild_switches_atomically_and_searches_keep_working(corpus, search_index):
    before = find("sanctions").total
    backend = get_backend()
    old_build = backend.store.current_build()
    slot = _slot(backend.store.root)
    # Rows added without indexing appear only once the rebuild is complete.
    add_turns(Transcript.objects.get(slug="sotu"), (None, "A late answer about sanctions."))
    assert find("sanctions").total == before
    count = indexing.rebuild()
    assert count == Turn.objects.live().count()
    assert backend.store.current_build() != old_build
    assert find("sanctions").total == before + 1
    assert slot.opened >= 2  # the searcher was reopened on the new build, not before
    assert len(backend.store.builds()) <= 2


@pytest.mark.whoosh
def test_rebuild_with_several_writing_processes(corpus, monkeypatch):
    monkeypatch.setattr(whoosh_backend, "INDEXING_PROCESSES", 2)
    monkeypatch.setattr(whoosh_backend, "PARALLEL_FROM", 0)
    assert indexing.rebuild() == Turn.objects.live().count()
    assert indexing.check().in_step
    assert [r.turn for r in find('"massive consequences"').results][0] == corpus["massive"]
    assert find("", speaker="ned-price").total == 3


@pytest.mark.whoosh
def test_one_searcher_per_process_reopened_only_when_the_index_changed(corpus):
    backend = get_backend()
    slot = _slot(backend.store.root)
    find("sanctions")
    opened, searcher = slot.opened, slot.searcher
    for _ in range(5):
        find("consequences")
    assert slot.opened == opened and slot.searcher is searcher
    indexing.index_transcripts([Transcript.objects.get(slug="sotu").pk])
    find("consequences")
    assert slot.searcher is not searcher and slot.opened == opened  # refreshed, not reopened


@pytest.mark.whoosh
def test_never_two_writers(search_index):
    store = get_backend().store
    events = []

    def second_writer():
        with store.write_lock():
            events.append("second")

    with store.write_lock():
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.2)
        events.append("first done")
    thread.join(5)
    assert events == ["first done", "second"]
    with store.write_lock():
        result = []

        def impatient():
            try:
                with store.write_lock(timeout=0.1):
                    result.append("got it")
            except IndexLockTimeout:
                result.append("timed out")

        thread = threading.Thread(target=impatient)
        thread.start()
        thread.join(5)
    assert result == ["timed out"]


@pytest.mark.whoosh
def test_check_reports_and_repairs_differences(corpus):
    sotu = Transcript.objects.get(slug="sotu")
    (added,) = add_turns(sotu, (None, "Never indexed."))
    changed = corpus["run"]
    changed.text = "Changed without re-indexing."
    changed.save()
    gone = corpus["remarks"]
    gone_id = gone.pk
    Turn.objects.filter(pk=gone_id).delete()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_search_index", stdout=out)
    report = out.getvalue()
    assert "1 turns missing from the index" in report and "1 turns out of date" in report
    assert "1 turns in the index but not in the database" in report
    call_command("check_search_index", repair=True, stdout=StringIO())
    assert indexing.check().in_step
    assert find("Never indexed").total == 1 and find("re-indexing").total == 1


def test_commands_rebuild(corpus):
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert f"Indexed {Turn.objects.live().count()} turns" in out.getvalue()


def test_admin_edits_reach_the_index(client, corpus, django_user_model, django_capture_on_commit_callbacks):
    admin = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(admin)
    turn = corpus["defense"]
    url = reverse("admin:archive_turn_change", args=[turn.pk])
    form = {
        "speaker": turn.speaker_id,
        "speaker_label": turn.speaker_label,
        "text": "Our response will be measured and firm.",
        "notes": "[]",
        "answers": "",
        "topics": [],
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    assert find("measured firm").total == 1 and find("swift").total == 0
    transcript_pk = Transcript.objects.get(slug="briefing").pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:archive_transcript_delete", args=[transcript_pk]), {"post": "yes"})
    assert response.status_code == 302
    assert find("", kind="press-briefing").total == 0 and indexing.check().in_step


def test_haystack_search_queryset_uses_exact_facets(corpus):
    from haystack.query import SearchQuerySet

    sqs = SearchQuerySet().filter(content="sanctions").facet("speaker")
    assert {r.pk for r in sqs} >= {str(corpus["sanctions"].pk)}
    counts = dict(sqs.facet_counts()["fields"]["speaker"])
    assert counts["ned-price"] == 1 and "antoni" not in counts
    hl = SearchQuerySet().filter(content="défense").highlight()
    assert "<mark>défense</mark>" in hl[0].highlighted["text"][0]
