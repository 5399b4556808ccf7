"""Defects found by attacking the archive as a tester would, each with the test that shows it.

Wrong results under filters, pages that grow with stored files, a crashed ingest leaving
transcripts unsearchable, `serve` reverting corrections, queries that could tie up a worker,
and inputs the ingest command used to skip or count without a word.
"""

import io
import os
import re
import socket
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import PendingIndexUpdate, Speaker, Transcript
from archive.search.indexing import IndexWriteError, check
from archive.search.query import MAX_PHRASE_WORDS, parse
from tests.search_support import SEED, load_seed, search_index  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def run(command, *args, **options):
    out, err = io.StringIO(), io.StringIO()
    error = None
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err, **options)
    except CommandError as caught:
        error = caught
    return out.getvalue(), err.getvalue(), error


# -- 1. an empty date range matches nothing, in every order --------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("period", ["to=2000-01-01", "from=2030-01-01", "from=2030-01-01&to=2031-01-01"])
def test_a_period_with_no_transcripts_matches_nothing(client, search_index, period, sort):
    load_seed()
    assert client.get("/api/search/?q=russia").json()["count"] > 0

    data = client.get(f"/api/search/?q=russia&{period}&sort={sort}").json()
    assert (data["count"], data["results"]) == (0, [])
    data = client.get(f"/api/search/?q=russia&{period}&sort={sort}&speaker=antony-j-blinken").json()
    assert data["count"] == 0

    page = client.get(f"/search/?q=russia&{period}&sort={sort}").content.decode()
    assert "No turns match" in page


def test_the_csv_of_an_empty_period_has_only_its_header(client, search_index):
    load_seed()
    rows = client.get("/search/results.csv?q=russia&to=2000-01-01").content.decode().strip().splitlines()
    assert len(rows) == 1


# -- 3. list pages do not carry the stored raw text ---------------------------------------------


@pytest.mark.parametrize("path", ["/", "/transcripts/", "/api/transcripts/", "/speakers/antony-j-blinken/",
                                  "/api/speakers/antony-j-blinken/", "{t}", "{t}2/", "{t}2/embed/", "{t}2/card.png",
                                  "{t}2/cite.bib"])
def test_pages_never_read_the_raw_text(client, search_index, path):
    transcript = load_seed()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path.format(t=transcript.get_absolute_url()))
    assert response.status_code == 200
    reading_raw = [q["sql"] for q in queries.captured_queries if "raw_text" in q["sql"]]
    assert reading_raw == []
    # The counts are still right.
    if path == "/transcripts/":
        assert f"{transcript.turns.live().count()} turns" in response.content.decode()


# -- 4. what an interrupted ingest stored is indexed by the next one -----------------------------


@pytest.mark.whoosh
def test_a_transcript_stored_but_not_indexed_is_indexed_by_the_next_ingest(client, search_index, tmp_path):
    with mock.patch("archive.search.indexing.index_transcripts", side_effect=IndexWriteError("disk full")):
        _out, _err, error = run("ingest", SEED)
    assert "indexed by the next ingest" in str(error)
    assert Transcript.objects.count() == 1
    assert client.get("/api/search/?q=telegraph").json()["count"] == 0
    assert PendingIndexUpdate.objects.count() == 1

    # The same file again: unchanged in the database, and now in the index too.
    out, _err, error = run("ingest", SEED)
    assert error is None
    assert "Indexed 1 transcript an earlier run stored but did not index." in out
    assert "1 unchanged" in out
    assert client.get("/api/search/?q=russia").json()["count"] > 0
    assert check().in_step
    assert PendingIndexUpdate.objects.count() == 0


@pytest.mark.whoosh
def test_an_ingest_killed_between_commit_and_index_leaves_work_for_the_server_start(search_index):
    with mock.patch("archive.search.indexing.index_transcripts", side_effect=KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            run("ingest", SEED)
    assert not check().in_step
    run("serve", prepare_only=True, no_samples=True)
    assert check().in_step
    assert PendingIndexUpdate.objects.count() == 0


@pytest.mark.whoosh
def test_an_admin_edit_is_listed_for_the_index_in_its_own_transaction(search_index, django_capture_on_commit_callbacks):
    from django.db import transaction

    from archive.search.indexing import index_transcripts_on_commit

    transcript = load_seed()
    with mock.patch("archive.search.indexing.index_transcripts", side_effect=IndexWriteError("down")):
        with pytest.raises(IndexWriteError), django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                index_transcripts_on_commit([transcript.pk])
    # The edit committed, the index write failed: the request is still listed.
    assert list(PendingIndexUpdate.objects.values_list("transcript_id", flat=True)) == [transcript.pk]


# -- 5. serve never ingests over what is stored ----------------------------------------------------


def test_serve_keeps_a_corrected_sample(client, search_index, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    corrected = tmp_path / SEED.name
    corrected.write_text(
        SEED.read_text(encoding="utf-8").replace("Neither of those is on the table, Jake",
                                                 "Neither of those is on the table at all, Jake"),
        encoding="utf-8",
    )
    sidecar = SEED.with_name(SEED.name + ".meta.yaml")
    if sidecar.exists():
        (tmp_path / sidecar.name).write_bytes(sidecar.read_bytes())
    run("serve", prepare_only=True)
    sample = Transcript.objects.get(title__icontains="Blinken")
    out, err, error = run("ingest", corrected)
    assert "1 corrected" in out, (out, err, error)
    out, _err, _error = run("serve", prepare_only=True)
    assert "not ingested again" in out
    sample.refresh_from_db()
    assert "on the table at all, Jake" in sample.turns.get(number=2).text


def test_serve_says_at_once_when_its_port_is_taken(search_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out, _err, error = run("serve", f"127.0.0.1:{port}", no_samples=True)
    assert error is not None and f"cannot serve at 127.0.0.1:{port}" in str(error)
    assert "ready" not in out and "Migrating" not in out


# -- 6. no query can tie up a worker ----------------------------------------------------------------


def test_a_long_phrase_is_searched_for_its_first_words_and_says_so(client, search_index):
    load_seed()
    phrase = '"' + " ".join(["the"] * 200) + '"'
    parsed = parse(phrase)
    assert len(parsed.groups[0][0].words) == MAX_PHRASE_WORDS
    page = client.get("/search/", {"q": phrase})
    assert page.status_code == 200
    assert f"was searched for its first {MAX_PHRASE_WORDS} words" in page.content.decode()
    data = client.get("/api/search/", {"q": "russia ukraine " * 1000}).json()
    assert data["count"] > 0
    assert data["notices"] == [
        "Your search was 14,999 characters long; only the first 500 were searched.",
        "Only the first 24 terms (24 words) were searched; a shorter search finds the same answers faster.",
    ]


def test_a_search_past_its_time_limit_is_stopped_with_a_message(client, search_index, settings):
    load_seed()
    settings.ARCHIVE_SEARCH_TIME_LIMIT = 1e-9
    for q in ("russia", '"the united states"'):
        page = client.get("/search/", {"q": q})
        assert page.status_code == 200
        assert "This search took too long and was stopped" in page.content.decode()
        response = client.get("/api/search/", {"q": q, "sort": "newest"})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "timeout"


# -- 7. nothing skipped or counted twice without a word ------------------------------------------


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / ".hidden").write_text("x")
    _out, _err, error = run("ingest", tmp_path)
    assert error is not None and "no transcript files found" in str(error)


def test_a_fifo_and_a_broken_link_are_reported_and_fail_the_run(tmp_path, search_index):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / SEED.name).write_bytes(SEED.read_bytes())
    out, err, error = run("ingest", tmp_path)
    assert f"{tmp_path / 'pipe.txt'}: a named pipe (FIFO), not a file; not read" in err
    assert f"{tmp_path / 'gone.txt'}: broken link: the file it points to does not exist" in err
    assert "1 created" in out
    assert error is not None and "2 of 3 inputs failed" in str(error)


def test_the_same_file_given_twice_is_read_once(search_index):
    out, _err, error = run("ingest", SEED, SEED, Path(SEED).parent / "." / SEED.name)
    assert error is None
    assert "Ingested 1 transcript" in out and "1 created, 0 updated, 0 unchanged, 0 failed" in out


def test_a_speaker_left_with_no_turns_is_not_listed(client, search_index):
    transcript = load_seed()
    Speaker.objects.create(name="Nobody Left", slug="nobody-left")
    transcript.delete()
    assert "Nobody Left" not in client.get("/speakers/").content.decode()
    assert "Antony J. Blinken" not in client.get("/speakers/").content.decode()
    assert client.get("/api/speakers/").json()["results"] == []
    # The home page counts them as /speakers/ lists them.
    home = client.get("/").content.decode()
    assert re.search(r'class="stats-speakers"><a href="/speakers/">0 people</a> <span class="stats-roles">and 0 roles', home)


def test_a_full_disk_stops_the_ingest_with_a_reason_and_keeps_what_was_stored(tmp_path, search_index):
    from django.db import OperationalError

    from archive.ingest import loader

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Remarks to the press\n\nMR. PRICE:  Good afternoon, everyone.\n", encoding="utf-8")
    second.write_text("Another briefing\n\nMR. PRICE:  Good morning, everyone.\n", encoding="utf-8")
    real_load = loader.load_transcript
    calls = []

    def full_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("database or disk is full")
        return real_load(*args, **kwargs)

    with mock.patch("archive.management.commands.ingest.load_transcript", side_effect=full_on_second):
        _out, err, error = run("ingest", first, second)
    assert f"{second}: not stored, the database cannot be written: database or disk is full" in err
    assert "Traceback" not in err
    assert error is not None and "run the same ingest again" in str(error)
    assert Transcript.objects.count() == 1
    # Once there is room, the same command finishes the work and the index catches up.
    out, _err, error = run("ingest", first, second)
    assert error is None and "1 created, 0 updated, 1 unchanged" in out
    assert check().in_step
