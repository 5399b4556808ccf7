"""Atom feeds and sitemap.xml: well-formed XML that says what a reader or crawler needs."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from django.utils import timezone

from archive import tallies
from archive.models import Transcript, Turn
from archive.sharing import sitemaps
from tests import sharing_data
from tests.search_support import search_index  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom(client, url, HTTP_HOST="testserver", **params):
    response = client.get(url, params, HTTP_HOST=HTTP_HOST)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # What RFC 4287 requires of a feed and of each entry.
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text, name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    return root


def entries(root):
    return [
        (e.find(f"{ATOM}title").text, e.find(f"{ATOM}link[@rel='alternate']").get("href"))
        for e in root.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def two_transcripts():
    seed = sharing_data.interview()
    bare, _ = sharing_data.bare_transcript()
    return seed, bare


@override_settings(ARCHIVE_BASE_URL="https://archive.example.org")
def test_newest_transcripts_feed(client, two_transcripts):
    (interview, _, _), bare = two_transcripts
    root = atom(client, "/feeds/transcripts/")
    assert root.find(f"{ATOM}title").text == "Newest transcripts · Diplomatic Transcript Archive"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://archive.example.org/feeds/transcripts/"
    # Newest added first, each linked at the canonical origin.
    assert entries(root) == [
        (bare.title, f"https://archive.example.org/transcripts/{bare.slug}/"),
        (interview.title, f"https://archive.example.org/transcripts/{interview.slug}/"),
    ]
    summary = root.findall(f"{ATOM}entry")[1].find(f"{ATOM}summary").text
    assert summary == "Interview with Antony J. Blinken (State of the Union, CNN, Washington, D.C.), January 9, 2022."
    assert root.findall(f"{ATOM}entry")[1].find(f"{ATOM}author/{ATOM}name").text == "Antony J. Blinken"


def test_entry_ids_survive_a_slug_correction(client, two_transcripts):
    (interview, _, _), _ = two_transcripts
    before = {e.find(f"{ATOM}id").text for e in atom(client, "/feeds/transcripts/").findall(f"{ATOM}entry")}
    interview.slug = "corrected-slug"
    interview.save()
    after = {e.find(f"{ATOM}id").text for e in atom(client, "/feeds/transcripts/").findall(f"{ATOM}entry")}
    assert before == after


def test_speaker_feed_lists_only_their_transcripts_with_their_first_words(client, two_transcripts):
    (interview, _, _), bare = two_transcripts
    root = atom(client, "/feeds/speakers/antony-j-blinken/")
    assert root.find(f"{ATOM}title").text == "Antony J. Blinken: new transcripts · Diplomatic Transcript Archive"
    assert [title for title, _ in entries(root)] == [interview.title]
    assert "“Neither of those is on the table, Jake, but here’s where we are.”" in (
        root.find(f"{ATOM}entry/{ATOM}summary").text
    )
    assert client.get("/feeds/speakers/nobody/").status_code == 404


def test_speaker_feed_leaves_out_withdrawn_turns(client):
    interview, _, _ = sharing_data.interview()
    Turn.objects.filter(transcript=interview, speaker__slug="antony-j-blinken").update(
        position=None, withdrawn=timezone.now()
    )
    tallies.recount([interview.pk])  # as the corrected ingest that withdraws turns does
    assert entries(atom(client, "/feeds/speakers/antony-j-blinken/")) == []


def test_topic_feed(client, two_transcripts):
    (interview, _, answer), _ = two_transcripts
    russia = sharing_data.topic()
    answer.topics.add(russia)
    root = atom(client, "/feeds/topics/russia/")
    assert [title for title, _ in entries(root)] == [interview.title]
    assert "Antony J. Blinken: “I think that’s right." in root.find(f"{ATOM}entry/{ATOM}summary").text
    assert client.get("/feeds/topics/atlantis/").status_code == 404


def test_feed_text_is_escaped_xml(client):
    sharing_data.bare_transcript(title="<b>Q&A</b> & “quotes”")
    root = atom(client, "/feeds/transcripts/")
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "<b>Q&A</b> & “quotes”"


# sitemap.xml ---------------------------------------------------------------------------------


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    return root, [loc.text for loc in root.iter(f"{SITEMAP}loc")]


@override_settings(ARCHIVE_BASE_URL="https://archive.example.org")
def test_sitemap_index_and_sections(client, two_transcripts):
    (interview, _, answer), bare = two_transcripts
    Turn.objects.filter(pk=answer.pk).update(position=None, withdrawn=timezone.now())
    root, sections = locations(client, "/sitemap.xml")
    assert root.tag == f"{SITEMAP}sitemapindex"
    assert "https://archive.example.org/sitemap-turns.xml" in sections
    assert "https://archive.example.org/sitemap-transcripts.xml" in sections
    urls = []
    for section in sections:
        section_root, found = locations(client, section.replace("https://archive.example.org", ""))
        assert section_root.tag == f"{SITEMAP}urlset"
        urls += found
    assert f"https://archive.example.org/transcripts/{interview.slug}/" in urls
    assert f"https://archive.example.org/transcripts/{interview.slug}/2/" in urls
    assert "https://archive.example.org/speakers/antony-j-blinken/" in urls
    assert "https://archive.example.org/" in urls
    # A withdrawn turn is not offered to crawlers.
    assert f"https://archive.example.org/transcripts/{interview.slug}/4/" not in urls
    assert len(urls) == len(set(urls))


def test_sitemap_turns_are_paged(client, monkeypatch, two_transcripts):
    monkeypatch.setattr(sitemaps.TurnSitemap, "limit", 2)
    _, sections = locations(client, "/sitemap.xml")
    assert "http://testserver/sitemap-turns.xml?p=2" in sections
    assert "http://testserver/sitemap-turns.xml?p=3" in sections
    _, page_two = locations(client, "/sitemap-turns.xml?p=2")
    assert len(page_two) == 2
    assert client.get("/sitemap-turns.xml?p=9").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_lastmod_is_a_date(client, two_transcripts):
    response = client.get("/sitemap-transcripts.xml")
    root = ET.fromstring(response.content)
    for lastmod in root.iter(f"{SITEMAP}lastmod"):
        datetime.date.fromisoformat(lastmod.text[:10])
    assert Transcript.objects.count() == len(list(root.iter(f"{SITEMAP}url")))


# A saved search -------------------------------------------------------------------------------


@pytest.fixture
def indexed(search_index):
    from archive.search.indexing import index_transcripts

    interview, question, answer = sharing_data.interview()
    bare, _ = sharing_data.bare_transcript()
    index_transcripts([interview.pk, bare.pk])
    return interview, question, answer


def test_search_feed_is_an_alert_for_new_matching_answers(client, indexed):
    from archive.search.indexing import index_transcripts

    interview, _, answer = indexed
    root = atom(client, "/feeds/search/", q="spheres of influence")
    assert root.find(f"{ATOM}title").text == "Search: spheres of influence · Diplomatic Transcript Archive"
    assert [link for _, link in entries(root)] == [f"http://testserver{answer.get_absolute_url()}"]
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://testserver/search/?q=spheres+of+influence&sort=added"
    )
    # A transcript added later with a matching answer appears at the top of the feed.
    later, _, later_answer = sharing_data.interview(
        slug="2022-02-01-later", source_key="later", date=datetime.date(2022, 2, 1), title="A later interview"
    )
    Turn.objects.filter(pk=later_answer.pk).update(created=timezone.now() + datetime.timedelta(minutes=5))
    index_transcripts([later.pk])
    links = [link for _, link in entries(atom(client, "/feeds/search/", q="spheres of influence"))]
    assert links == [
        f"http://testserver{later_answer.get_absolute_url()}",
        f"http://testserver{answer.get_absolute_url()}",
    ]


def test_search_feed_alerts_to_an_old_transcript_added_today(client, indexed, monkeypatch):
    # Only the newest few matches are read for the feed; an interview from 2010 stored today
    # must be among them, as it is news to whoever follows the search.
    from archive.sharing import feeds
    from archive.search.indexing import index_transcripts

    monkeypatch.setattr(feeds, "SEARCH_WINDOW", 1)
    backfilled, _, old_answer = sharing_data.interview(
        slug="2010-03-01-backfilled", source_key="backfilled", date=datetime.date(2010, 3, 1), title="An old interview"
    )
    index_transcripts([backfilled.pk])
    links = [link for _, link in entries(atom(client, "/feeds/search/", q="spheres of influence"))]
    assert links == [f"http://testserver{old_answer.get_absolute_url()}"]
    # The search page offers the same order.
    page = client.get("/search/", {"q": "spheres of influence", "sort": "added"})
    assert [r.turn for r in page.context["result"].results][0] == old_answer


def test_search_feed_keeps_the_filters(client, indexed):
    interview, _, answer = indexed
    assert entries(atom(client, "/feeds/search/", q="table", speaker="jake-tapper")) != []
    for _, link in entries(atom(client, "/feeds/search/", q="table", speaker="antony-j-blinken")):
        assert Turn.objects.get(
            transcript__slug=link.split("/")[-3], number=int(link.split("/")[-2])
        ).speaker.slug == "antony-j-blinken"
    # Nonsense filters are left out, never an error.
    atom(client, "/feeds/search/", q='"unbalanced', **{"from": "not-a-date"})


def test_search_page_links_its_feed_and_csv(client, indexed):
    html = client.get("/search/", {"q": "spheres of influence"}).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Search alert: spheres of influence" '
        'href="/feeds/search/?q=spheres+of+influence">'
    ) in html
    assert 'href="/search/results.csv?q=spheres+of+influence" download>Download results as CSV</a>' in html


def test_speaker_and_topic_pages_offer_their_feeds(client, two_transcripts):
    (_, _, answer), _ = two_transcripts
    answer.topics.add(sharing_data.topic())
    speaker_page = client.get("/speakers/antony-j-blinken/").content.decode()
    assert (
        '<a href="/feeds/speakers/antony-j-blinken/" type="application/atom+xml">'
        "Follow new transcripts with Antony J. Blinken (Atom feed)</a>"
    ) in speaker_page
    topic_page = client.get("/topics/russia/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" title="Russia: new transcripts" href="/feeds/topics/russia/">' in topic_page
    assert "Follow new transcripts about Russia (Atom feed)" in topic_page


def _ids(root):
    return [root.find(f"{ATOM}id").text] + [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]


@override_settings(ARCHIVE_BASE_URL="https://archive.example.org")
def test_entry_ids_come_from_the_archive_address_not_the_host_asked(client, two_transcripts):
    (interview, _, _), _ = two_transcripts
    ids = _ids(atom(client, "/feeds/transcripts/"))
    assert ids[0] == "tag:archive.example.org,2024:feed/feeds/transcripts/"
    assert f"tag:archive.example.org,2024:transcript/{interview.pk}" in ids
    assert _ids(atom(client, "/feeds/transcripts/", HTTP_HOST="127.0.0.1")) == ids


def test_without_an_archive_address_ids_still_do_not_follow_the_host(client, two_transcripts):
    ids = _ids(atom(client, "/feeds/transcripts/"))
    assert _ids(atom(client, "/feeds/transcripts/", HTTP_HOST="127.0.0.1")) == ids
    assert all(i.startswith("tag:localhost,2024:") for i in ids)


def test_a_turn_a_role_spoke_has_no_author_of_that_name(client, search_index):  # noqa: F811
    from archive.search.indexing import index_transcripts

    interview, question, answer = sharing_data.interview()
    question.speaker = sharing_data.role("Question", "question")
    question.save()
    index_transcripts([interview.pk])
    root = atom(client, "/feeds/search/", q="Soviet Union")
    authors = {
        e.find(f"{ATOM}link[@rel='alternate']").get("href"): [a.text for a in e.findall(f"{ATOM}author/{ATOM}name")]
        for e in root.findall(f"{ATOM}entry")
    }
    assert authors == {
        f"http://testserver{question.get_absolute_url()}": [],
        f"http://testserver{answer.get_absolute_url()}": ["Antony J. Blinken"],
    }
    # The feed names its own author, so every entry still has one as Atom requires.
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Diplomatic Transcript Archive"
