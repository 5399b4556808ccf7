"""manage.py move_archive: an archive moved into PostgreSQL answers every address the same.

A small archive (two ingested transcripts, one corrected and one renamed, a speaker merge,
topics, a staff account and its admin log) is moved from the test database into a
PostgreSQL database made for the test and dropped after it; its pages are then read from
the target through the test client and compared with the same pages read from the source.
"""

import io
import shutil

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connections

from archive import moving
from archive.models import SlugRedirect, Source, Speaker, SpeakerRedirect, Transcript, Turn, TurnRevision
from archive.speakers.curation import merge_speakers
from tests.postgres_support import SERVER, scratch_database, server_reachable
from tests.search_support import FIXTURES, SEED, search_index  # noqa: F401  (a fixture)

pytestmark = [
    pytest.mark.skipif(not server_reachable(), reason="PostgreSQL is not reachable at 127.0.0.1:5432"),
    pytest.mark.django_db,
]


@pytest.fixture(autouse=True)
def target_alias_allowed(django_db_blocker):
    """Django's test case refuses connections to aliases it did not set up; the target is a
    database this module makes and drops itself, outside the test databases."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def target_url():
    """An empty PostgreSQL database of this test's own, dropped afterwards."""
    with scratch_database("archive_move") as url:
        yield url


@pytest.fixture
def archive(search_index, tmp_path):  # noqa: F811
    """The archive to move, on the test database (SQLite, or PostgreSQL in CI's second run)."""
    call_command("load_topics", stdout=io.StringIO())
    call_command("ingest", str(SEED), str(FIXTURES / "wh-2023-08-29-biden-chaves-bilateral.md"), stdout=io.StringIO())
    # A corrected version of the interview: a question inserted before an answer (which now
    # answers a turn with a larger id), a question removed, an answer's words edited.
    lines = []
    for line in SEED.read_text().splitlines(keepends=True):
        if "So you didn’t rule any of those out" in line:
            continue
        if "Look, first, Jake, I don’t think" in line:
            lines += ["QUESTION:  Before the talks: who leads the delegation in Geneva?\n", "\n"]
        lines.append(line.replace("I condemn that statement,", "I condemn that statement in the strongest terms,"))
    corrected = "".join(lines)
    folder = tmp_path / "corrected"
    folder.mkdir()
    (folder / SEED.name).write_text(corrected)
    shutil.copy(SEED.with_name(SEED.name + ".meta.yaml"), folder / (SEED.name + ".meta.yaml"))
    call_command("ingest", str(folder / SEED.name), stdout=io.StringIO())

    # A renamed transcript and a merged speaker: both old addresses answer 301.
    bilateral = Transcript.objects.exclude(source_key__contains="tapper").get()
    bilateral.slug = "biden-chaves-bilateral-meeting"
    bilateral.save()
    blinken = Speaker.objects.get(family_name="Blinken")
    duplicate = Speaker.objects.create(name="Tony Blinken", slug="tony-blinken", title="Secretary")
    Turn.objects.filter(pk=blinken.turns.order_by("pk").values_list("pk", flat=True)[:1]).update(speaker=duplicate)
    merge_speakers(blinken, [duplicate])

    # Content types made again on the source get other ids than migrate gives the target:
    # what points at them must follow their natural key, not their number.
    ContentType.objects.filter(app_label="archive", model="source").delete()
    ContentType.objects.clear_cache()
    source_type = ContentType.objects.get_for_model(Source)
    create_permissions(apps.get_app_config("archive"), verbosity=0)
    editor = User.objects.create_user("editor", "editor@example.org", "a long passphrase", is_staff=True)
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="change_source"))
    editor.groups.add(editors)
    editor.user_permissions.add(Permission.objects.get(codename="add_source"))
    source = Source.objects.create(name="State Department press releases", url="https://www.state.gov/feed/")
    LogEntry.objects.create(
        user=editor, content_type=source_type, object_id=str(source.pk), object_repr=str(source), action_flag=CHANGE
    )


def move(url, **options):
    out = io.StringIO()
    call_command("move_archive", "--to", url, stdout=out, **options)
    return out.getvalue()


def _target(url):
    return moving.target_connection(moving.target_settings(url))


def _rows(model, alias):
    fields = [f.attname for f in model._meta.concrete_fields]
    return list(model._base_manager.using(alias).order_by("pk").values_list(*fields))


def _copied_tables():
    """The tables copied as they are (not those pointing at content types or permissions)."""
    return [
        model for model in moving.models_to_copy()
        if not any(f.is_relation and f.related_model in moving.MAPPED_MODELS for f in model._meta.concrete_fields)
    ]


class ReadFrom:
    """A router sending every query of the test client's requests to one database."""

    def __init__(self, alias):
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return True


def _addresses():
    paths = ["/transcripts/", "/speakers/", "/topics/", "/api/transcripts/", "/api/speakers/"]
    for transcript in Transcript.objects.all():
        paths += [transcript.get_absolute_url(), f"/api/transcripts/{transcript.slug}/",
                  f"/transcripts/{transcript.slug}/download.json"]
        paths += [f"/transcripts/{transcript.slug}/{number}/"
                  for number in transcript.turns.values_list("number", flat=True)]
    paths += [f"/t/{pk}/" for pk in Turn.objects.values_list("pk", flat=True)]
    for speaker in Speaker.objects.all():
        paths += [speaker.get_absolute_url(), f"/api/speakers/{speaker.slug}/"]
    paths += [f"/transcripts/{old}/" for old in Transcript.objects.values_list("old_slugs__old_slug", flat=True) if old]
    paths += [f"/speakers/{old}/" for old in SpeakerRedirect.objects.values_list("old_slug", flat=True)]
    paths += [f"/topics/{slug}/" for slug in Turn.objects.values_list("topics__slug", flat=True).distinct() if slug]
    return sorted(set(paths))


def _answers(client, paths):
    answers = {}
    for path in paths:
        response = client.get(path)
        answers[path] = (response.status_code, response.get("Location"), response.content)
    return answers


def test_a_moved_archive_answers_every_address_with_the_same_words(archive, target_url, client, settings):
    report = move(target_url)
    assert "archive_turn " in report and "rows/s" in report
    assert "rebuild_search_index" in report.splitlines()[-1]

    paths = _addresses()
    # The archive holds what a reader would check: a withdrawn turn, an edited one, redirects.
    assert Turn.objects.filter(position__isnull=True).exists() and TurnRevision.objects.exists()
    assert SlugRedirect.objects.exists()
    assert SpeakerRedirect.objects.filter(old_slug="tony-blinken").exists()
    assert any(path.startswith("/topics/") for path in paths if path != "/topics/")
    on_source = _answers(client, paths)
    assert {status for status, _, _ in on_source.values()} >= {200, 301, 410}

    with _target(target_url) as alias:
        settings.DATABASE_ROUTERS = [ReadFrom(alias)]
        on_target = _answers(client, paths)
        settings.DATABASE_ROUTERS = []
        differing = [path for path in paths if on_source[path] != on_target[path]]
        assert differing == []

        # Field by field, ids and timestamps included, in every copied table.
        for model in _copied_tables():
            assert _rows(model, alias) == _rows(model, "default"), model._meta.db_table
        # The staff account signs in with its password and keeps its rights and history.
        editor = User.objects.using(alias).get(username="editor")
        assert editor.check_password("a long passphrase")
        assert sorted(editor.user_permissions.values_list("codename", flat=True)) == ["add_source"]
        assert sorted(Group.objects.using(alias).get().permissions.values_list("codename", flat=True)) == [
            "change_source"
        ]
        entry = LogEntry.objects.using(alias).get()
        assert (entry.content_type.app_label, entry.content_type.model) == ("archive", "source")
        assert entry.action_time == LogEntry.objects.get().action_time

        # New rows get new ids, above every copied one.
        with connections[alias].cursor() as cursor:
            for model in moving.models_to_copy():
                highest = max((row[0] for row in model._base_manager.values_list("pk")), default=0)
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
                assert cursor.fetchone()[0] > highest, model._meta.db_table
        transcript = Transcript.objects.using(alias).get(slug="biden-chaves-bilateral-meeting")
        new_turn = Turn.objects.using(alias).create(transcript=transcript, number=99, text="A new turn.")
        assert new_turn.pk > Turn.objects.order_by("-pk").values_list("pk", flat=True).first()


def test_a_failed_move_leaves_the_target_empty_and_a_second_move_is_refused(archive, target_url, monkeypatch):
    write_batch = moving.write_batch

    def fail_at_revisions(model, batch, target):
        if model._meta.db_table == "archive_turnrevision":
            raise DatabaseError("disk full")
        return write_batch(model, batch, target)

    monkeypatch.setattr(moving, "write_batch", fail_at_revisions)
    with pytest.raises(CommandError, match="disk full; nothing was written") as failed:
        move(target_url)
    assert "\n" not in str(failed.value)
    with _target(target_url) as alias:
        assert {model._meta.db_table: model._base_manager.using(alias).count() for model in _copied_tables()} == {
            model._meta.db_table: 0 for model in _copied_tables()
        }
    monkeypatch.setattr(moving, "write_batch", write_batch)

    move(target_url)
    with _target(target_url) as alias:
        moved = {model._meta.db_table: _rows(model, alias) for model in _copied_tables()}
    Speaker.objects.create(name="Someone New", slug="someone-new")
    with pytest.raises(CommandError, match="already holds transcripts") as refused:
        move(target_url)
    assert "\n" not in str(refused.value)
    with _target(target_url) as alias:
        assert {model._meta.db_table: _rows(model, alias) for model in _copied_tables()} == moved
        assert not Speaker.objects.using(alias).filter(slug="someone-new").exists()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:////tmp/archive-move.sqlite3", "must be a PostgreSQL URL"),
        ("mysql://root@127.0.0.1/archive", "must be a PostgreSQL URL"),
        ("archive on the other server", "not a database URL"),
        (f"{SERVER}", "names no database"),
        ("postgres://postgres:s3cret@127.0.0.1:1/archive", "cannot reach postgres://postgres@127.0.0.1:1/archive"),
        ("postgres://postgres:s3cret@127.0.0.1:5432", "names no database: postgres://postgres@127.0.0.1:5432/"),
        (f"{SERVER}/archive_move_no_such_database", "cannot reach"),
    ],
)
def test_a_bad_target_gives_a_one_line_error(url, says):
    with pytest.raises(CommandError) as error:
        move(url)
    assert says in str(error.value)
    assert "\n" not in str(error.value)
    assert "s3cret" not in str(error.value)
    assert moving.TARGET_ALIAS not in connections.settings


SEARCHES = ["sanctions", '"massive consequences"', "russia -ukraine", "putin’s", "costa rica", "blinken", "the"]


def answers(queries=SEARCHES) -> dict:
    """What a reader gets for each query: the count, the facet counts and the newest turns."""
    from archive.search.service import SearchParams, search

    found = {}
    for q in queries:
        page = search(SearchParams(q=q, sort="newest", per_page=50))
        found[q] = [page.total, {k: sorted([f.value, f.count] for f in v) for k, v in page.facets.items()},
                    [r.turn.get_absolute_url() for r in page.results]]
    return found


def test_a_moved_archive_searched_inside_postgresql_gives_the_same_results(archive, target_url, tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    before = answers()
    assert before["sanctions"][0] > 0 and before["costa rica"][0] > 0
    move(target_url)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": target_url, "ARCHIVE_SEARCH_ENGINE": "postgres",
           "ARCHIVE_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "archive.settings"}

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("rebuild_search_index")
    # The same questions asked in a process of its own, on the moved archive.
    printed = manage("shell", "-c", "import json; from tests.test_move import answers; print(json.dumps(answers()))")
    after = json.loads(printed.strip().splitlines()[-1])
    assert after == before
    # No Whoosh folder was made for the moved archive: its search is in the database.
    assert not (tmp_path / "var" / "whoosh_index").exists()
