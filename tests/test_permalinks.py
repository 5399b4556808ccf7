"""Addresses that never break, end to end: ingest a transcript, ingest a corrected version
that inserts, removes and edits turns, rename it in the admin, and check that every old
address still shows the words it showed, says plainly that they were removed, or redirects.
"""

import io
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from archive.models import SlugRedirect, Transcript, Turn
from tests.search_support import search_index  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "transcripts"
SEED = "state-2022-01-09-blinken-cnn-sotu.txt"

# The corrected version: two turns inserted before the Soviet Union exchange, the words of
# that answer edited, and the interrupted continuation after the next answer removed.
INSERT_BEFORE = "QUESTION:  Right.  Beyond this military buildup"
INSERTED = (
    "QUESTION:  One more on Geneva: who leads the American delegation tomorrow?\n\n"
    "SECRETARY BLINKEN:  Deputy Secretary Wendy Sherman leads it, with colleagues from across the government.\n\n"
)
EDIT_OLD = "a recipe that led to world wars"
EDIT_NEW = "a recipe that led to two world wars"
REMOVED = "— starting this week to talk through all of this, to hear their concerns, for them to hear ours"


def loose(words_):
    """A pattern for ``words_`` with any run of white space between them."""
    return re.compile(r"\s+".join(re.escape(w) for w in words_.split()))


def ingest(path):
    out = io.StringIO()
    call_command("ingest", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def page_text(response):
    """The visible words of a page, tags dropped and entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def words(text):
    return " ".join(text.split())


@pytest.fixture
def versions(tmp_path, search_index):
    """Paths of the original and the corrected transcript (each with its metadata file)."""
    original = tmp_path / "original"
    corrected = tmp_path / "corrected"
    for folder in (original, corrected):
        folder.mkdir()
        shutil.copy(SAMPLES / f"{SEED}.meta.yaml", folder / f"{SEED}.meta.yaml")
    text = (SAMPLES / SEED).read_text(encoding="utf-8")
    (original / SEED).write_text(text, encoding="utf-8")

    # The saved page separates words with ordinary and non-breaking spaces alike.
    insert_at = loose(INSERT_BEFORE).search(text).start()
    changed = text[:insert_at] + INSERTED + text[insert_at:]
    changed, edits = loose(EDIT_OLD).subn(EDIT_NEW, changed)
    removed_paragraph = next(p for p in changed.split("\n") if loose(REMOVED).search(p))
    changed = changed.replace(removed_paragraph + "\n", "")
    assert edits == 1 and not loose(REMOVED).search(changed)
    (corrected / SEED).write_text(changed, encoding="utf-8")
    return original / SEED, corrected / SEED


@pytest.fixture
def corrected(client, versions):
    """Ingest both versions; return what the original addresses showed before the correction."""
    original, fixed = versions
    ingest(original)
    transcript = Transcript.objects.get()
    before = {
        turn.number: {"text": turn.text, "position": turn.position, "pk": turn.pk}
        for turn in transcript.turns.live()
    }
    ingest(fixed)
    transcript.refresh_from_db()
    return transcript, before


def number_with(before, fragment):
    [number] = [n for n, turn in before.items() if fragment in words(turn["text"])]
    return number


def test_every_unchanged_address_shows_the_same_words(client, corrected):
    transcript, before = corrected
    edited = number_with(before, EDIT_OLD)
    removed = number_with(before, REMOVED)
    unchanged = [n for n in before if n not in (edited, removed)]
    assert len(unchanged) >= 10
    moved = 0
    for number in unchanged:
        response = client.get(f"/transcripts/{transcript.slug}/{number}/")
        assert response.status_code == 200, number
        turn = Turn.objects.get(transcript=transcript, number=number)
        assert turn.text == before[number]["text"], number
        first_paragraph = words(before[number]["text"].split("\n\n")[0])
        assert first_paragraph in page_text(response), number
        moved += turn.position != before[number]["position"]
    # The inserted turns pushed the later ones down the transcript; their addresses held.
    assert moved >= 5


def test_inserted_turns_get_new_numbers_never_used_before(corrected):
    transcript, before = corrected
    new = transcript.turns.exclude(number__in=list(before))
    assert sorted(words(t.text)[:22] for t in new) == ["Deputy Secretary Wendy", "One more on Geneva: wh"]
    assert min(t.number for t in new) > max(before)


def test_an_edited_turn_keeps_its_address_and_notes_the_correction(client, corrected):
    transcript, before = corrected
    number = number_with(before, EDIT_OLD)
    response = client.get(f"/transcripts/{transcript.slug}/{number}/")
    text = page_text(response)
    assert response.status_code == 200
    assert EDIT_NEW in text
    # The earlier wording is on the page, in the corrections section.
    corrections = text.split("Corrected", 1)[1]
    assert EDIT_OLD in corrections


def test_a_quote_link_to_edited_words_says_they_changed(client, corrected):
    transcript, before = corrected
    number = number_with(before, EDIT_OLD)
    response = client.get(f"/transcripts/{transcript.slug}/{number}/", {"quote": "a recipe that led to world wars"})
    text = page_text(response)
    assert "The quoted words are not in this answer: they were changed in a correction." in text
    # Words the correction kept are still found and highlighted.
    response = client.get(f"/transcripts/{transcript.slug}/{number}/", {"quote": "a recipe for conflict"})
    assert '<mark class="quote-mark">a recipe for conflict</mark>' in response.content.decode()


def test_a_removed_turn_answers_410_with_a_link_to_the_transcript(client, corrected):
    transcript, before = corrected
    number = number_with(before, REMOVED)
    response = client.get(f"/transcripts/{transcript.slug}/{number}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert f'href="/transcripts/{transcript.slug}/"' in html
    assert "removed" in page_text(response).lower()
    # Its number is not given to any other words, and its short form still leads here.
    assert Turn.objects.filter(transcript=transcript, number=number).count() == 1
    short = client.get(f"/t/{before[number]['pk']}/")
    assert short.status_code == 301 and short["Location"] == f"/transcripts/{transcript.slug}/{number}/"
    assert client.get(f"/transcripts/{transcript.slug}/{number}/embed/").status_code == 410
    assert client.get(f"/transcripts/{transcript.slug}/{number}/cite.ris").status_code == 410


def test_transcript_anchors_still_point_at_the_same_words(client, corrected):
    transcript, before = corrected
    html = client.get(f"/transcripts/{transcript.slug}/").content.decode()
    removed = number_with(before, REMOVED)
    assert f'id="t{removed}"' not in html
    for number, turn in before.items():
        if number == removed or EDIT_OLD in words(turn["text"]):
            continue
        after_anchor = html.split(f'id="t{number}"', 1)[1].split("</article>", 1)[0]
        first_words = words(turn["text"])[:40]
        assert first_words in " ".join(unescape(re.sub(r"<[^>]+>", " ", after_anchor)).split()), number


def test_short_links_survive_the_correction(client, corrected):
    transcript, before = corrected
    for number, turn in before.items():
        response = client.get(f"/t/{turn['pk']}/")
        assert response.status_code == 301
        assert response["Location"] == f"/transcripts/{transcript.slug}/{number}/"


def test_ingesting_the_corrected_version_again_changes_nothing(client, versions, corrected):
    transcript, _ = corrected
    snapshot = list(transcript.turns.order_by("number").values_list("number", "position", "text"))
    ingest(versions[1])
    assert list(transcript.turns.order_by("number").values_list("number", "position", "text")) == snapshot


# Slug corrections in the admin -------------------------------------------------------------------


def rename_in_admin(client, transcript, new_slug):
    from tests.test_admin import post_data_from

    url = reverse("admin:archive_transcript_change", args=[transcript.pk])
    data = post_data_from(client.get(url))
    data["slug"] = new_slug
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "not-a-real-pass")
    client.force_login(user)
    return client


def test_old_slug_redirects_permanently_for_every_address(client, editor, versions):
    ingest(versions[0])
    transcript = Transcript.objects.get()
    old = transcript.slug
    number = transcript.turns.live().order_by("-position").first().number
    rename_in_admin(editor, transcript, "blinken-tapper-state-of-the-union")
    client.logout()
    assert SlugRedirect.objects.filter(old_slug=old).exists()
    new = "blinken-tapper-state-of-the-union"
    expected = {
        f"/transcripts/{old}/": f"/transcripts/{new}/",
        f"/transcripts/{old}/{number}/": f"/transcripts/{new}/{number}/",
        f"/transcripts/{old}/{number}/embed/": f"/transcripts/{new}/{number}/embed/",
        f"/transcripts/{old}/{number}/cite.bib": f"/transcripts/{new}/{number}/cite.bib",
        f"/transcripts/{old}/cite.json": f"/transcripts/{new}/cite.json",
        f"/transcripts/{old}/download.txt": f"/transcripts/{new}/download.txt",
    }
    for old_url, new_url in expected.items():
        response = client.get(old_url)
        assert response.status_code == 301, old_url
        assert response["Location"] == new_url, old_url
    # A quote link keeps its quote through the redirect.
    response = client.get(f"/transcripts/{old}/{number}/", {"quote": "thank you"})
    assert response.status_code == 301
    assert response["Location"] == f"/transcripts/{new}/{number}/?quote=thank+you"
    # Citations now give the new address.
    bib = client.get(f"/transcripts/{new}/{number}/cite.bib").content.decode()
    assert f"/transcripts/{new}/{number}/" in bib


def test_two_renames_and_a_reingest_keep_every_old_address(client, editor, versions):
    ingest(versions[0])
    transcript = Transcript.objects.get()
    first = transcript.slug
    rename_in_admin(editor, transcript, "second-address")
    transcript.refresh_from_db()
    rename_in_admin(editor, transcript, "third-address")
    client.logout()
    ingest(versions[1])
    transcript.refresh_from_db()
    assert transcript.slug == "third-address"
    for old in (first, "second-address"):
        response = client.get(f"/transcripts/{old}/3/")
        assert response.status_code == 301
        assert response["Location"] == "/transcripts/third-address/3/"
    assert client.get("/transcripts/third-address/3/").status_code == 200
