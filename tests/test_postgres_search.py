"""The PostgreSQL search engine's own guarantees (run with ARCHIVE_SEARCH_ENGINE=postgres).

Its matching must equal the Whoosh engine's on the same turns; its search data lives in the
turns' rows, written in the transaction that stores them, so a rolled-back or failed ingest
leaves nothing behind and a committed one is searchable at once, with no folder on disk.
"""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from archive.ingest.loader import load_transcript
from archive.ingest.parsing import parse
from archive.models import PendingIndexUpdate, Transcript, Turn
from archive.search import indexing
from archive.search.engine import get_engine
from archive.search.postgres import compile_query, lexemes
from archive.search.query import parse as parse_query
from archive.search.service import SearchParams, search
from tests.search_support import FIXTURES, load_seed, search_index  # noqa: F401 - fixture

pytestmark = [pytest.mark.postgres_engine, pytest.mark.django_db(transaction=True)]

TEXT = """Secretary Blinken With Reporters

January 9, 2022

SECRETARY BLINKEN: We are not going to telegraph our moves. The sanctions on the défense sector remain.

QUESTION: Mr. Secretary, what about Putin’s demands?

SECRETARY BLINKEN: Putin's demands are a sphere of influence. Mr. Gerapetritis agreed with me.
"""


def _store(text=TEXT, key="test:pg"):
    return load_transcript(parse(text), text, source_key=key)


def _found(q, **options):
    return [r.turn.text for r in search(SearchParams(q=q, **options)).results]


def test_a_stored_transcript_is_searchable_at_once_without_a_folder_or_a_waiting_list(search_index):
    _store()
    # Nothing was listed as waiting and no index folder was made: the rows are the index.
    assert not PendingIndexUpdate.objects.exists()
    assert not search_index.exists()
    assert _found('"telegraph our moves"') == [
        "We are not going to telegraph our moves. The sanctions on the défense sector remain."
    ]
    assert len(_found("putin’s demands")) == 2 and len(_found("putin's demands")) == 2
    assert get_engine().document_count() == 3


def test_a_rolled_back_ingest_leaves_no_search_data(search_index):
    with pytest.raises(RuntimeError), transaction.atomic():
        _store()
        assert _found("telegraph")  # visible inside its own transaction
        raise RuntimeError("stop")
    assert not Transcript.objects.exists()
    assert _found("telegraph") == []


def test_a_failed_lexeme_write_stores_nothing(search_index):
    with mock.patch("archive.search.postgres.lexemes", side_effect=ValueError("bad lexeme")):
        with pytest.raises(ValueError):
            _store()
    assert not Transcript.objects.exists() and not Turn.objects.exists()


def test_a_correction_changes_what_is_found_in_the_same_transaction(search_index):
    _store()
    corrected = TEXT.replace("telegraph our moves", "announce our moves")
    _store(corrected)
    assert _found("telegraph") == []
    assert len(_found('"announce our moves"')) == 1
    assert indexing.check().in_step


def test_check_finds_stale_and_withdrawn_lexemes_and_repairs_them(search_index):
    _store()
    turn = Turn.objects.live().get(position=1)
    # Words changed behind the engine's back (raw SQL), and a withdrawn turn still carrying lexemes.
    Turn.objects.filter(pk=turn.pk).update(text="Changed behind its back.")
    other = Turn.objects.live().get(position=2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_turn SET position = NULL WHERE id = %s", [other.pk])
    report = indexing.check()
    assert report.stale == [turn.pk] and report.extra == [other.pk] and not report.missing
    out = StringIO()
    call_command("check_search_index", repair=True, stdout=out)
    assert indexing.check().in_step
    assert _found("behind its back") == ["Changed behind its back."]
    assert _found("putin’s demands") == ["Putin's demands are a sphere of influence. Mr. Gerapetritis agreed with me."]


def test_a_turn_given_another_topic_is_counted_under_it_and_the_check_sees_stale_topics(
    search_index, django_capture_on_commit_callbacks
):
    from archive.models import Topic
    from archive.search import hooks

    _store()

    def topic_counts(q):
        return {f.value: f.count for f in search(SearchParams(q=q)).facets["topic"]}

    turn = Turn.objects.live().get(position=1)
    treaties = Topic.objects.create(name="Treaties", slug="treaties")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        turn.topics.set([treaties])  # as the admin saves a turn's topics
        hooks.transcripts_changed([turn.transcript_id])
    assert topic_counts("telegraph") == {"treaties": 1}
    assert indexing.check().in_step
    # The topic ids changed behind the engine's back are found stale and written again.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_turn SET search_topics = NULL WHERE id = %s", [turn.pk])
    assert topic_counts("telegraph") == {}
    assert indexing.check().stale == [turn.pk]
    call_command("check_search_index", repair=True, stdout=StringIO())
    assert topic_counts("telegraph") == {"treaties": 1}


def test_an_archive_indexed_before_topics_were_in_the_rows_gets_them_from_the_migration(search_index):
    """What migration 0009 writes in SQL must be what the engine writes itself: the check finds
    every turn in step afterwards, and the topic filter and facet answer as before."""
    from importlib import import_module

    migration = import_module("archive.migrations.0009_turn_search_topics")
    for path in sorted(FIXTURES.glob("*")):
        call_command("ingest", str(path), stdout=StringIO(), stderr=StringIO())
    topic = _busiest_topic()
    tagged = Turn.objects.live().filter(topics__slug=topic).count()

    def answer():
        page = search(SearchParams(q="", topic=topic))
        return page.total, {f.value: f.count for f in search(SearchParams(q="the")).facets["topic"]}

    expected = answer()
    assert expected[0] == tagged > 0
    with connection.schema_editor() as editor:
        migration.backwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_turn SET search_topics = NULL")
        cursor.execute("SELECT count(*) FROM archive_turn WHERE search_lexemes::text LIKE '%%''#%%'")
        assert cursor.fetchone()[0] == 0
    assert answer()[0] == 0  # as an archive indexed before would answer
    assert len(indexing.check().stale) >= tagged
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)
    assert indexing.check().in_step
    assert answer() == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = 'archive_turn'::regclass AND attname = 'search_lexemes'")
        assert cursor.fetchone()[0] == "m"


def test_rebuild_writes_every_live_turn_and_nothing_else(search_index):
    _store()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_turn SET search_lexemes = NULL")
    assert indexing.check().missing and _found("telegraph") == []
    assert indexing.rebuild() == 3
    assert indexing.check().in_step and len(_found("telegraph")) == 1


def test_renaming_a_speaker_is_found_under_the_new_name(search_index, django_capture_on_commit_callbacks):
    from archive.search import hooks

    _store()
    blinken = Turn.objects.live().get(position=1).speaker
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        blinken.name = "Antony Zeta"
        blinken.save()
        hooks.speakers_changed([blinken.pk])
    assert len(_found("zeta")) == 2


def test_the_lexemes_keep_fields_apart_and_names_unstemmed():
    vector = lexemes({"text_exact": "Sanctions on Mr. Gerapetritis", "speaker_name": "Ned Price", "title": "Briefings"})
    assert "'sanctions':1B" in vector and "'~sanction':1C" in vector
    assert "'~gerapetritis':4C" in vector  # a name keeps its ending
    assert "'on':2B" in vector and "'~on'" not in vector  # its own stem: one lexeme
    assert "'@ned':1A" in vector and "'^brief':1D" in vector


def test_lexemes_written_before_own_stems_were_left_out_find_the_same_turns(search_index):
    # Turns indexed by an earlier version also carry a stem lexeme for each word that is its
    # own stem ("~the" beside "the"); until they are indexed again they must match alike.
    from archive.search.analysis import words
    from archive.search.postgres import _is_own_stem

    _store()
    queries = ["the", "sanctions", '"are not going"', "mr. gerapetritis", "-the", "demands OR moves"]
    now = {q: sorted(_found(q)) for q in queries}
    for turn in Turn.objects.live():
        earlier = [
            f"'~{w.exact}':{n}C" for n, w in enumerate(words(turn.text), 1) if w.stemmed == w.exact and _is_own_stem(w.exact)
        ]
        assert earlier
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE archive_turn SET search_lexemes = search_lexemes || %s::tsvector WHERE id = %s",
                [" ".join(earlier), turn.pk],
            )
    assert {q: sorted(_found(q)) for q in queries} == now
    assert all(now.values())
    assert not get_engine().check().in_step  # and a check finds them to write again


def test_queries_compile_to_one_tsquery_whatever_is_typed():
    assert compile_query(parse_query("")) is None
    text = compile_query(parse_query('"sphere of influence" OR putin’s -ukraine'))
    assert "<->" in text and "'putin''s'" in text and "!(" in text
    with connection.cursor() as cursor:
        for q in ('"', "-", "OR OR", 'a\\b "c\'d', "Ελλάδα 中国", "x" * 400, "-only -exclusions"):
            tsquery = compile_query(parse_query(q))
            if tsquery is not None:
                cursor.execute("SELECT %s::tsquery", [tsquery])  # PostgreSQL accepts it


# The matching rules of both engines, on the same turns: every count and facet count equal.
PARITY_QUERIES = [
    "sanctions",
    "sanction",
    '"sphere of influence"',
    "russia -ukraine",
    "-russia",
    "blinken",
    "putin’s",
    "putins",
    "Défense",
    "defense",
    "ukraine OR greece",
    "we are not going to",
    '"not going to telegraph"',
    "the",
    "U.S.-Russia",
    "gerapetritis",
    "running",
    "secretary",
    "mr. price",
    "costa rica",
    '"senior administration official"',
    "question",
    '-"united states" russia',
    # Stems typed as words, and words that are or are not their own stem (a turn keeps a
    # stem lexeme only for a word that is not).
    "onli",
    "only",
    "courses",
    "decis",
    "earlier",
    "president’s",
    '"the secretary"',
    '"united states government"',
]


def _with_whoosh(settings, answers):
    """What ``answers()`` gives with the Whoosh engine indexing the same rows."""
    from haystack import connections

    settings.HAYSTACK_CONNECTIONS = {
        "default": {**settings.HAYSTACK_CONNECTIONS["default"], "ENGINE": "archive.search.backend.ArchiveWhooshEngine"}
    }
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")
    try:
        indexing.rebuild()
        return answers()
    finally:
        connections.reload("default")


def _busiest_topic() -> str:
    from django.db.models import Count

    from archive.models import Topic

    return Topic.objects.annotate(n=Count("turns")).order_by("-n", "slug").values_list("slug", flat=True).first()


def test_both_engines_find_the_same_turns_with_the_same_counts(search_index, settings):
    for path in sorted(FIXTURES.glob("*")):
        call_command("ingest", str(path), stdout=StringIO(), stderr=StringIO())

    topic = _busiest_topic()

    def answers():
        found = {}
        for q in PARITY_QUERIES:
            for options in ({}, {"sort": "newest"}, {"speaker": "antony-j-blinken"}, {"kind": "interview"}, {"topic": topic}):
                page = search(SearchParams(q=q, per_page=50, **options))
                facets = {name: {(f.value, f.count) for f in values} for name, values in page.facets.items()}
                ids = [r.turn.pk for r in page.results]
                found[(q, str(options))] = (page.total, facets, page.months, ids if options else sorted(ids))
        return found

    in_postgres = answers()
    assert sum(total for total, *_ in in_postgres.values()) > 1000  # the queries do find things
    in_whoosh = _with_whoosh(settings, answers)
    differences = {key: (in_postgres[key][0], in_whoosh[key][0]) for key in in_postgres if in_postgres[key][:3] != in_whoosh[key][:3]}
    assert differences == {}
    # Newest-first pages list the very same turns in the same order (relevance is each
    # engine's own: BM25F in Whoosh, ts_rank in PostgreSQL).
    ordered = [key for key in in_postgres if "newest" in key[1]]
    assert [in_postgres[key][3] for key in ordered] == [in_whoosh[key][3] for key in ordered]


def test_browsing_without_words_counts_and_pages_as_the_whoosh_engine_does(search_index, settings):
    """No words typed: the PostgreSQL engine adds up the turn tallies instead of counting
    rows, and walks the transcripts for the page; what a reader sees must not change."""
    import datetime

    from archive.search.pending import request_index

    for path in sorted(FIXTURES.glob("*")):
        call_command("ingest", str(path), stdout=StringIO(), stderr=StringIO())
    # A turn no speaker is named for, and one a correction withdrew: counted and not.
    first, second = Transcript.objects.order_by("pk")[:2]
    with transaction.atomic():
        Turn.objects.filter(transcript=first, position=2).update(speaker=None)
        Turn.objects.filter(transcript=second, position=1).update(position=None)
        request_index([first.pk, second.pk])
    speaker = Turn.objects.filter(speaker__isnull=False).values_list("speaker__slug", flat=True).first()
    dated = Transcript.objects.exclude(date=None).order_by("date")
    earliest, latest = dated.first(), dated.last()
    options = [
        {},
        {"sort": "oldest"},
        {"sort": "added"},
        {"speaker": speaker},
        {"speaker": speaker, "sort": "oldest", "page": 2, "per_page": 5},
        {"kind": first.kind},
        {"date_from": earliest.date + datetime.timedelta(days=1), "date_to": latest.date - datetime.timedelta(days=1)},
        {"date_from": earliest.date + datetime.timedelta(days=1), "kind": latest.kind, "sort": "added"},
        {"page": 3, "per_page": 7},
        {"page": 9999},  # the last page
        {"topic": _busiest_topic()},  # counted from the rows
        {"topic": _busiest_topic(), "sort": "oldest", "page": 2, "per_page": 3},
    ]

    def answers():
        found = []
        for option in options:
            page = search(SearchParams(q="", **option))
            facets = {name: sorted((f.value, f.count) for f in values) for name, values in page.facets.items()}
            found.append((page.total, facets, page.months, [r.turn.pk for r in page.results]))
        return found

    in_postgres = answers()
    assert in_postgres[0][0] == Turn.objects.filter(position__isnull=False).count()
    assert all(total and ids for total, _, _, ids in in_postgres)
    in_whoosh = _with_whoosh(settings, answers)
    for option, pg, whoosh in zip(options, in_postgres, in_whoosh):
        assert pg == whoosh, option


def test_the_search_page_and_api_answer_from_postgres(client, search_index):
    load_seed()
    page = client.get("/search/", {"q": "sanctions"})
    assert page.status_code == 200 and "<mark>sanctions</mark>" in page.content.decode().lower()
    data = client.get("/api/search/", {"q": '"massive consequences"'}).json()
    assert data["count"] >= 1
    assert not search_index.exists()


def test_a_rum_index_answers_the_same_as_gin(search_index, monkeypatch):
    from archive.search import postgres

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if not cursor.fetchall():
            pytest.skip("the rum extension (Debian's postgresql-15-rum) is not installed")
    load_seed()
    queries = ["sanctions", '"massive consequences"', "russia -ukraine", "we are not going to telegraph"]
    with_gin = {q: (search(SearchParams(q=q)).total, _found(q)[:1]) for q in queries}
    monkeypatch.setattr(postgres, "INDEX_METHOD", "rum")
    try:
        indexing.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'archive_turn' AND indexname LIKE 'turn_search%'")
            assert [row[0] for row in cursor.fetchall()] == ["turn_search_lexemes_rum"]
        with_rum = {q: (search(SearchParams(q=q)).total, _found(q)[:1]) for q in queries}
        assert with_rum == with_gin
    finally:
        monkeypatch.setattr(postgres, "INDEX_METHOD", "gin")
        indexing.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'archive_turn' AND indexname LIKE 'turn_search%'")
        assert [row[0] for row in cursor.fetchall()] == ["turn_search_lexemes_gin"]
