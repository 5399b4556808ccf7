"""Sharing one answer: quote links, share cards, schema.org data, the citation box, the
embed, the short link, downloads and robots.txt."""

import csv
import io
import json
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from archive.models import SlugRedirect, Turn, TurnRevision
from archive.sharing import exports
from archive.sharing.quotes import QuoteMatch, find_quote
from tests import sharing_data
from tests.search_support import search_index  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

SLUG = "2022-01-09-blinken-tapper-cnn"
TURN_URL = f"/transcripts/{SLUG}/4/"


@pytest.fixture
def seed():
    return sharing_data.interview()


def head(html):
    return html.split("</head>", 1)[0]


def meta(html, key):
    """The content of ``<meta property|name="key">`` in the page head, unescaped."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', head(html))
    assert match, f"no {key} tag"
    from html import unescape

    return unescape(match.group(1))


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


# Quote matching --------------------------------------------------------------------------


def test_quote_matching_ignores_case_spacing_and_typographic_quotes():
    text = "I think that’s one of President Putin’s  objectives — clearly."
    assert find_quote(text, "that's ONE of president putin's objectives") is not None
    assert find_quote(text, "objectives - clearly") is not None
    start, end = find_quote(text, "Putin's objectives")
    assert text[start:end] == "Putin’s  objectives"
    assert find_quote(text, "Russia's objectives") is None
    assert find_quote(text, "   ") is None


def test_quote_spanning_two_paragraphs_marks_both_and_escapes_everything():
    text = "First <b>part</b> ends here.\n\nSecond part (Laughter.) goes on."
    match = QuoteMatch(text, "ends here. Second part (Laughter.)", notes=["(Laughter.)"])
    assert match.found
    first, second = match.paragraphs
    assert first == 'First &lt;b&gt;part&lt;/b&gt; <mark class="quote-mark">ends here.</mark>'
    assert second == (
        '<mark class="quote-mark">Second part </mark><span class="note"><mark class="quote-mark">'
        "(Laughter.)</mark></span> goes on."
    )


# The turn page ----------------------------------------------------------------------------


def test_quote_link_opens_with_the_quote_highlighted(client, seed):
    response = client.get(TURN_URL, {"quote": "We can't go back to a world of spheres of influence"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="quote-mark">We can’t go back to a world of spheres of influence</mark>' in html
    assert "The quoted words are highlighted below." in html
    # The answer itself keeps its anchor, so the page opens there without JavaScript.
    assert 'id="t4"' in html


def test_hostile_quote_is_text_never_markup(client, seed):
    response = client.get(TURN_URL, {"quote": '<img src=x onerror="alert(1)">'})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "The quoted words are not in this answer" in html
    assert "quote-mark" not in html


def test_quote_no_longer_in_the_text_says_so_and_points_at_the_earlier_wording(client, seed):
    _, _, answer = seed
    TurnRevision.objects.create(turn=answer, speaker_label=answer.speaker_label, text="We will never go back to that era.")
    response = client.get(TURN_URL, {"quote": "never go back to that era"})
    html = response.content.decode()
    assert "The quoted words are not in this answer: they were changed in a correction." in html
    assert 'href="#corrections"' in html
    assert "never go back to that era" in html


def test_without_a_quote_there_is_no_highlight_or_notice(client, seed):
    html = client.get(TURN_URL).content.decode()
    assert "quote-mark" not in html and "quote-notice" not in html


def test_the_quote_form_makes_a_quote_link_without_javascript(client, seed):
    html = client.get(TURN_URL).content.decode()
    assert f'<form class="quote-form share-field" method="get" action="{TURN_URL}#t4">' in html
    assert '<input id="quote-input" name="quote"' in html


def test_citation_box_has_every_style_copy_texts_and_downloads(client, seed):
    html = client.get(TURN_URL).content.decode()
    assert 'id="cite-chicago">Blinken, Antony J. “Secretary Antony J. Blinken' in html
    assert "<i>State of the Union</i>, CNN, January 9, 2022." in html
    for style in ("chicago", "apa", "mla"):
        assert f'data-copy="cite-{style}"' in html
    for ext in ("bib", "ris", "json"):
        assert f'href="{TURN_URL}cite.{ext}"' in html
    # The texts the copy buttons copy are on the page without JavaScript.
    assert f'id="share-permalink" type="text" readonly value="http://testserver{TURN_URL}"' in html
    assert re.search(r'<textarea id="share-with-quote"[^>]*>“I think that’s right\.', html)
    assert "&lt;blockquote class=&quot;archive-quote&quot;" in html
    # Buttons appear only when the script can copy.
    assert re.search(r'<button type="button" class="copy-button" data-copy="share-permalink" hidden>', html)
    assert '<script src="/static/js/quote.js" defer></script>' in html


@override_settings(ARCHIVE_BASE_URL="https://archive.example.org")
def test_share_cards_on_a_turn_page(client, seed):
    html = client.get(TURN_URL).content.decode()
    assert meta(html, "og:title") == (
        "Antony J. Blinken — Secretary Antony J. Blinken With Jake Tapper of CNN’s State of the Union"
    )
    assert meta(html, "og:description").startswith("I think that’s right. I think that’s one of President Putin’s")
    assert meta(html, "og:url") == f"https://archive.example.org{TURN_URL}"
    assert meta(html, "og:type") == "article"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:title") == meta(html, "og:title")
    assert f'<link rel="canonical" href="https://archive.example.org{TURN_URL}">' in html
    assert head(html).count('rel="canonical"') == 1


def test_share_card_of_a_quote_link_unfurls_as_the_quote(client, seed):
    html = client.get(TURN_URL, {"quote": "a recipe that led to world wars"}).content.decode()
    assert meta(html, "og:description") == "a recipe that led to world wars"
    assert meta(html, "og:url") == f"http://testserver{TURN_URL}?quote=a+recipe+that+led+to+world+wars#t4"


def test_long_answers_are_cut_for_the_card(client, seed):
    _, _, answer = seed
    answer.text = "word " * 400
    answer.save()
    description = meta(client.get(TURN_URL).content.decode(), "og:description")
    assert len(description) <= 280 and description.endswith("…")


def test_json_ld_on_turn_and_transcript_pages(client, seed):
    turn_ld = json_ld(client.get(TURN_URL).content.decode())
    assert turn_ld["@type"] == "Quotation"
    assert turn_ld["creator"]["name"] == "Antony J. Blinken"
    assert turn_ld["text"].startswith("I think that’s right.")
    assert turn_ld["isPartOf"]["url"] == f"http://testserver/transcripts/{SLUG}/"
    transcript_ld = json_ld(client.get(f"/transcripts/{SLUG}/").content.decode())
    assert transcript_ld["@type"] == "CreativeWork"
    assert transcript_ld["about"]["startDate"] == "2022-01-09"
    assert transcript_ld["publisher"]["name"] == "U.S. Department of State"
    assert transcript_ld["isBasedOn"].startswith("https://www.state.gov/")
    assert [p["name"] for p in transcript_ld["contributor"]] == ["Antony J. Blinken"]


def test_json_ld_cannot_close_its_script_element(client):
    hostile = "</script><script>alert(1)</script><!--"
    transcript, turn = sharing_data.bare_transcript(title=hostile)
    turn.text = hostile
    turn.save()
    for url in (f"/transcripts/{transcript.slug}/", f"/transcripts/{transcript.slug}/1/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        data = json_ld(html)
        assert hostile in (data.get("name"), data.get("text"))


def test_transcript_page_offers_citation_downloads_and_feeds(client, seed):
    html = client.get(f"/transcripts/{SLUG}/").content.decode()
    assert '<details class="share-box share-box-transcript" id="cite">' in html
    assert f'href="/transcripts/{SLUG}/download.txt"' in html
    assert f'href="/transcripts/{SLUG}/download.json"' in html
    assert f'href="/transcripts/{SLUG}/cite.bib"' in html
    assert 'href="/feeds/speakers/antony-j-blinken/"' in html
    assert '<link rel="alternate" type="application/atom+xml" title="Newest transcripts" href="/feeds/transcripts/">' in html


def test_speaker_page_links_the_speakers_feed(client, seed):
    html = client.get("/speakers/antony-j-blinken/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Antony J. Blinken: new transcripts" '
        'href="/feeds/speakers/antony-j-blinken/">'
    ) in head(html)


# Short link and embed ------------------------------------------------------------------------


def test_short_link_redirects_to_the_canonical_address(client, seed):
    _, _, answer = seed
    response = client.get(f"/t/{answer.pk}/")
    assert response.status_code == 301
    assert response["Location"] == TURN_URL
    response = client.get(f"/t/{answer.pk}/", {"quote": "recipe"})
    assert response["Location"] == f"{TURN_URL}?quote=recipe"
    assert client.get("/t/999999/").status_code == 404
    assert client.get(f"/t/{2**64}/").status_code == 404
    assert client.get(f"{TURN_URL[:-2]}{2**40}/embed/").status_code == 404


def test_short_link_follows_a_slug_correction(client, seed):
    transcript, _, answer = seed
    SlugRedirect.objects.create(old_slug=transcript.slug, transcript=transcript)
    transcript.slug = "2022-01-09-blinken-state-of-the-union"
    transcript.save()
    response = client.get(f"/t/{answer.pk}/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/transcripts/2022-01-09-blinken-state-of-the-union/4/"


def test_embed_is_a_plain_blockquote_that_may_be_framed(client, seed):
    response = client.get(f"{TURN_URL}embed/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert f'<blockquote class="archive-quote" cite="http://testserver{TURN_URL}">' in html
    assert "<p>I think that’s right. I think that’s one of President Putin’s objectives" in html
    assert "<cite>Antony J. Blinken</cite>" in html
    assert '<time datetime="2022-01-09">January 9, 2022</time>' in html
    assert "<script" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_embed_of_a_quote_shows_just_the_quote(client, seed):
    html = client.get(f"{TURN_URL}embed/", {"quote": "a recipe for conflict"}).content.decode()
    assert "<p>a recipe for conflict</p>" in html
    assert "Putin" not in html.split("<blockquote", 1)[1].split("</blockquote>")[0].split("<footer>")[0]


def test_embed_of_a_withdrawn_turn_is_gone_and_old_slugs_redirect(client, seed):
    transcript, _, answer = seed
    Turn.objects.filter(pk=answer.pk).update(position=None, withdrawn=timezone.now())
    response = client.get(f"{TURN_URL}embed/")
    assert response.status_code == 410
    assert f'href="/transcripts/{SLUG}/"' in response.content.decode()
    SlugRedirect.objects.create(old_slug="old-address", transcript=transcript)
    response = client.get("/transcripts/old-address/2/embed/?quote=x")
    assert response.status_code == 301
    assert response["Location"] == f"/transcripts/{SLUG}/2/embed/?quote=x"


# Downloads --------------------------------------------------------------------------------------


def test_transcript_as_plain_text(client, seed):
    response = client.get(f"/transcripts/{SLUG}/download.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f'filename="{SLUG}.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("Secretary Antony J. Blinken With Jake Tapper of CNN’s State of the Union\n")
    assert "Interview · January 9, 2022 · Washington, D.C." in text
    assert "\n[4] Antony J. Blinken (SECRETARY BLINKEN):\nI think that’s right." in text
    assert "Cite as: Blinken, Antony J." in text


def test_transcript_as_json_leaves_out_withdrawn_turns(client, seed):
    _, _, answer = seed
    Turn.objects.filter(pk=answer.pk).update(position=None, withdrawn=timezone.now())
    response = client.get(f"/transcripts/{SLUG}/download.json")
    data = json.loads(response.content)
    assert data["title"].startswith("Secretary Antony J. Blinken")
    assert data["date"] == "2022-01-09"
    assert [t["number"] for t in data["turns"]] == [1, 2, 3]
    assert data["turns"][1]["answers"] == 1
    assert data["turns"][1]["url"] == f"http://testserver/transcripts/{SLUG}/2/"
    assert data["citation"]["chicago"].startswith("Blinken, Antony J.")
    assert data["csl"]["type"] == "interview"


def test_downloads_follow_old_slugs_and_reject_unknown_formats(client, seed):
    transcript, _, _ = seed
    SlugRedirect.objects.create(old_slug="old-address", transcript=transcript)
    response = client.get("/transcripts/old-address/download.txt")
    assert response.status_code == 301 and response["Location"] == f"/transcripts/{SLUG}/download.txt"
    assert client.get(f"/transcripts/{SLUG}/download.exe").status_code == 404


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Plain words", "Plain words"),
        ("— an em dash", "— an em dash"),
    ],
)
def test_csv_cells_cannot_be_formulas(value, expected):
    assert exports.neutralise_formula(value) == expected


def test_csv_rows_have_the_promised_columns(seed):
    _, _, answer = seed
    answer.text = "=cmd|' /C calc'!A0"
    rows = list(exports.csv_rows([answer], root="https://archive.example.org"))
    assert rows[0] == ["date", "speaker", "transcript", "quote", "link"]
    assert rows[1] == [
        "2022-01-09",
        "Antony J. Blinken",
        "Secretary Antony J. Blinken With Jake Tapper of CNN’s State of the Union",
        "'=cmd|' /C calc'!A0",
        f"https://archive.example.org{TURN_URL}",
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    assert list(csv.reader(io.StringIO(buffer.getvalue())))[1][3].startswith("'=")


# robots.txt ---------------------------------------------------------------------------------------


@override_settings(ARCHIVE_BASE_URL="https://archive.example.org")
def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Sitemap: https://archive.example.org/sitemap.xml" in lines


# Search results, the CSV of a search ---------------------------------------------------------


@pytest.fixture
def indexed(search_index):
    from archive.search.indexing import index_transcripts

    transcript, question, answer = sharing_data.interview()
    index_transcripts([transcript.pk])
    return transcript, question, answer


def test_searched_words_found_in_a_turn_become_its_quote():
    from archive.sharing.quotes import searched_words_in

    text = "We can’t go back to a world of spheres of influence."
    assert searched_words_in(text, '"world of spheres"') == "world of spheres"
    assert searched_words_in(text, "can't go back") == "can’t go back"
    assert searched_words_in(text, '-"world of spheres" influence') == ""
    assert searched_words_in(text, "spheres") == ""  # one word is a search, not a quote
    assert searched_words_in(text, '"spheres of power"') == ""


def test_a_phrase_search_result_opens_the_answer_with_the_phrase_highlighted(client, indexed):
    _, _, answer = indexed
    html = client.get("/search/", {"q": '"sphere of influence over countries"'}).content.decode()
    link = f"{TURN_URL}?quote=sphere+of+influence+over+countries#t4"
    assert f'<a href="{link}">Open this answer' in html
    page = client.get(link.split("#")[0]).content.decode()
    assert '<mark class="quote-mark">sphere of influence over countries</mark>' in page


def test_search_results_as_csv(client, indexed):
    response = client.get("/search/results.csv", {"q": "spheres of influence"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="search-spheres-of-influence.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["date", "speaker", "transcript", "quote", "link"]
    assert rows[1][:3] == [
        "2022-01-09",
        "Antony J. Blinken",
        "Secretary Antony J. Blinken With Jake Tapper of CNN’s State of the Union",
    ]
    assert rows[1][3].startswith("I think that’s right.")
    assert rows[1][4] == f"http://testserver{TURN_URL}"
    assert len(rows) == 2


def test_csv_of_a_hostile_search_is_still_a_file(client, indexed):
    response = client.get("/search/results.csv", {"q": '=1+1 "unclosed', "from": "nonsense", "page": "-3"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == "date,speaker,transcript,quote,link"
