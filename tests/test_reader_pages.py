"""What a reader sees on the transcript, turn, topic, speaker, search and home pages: turn
numbers, finding words, one speaker's turns, sources, the citation box, neighbours' words,
the pictures of when things were said, and the share tags and images."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from archive.charts import timeline
from archive.models import Speaker, Topic, Transcript
from archive.search import indexing
from archive.search.highlight import highlight
from archive.search.query import parse
from archive.views import roles_phrase
from tests.sample_data import build_archive
from tests.search_support import add_turns, search_index, speaker, transcript  # noqa: F401 (fixture)


def main(html):
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


class ReaderPageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)

    def get(self, url, **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()


class TranscriptPageTests(ReaderPageTestCase):
    def test_every_turn_shows_its_number_linking_to_its_own_page(self):
        html = self.get(self.interview.get_absolute_url())
        numbers = re.findall(r'<a class="turn-number" href="([^"]+)"[^>]*><span class="visually-hidden">Turn </span>(\d+)</a>', html)
        base = self.interview.get_absolute_url()
        self.assertEqual(numbers, [(f"{base}1/", "1"), (f"{base}2/", "2"), (f"{base}3/", "3"), (f"{base}5/", "5")])
        # The anchors that citations and links already use still exist.
        for number in (1, 2, 3, 5):
            self.assertIn(f'id="t{number}"', html)

    def test_who_speaks_lists_people_first_with_links_to_their_turns(self):
        html = main(self.get(self.interview.get_absolute_url()))
        roster = html.split('<ul class="speaker-roster">', 1)[1].split("</ul>", 1)[0]
        self.assertLess(roster.index("Antony J. Blinken"), roster.index("Question"))
        self.assertIn('<span class="count">2 turns:</span>\n    <a href="#t2"><span class="visually-hidden">turn </span>2</a>, '
                      '<a href="#t5"><span class="visually-hidden">turn </span>5</a>', roster)
        self.assertIn('<a class="roster-only" href="?speaker=antony-j-blinken">Only Antony J. Blinken</a>', roster)

    def test_one_speakers_turns_alone(self):
        html = main(self.get(self.interview.get_absolute_url(), speaker="antony-j-blinken"))
        turns = html.split('id="turns-heading"', 1)[1]
        self.assertEqual(re.findall(r'<article class="turn[^"]*" id="(t\d+)"', turns), ["t2", "t5"])
        self.assertIn("Only the 2 turns of Antony J. Blinken, of 4.", turns)
        self.assertIn(f'<a href="{self.interview.get_absolute_url()}">Show the whole transcript</a>', turns)
        # The questions are not on this page: "answering" leads to them in the whole transcript.
        self.assertIn(f'answering <a href="{self.interview.get_absolute_url()}#t1">Question</a>', turns)
        # The other speakers' turn numbers lead to the whole transcript too.
        self.assertIn(f'<a href="{self.interview.get_absolute_url()}#t1"><span class="visually-hidden">turn </span>1</a>', html)
        self.assertIn('<span class="roster-only">(shown alone)</span>', html)

    def test_an_unknown_speaker_shows_the_whole_transcript_and_says_so(self):
        html = main(self.get(self.interview.get_absolute_url(), speaker="<b>nobody</b>"))
        self.assertIn("No speaker with the address “&lt;b&gt;nobody&lt;/b&gt;” speaks in this transcript", html)
        self.assertEqual(len(re.findall(r'<article class="turn', html)), 4)

    def test_find_marks_the_turns_and_lists_them_at_the_top(self):
        html = main(self.get(self.interview.get_absolute_url(), find="table"))
        self.assertIn('<h3 id="find-heading">2 turns with “table”</h3>', html)
        self.assertIn('<li><a href="#t1">Turn 1</a> <span class="find-who">Question</span>: …on the negotiating table?</li>', html)
        self.assertIn('<li><a href="#t2">Turn 2</a> <span class="find-who">Antony J. Blinken</span>: …is on the table, Jake. (Laughter.) Not now.</li>', html)
        self.assertIn('Are either of those on the negotiating <mark class="find-mark">table</mark>?', html)
        # The note keeps its own markup; the found word is marked inside the text.
        self.assertIn('Neither of those is on the <mark class="find-mark">table</mark>, Jake. <span class="note">(Laughter.)</span> Not now.', html)
        self.assertEqual(re.findall(r'<article class="turn[^"]*turn-found" id="(t\d+)"', html), ["t1", "t2"])
        # Every turn is still on the page.
        self.assertEqual(len(re.findall(r'<article class="turn', html)), 4)
        self.assertIn('value="table"', html)

    def test_find_uses_the_search_word_forms_and_syntax(self):
        html = main(self.get(self.interview.get_absolute_url(), find="sanction -massive"))
        self.assertIn("1 turn with “sanction -massive”", html)
        self.assertIn('And what about <mark class="find-mark">sanctions</mark>?', html)
        html = main(self.get(self.interview.get_absolute_url(), find='"negotiating table"'))
        self.assertIn('the <mark class="find-mark">negotiating table</mark>?', html)

    def test_find_nothing_and_hostile_input_are_plain_text(self):
        html = main(self.get(self.interview.get_absolute_url(), find='<script>alert("x")</script> zebra'))
        self.assertIn("No turn here has “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; zebra”", html)
        self.assertNotIn("<script>alert", html)
        html = main(self.get(self.interview.get_absolute_url(), find="?!"))
        self.assertIn("Nothing to find: type a word", html)

    def test_find_within_one_speaker(self):
        html = main(self.get(self.interview.get_absolute_url(), find="table", speaker="antony-j-blinken"))
        self.assertIn("1 turn with “table”", html)
        self.assertIn('<input type="hidden" name="speaker" value="antony-j-blinken">', html)

    def test_query_count_does_not_grow_with_finds(self):
        url = self.interview.get_absolute_url()
        with CaptureQueriesContext(connection) as plain:
            self.client.get(url)
        with CaptureQueriesContext(connection) as found:
            self.client.get(url, {"find": "table", "speaker": "antony-j-blinken"})
        self.assertEqual(len(found), len(plain))

    def test_source_shown_or_said_to_be_missing(self):
        html = main(self.get(self.interview.get_absolute_url()))
        self.assertIn(
            '<dt>Source</dt><dd><a class="source-link" href="https://www.state.gov/secretary-blinken-with-jake-tapper/" '
            'rel="external noopener">U.S. Department of State</a> <span class="source-host">(state.gov)</span>',
            html,
        )
        html = main(self.get(self.remarks.get_absolute_url()))
        self.assertIn('<dt>Source</dt><dd><span class="source-missing">Source address not recorded</span>', html)

    def test_a_source_that_is_not_a_web_address_is_not_a_link(self):
        Transcript.objects.filter(pk=self.remarks.pk).update(source_url="javascript:alert(1)", source_name="Press Office")
        html = main(self.get(self.remarks.get_absolute_url()))
        self.assertIn("Press Office. <span class=\"source-missing\">Source address not recorded</span>", html)
        self.assertNotIn('href="javascript:', html)


class TurnPageTests(ReaderPageTestCase):
    def test_the_publishers_page_beside_the_quote(self):
        html = main(self.get(self.a1.get_absolute_url()))
        source = '<p class="turn-source"><span class="turn-source-label">Original:</span> <a class="source-link" href="https://www.state.gov/secretary-blinken-with-jake-tapper/"'
        self.assertIn(source, html)
        # Right after the answer, before the citation box.
        self.assertLess(html.index("Someone typed"), html.index(source))
        self.assertLess(html.index(source), html.index('id="cite"'))
        html = main(self.get(self.r1.get_absolute_url()))
        self.assertIn('<span class="turn-source-label">Original:</span> <span class="source-missing">Source address not recorded</span>', html)

    def test_citation_box_shows_one_style_and_keeps_the_rest_one_click_away(self):
        html = main(self.get(self.a1.get_absolute_url()))
        styles = re.findall(r'<details class="citation" name="cite-style" data-style="(\w+)"( open)?>', html)
        self.assertEqual(styles, [("chicago", " open"), ("apa", ""), ("mla", "")])
        self.assertIn('<summary class="citation-style" id="cite-apa-label">APA</summary>', html)
        self.assertIn('<p class="citation-text" id="cite-apa">Blinken, A. J. (2022, January 9).', html)
        # The quote form, quote with citation and embed wait behind one summary.
        self.assertIn('<details class="share-more">\n    <summary>Link to part of the answer, quote with citation, embed</summary>', html)
        self.assertLess(html.index('<details class="share-more">'), html.index('id="quote-input"'))
        self.assertLess(html.index('<details class="share-more">'), html.index('id="share-embed"'))

    def test_a_quote_link_opens_the_quote_tools(self):
        html = main(self.get(self.a1.get_absolute_url(), quote="Not now"))
        self.assertIn('<details class="share-more" open>', html)

    def test_previous_and_next_show_the_first_words(self):
        html = main(self.get(self.q2.get_absolute_url()))
        base = self.interview.get_absolute_url()
        self.assertIn(
            f'<li class="prev"><a rel="prev" href="{base}2/"><span class="dir">‹ Previous: turn 2</span> '
            '<span class="who">Antony J. Blinken</span> <span class="opening">Neither of those is on the table, Jake. Not now. Someone typed…</span></a></li>',
            html,
        )
        self.assertIn(
            f'<li class="next"><a rel="next" href="{base}5/"><span class="dir">Next: turn 5 ›</span> '
            '<span class="who">Antony J. Blinken</span> <span class="opening">Massive consequences.</span></a></li>',
            html,
        )


class TranscriptListTests(ReaderPageTestCase):
    def test_a_transcript_of_roles_only_says_who_is_in_it(self):
        briefing = Transcript.objects.create(
            title="Background Press Gaggle", slug="gaggle", date=datetime.date(2021, 6, 15),
            kind=Transcript.Kind.PRESS_BRIEFING, raw_text="", content_hash="2" * 64, source_key="gaggle",
        )
        official = Speaker.objects.create(name="Senior Administration Official", slug="sao", kind=Speaker.Kind.ROLE)
        briefing.turns.create(position=1, number=1, speaker=self.question, speaker_label="Q", text="A question?")
        briefing.turns.create(position=2, number=2, speaker=official, speaker_label="SENIOR ADMINISTRATION OFFICIAL", text="An answer.")
        briefing.turns.create(position=3, number=3, speaker=self.question, speaker_label="Q", text="Another?")
        html = main(self.get(reverse("transcript_list")))
        row = html.split('href="/transcripts/gaggle/"', 1)[1].split("</li>", 1)[0]
        self.assertIn('<p class="row-people">With a senior administration official and reporters</p>', row)
        # A transcript with named people lists them, not its roles.
        row = html.split(f'href="{self.interview.get_absolute_url()}"', 1)[1].split("</li>", 1)[0]
        self.assertIn('With <a href="/speakers/antony-j-blinken/">Antony J. Blinken</a></p>', row)

    def test_roles_phrase(self):
        self.assertEqual(roles_phrase(["Question"]), "reporters")
        self.assertEqual(roles_phrase(["Moderator", "Question", "Aide"]), "a moderator, an aide and reporters")
        self.assertEqual(roles_phrase([]), "")


class ShareTagTests(ReaderPageTestCase):
    def meta(self, html, name):
        found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
        return found.group(1) if found else None

    def canonical(self, html):
        found = re.search(r'<link rel="canonical" href="([^"]*)">', html)
        return found.group(1) if found else None

    @override_settings(ARCHIVE_BASE_URL="https://archive.example.org")
    def test_every_public_page_has_open_graph_tags_and_a_canonical_address(self):
        root = "https://archive.example.org"
        pages = {
            "/": f"{root}/",
            "/transcripts/?kind=interview&utm_source=x": f"{root}/transcripts/?kind=interview",
            "/speakers/": f"{root}/speakers/",
            "/speakers/antony-j-blinken/": f"{root}/speakers/antony-j-blinken/",
            "/topics/": f"{root}/topics/",
            "/topics/ukraine/": f"{root}/topics/ukraine/",
            "/search/?q=sanctions&page=1&find=x": f"{root}/search/?q=sanctions",
            f"{self.interview.get_absolute_url()}?find=table": f"{root}{self.interview.get_absolute_url()}",
            self.a1.get_absolute_url(): f"{root}{self.a1.get_absolute_url()}",
        }
        for url, canonical in pages.items():
            html = self.client.get(url).content.decode()
            self.assertEqual(self.canonical(html), canonical, url)
            for name in ("og:title", "og:description", "og:url", "og:type", "og:image"):
                self.assertTrue(self.meta(html, name), f"{name} missing on {url}")
            self.assertTrue(self.meta(html, "og:image").startswith(f"{root}/"), url)
        html = self.client.get("/speakers/antony-j-blinken/").content.decode()
        self.assertEqual(self.meta(html, "og:title"), "Antony J. Blinken · Diplomatic Transcript Archive")
        self.assertEqual(self.meta(html, "og:image"), f"{root}/card.png")
        html = self.client.get(self.a1.get_absolute_url()).content.decode()
        card = f"{root}{self.a1.get_absolute_url()}card.png"
        self.assertEqual(self.meta(html, "og:image"), card)
        self.assertEqual(self.meta(html, "twitter:image"), card)
        self.assertEqual(self.meta(html, "twitter:card"), "summary_large_image")

    def test_a_turns_card_is_a_cached_png(self):
        url = f"{self.a1.get_absolute_url()}card.png"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertIn("public", response["Cache-Control"])
        self.assertIn("max-age=86400", response["Cache-Control"])
        image = Image.open(io.BytesIO(response.content))
        self.assertEqual((image.format, image.size), ("PNG", (1200, 630)))
        # A client holding this version is told it is still good, without a new picture.
        again = self.client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")

    def test_card_addresses_that_hold_no_turn(self):
        self.assertEqual(self.client.get(f"{self.interview.get_absolute_url()}4/card.png").status_code, 410)
        self.assertEqual(self.client.get(f"{self.interview.get_absolute_url()}99/card.png").status_code, 404)
        moved = self.client.get("/transcripts/blinken-tapper-cnn/2/card.png")
        self.assertEqual((moved.status_code, moved["Location"]), (301, f"{self.a1.get_absolute_url()}card.png"))
        self.assertEqual(self.client.get("/card.png")["Content-Type"], "image/png")


class AdminTests(ReaderPageTestCase):
    def test_admin_has_the_archives_name_and_staff_edit_the_source_address(self):
        self.client.force_login(User.objects.create_superuser("staff", "staff@example.org", "pw"))
        html = self.get(reverse("admin:index"))
        self.assertIn("<title>Transcripts, speakers and topics | Diplomatic Transcript Archive</title>", html)
        self.assertIn("Diplomatic Transcript Archive: staff", html)
        html = self.get(reverse("admin:archive_transcript_change", args=[self.remarks.pk]))
        self.assertRegex(html, r'<input type="url" name="source_url"[^>]*maxlength="1000"')


class HighlightTests(TestCase):
    def test_a_snippet_cut_after_a_full_stop_sets_the_ellipsis_apart(self):
        text = "It was the lesson of two world wars. " + "x" * 200
        snippet = highlight(text, parse("lesson"), size=60)
        self.assertEqual(snippet, "It was the <mark>lesson</mark> of two world wars. …")
        # Cut inside a sentence, the ellipsis follows the last word.
        text = "It was the lesson of two world wars and then " + "x" * 200
        snippet = highlight(text, parse("lesson"), size=60)
        self.assertEqual(snippet, "It was the <mark>lesson</mark> of two world wars and then…")


# -- pictures of when things were said ------------------------------------------------------


def link(start, end):
    return f"/x?from={start}&to={end}"


def test_timeline_by_month_for_a_short_span_with_empty_months_drawn():
    chart = timeline({"2026-07": 3, "2026-10": 1, "bad": 9}, link, undated=2)
    assert chart.by == "month"
    assert [(b.label, b.count, b.href) for b in chart.bars] == [
        ("July 2026", 3, "/x?from=2026-07-01&to=2026-07-31"),
        ("August 2026", 0, ""),
        ("September 2026", 0, ""),
        ("October 2026", 1, "/x?from=2026-10-01&to=2026-10-31"),
    ]
    assert chart.undated == 2 and chart.busiest.label == "July 2026"
    # The tallest bar fills the height; the others are drawn in proportion.
    assert chart.bars[0].height == chart.baseline - 18
    assert chart.bars[1].height == 0


def test_timeline_by_year_for_a_long_span():
    chart = timeline({"2019-02": 1, "2021-06": 2, "2021-07": 2}, link)
    assert chart.by == "year"
    assert [(b.label, b.count) for b in chart.bars] == [("2019", 1), ("2020", 0), ("2021", 4)]
    assert chart.bars[2].href == "/x?from=2021-01-01&to=2021-12-31"
    assert timeline({}, link) is None


def test_one_period_is_a_bar_in_the_middle_not_a_block():
    chart = timeline({"2022-01": 10}, link)
    [bar] = chart.bars
    assert bar.width <= chart.width / 6
    assert bar.text_x == chart.width / 2
    # Enough periods to fill the width still fill it.
    wide = timeline({f"2021-{m:02d}": 1 for m in range(1, 13)}, link)
    assert wide.bars[0].x < 5 and wide.bars[-1].x + wide.bars[-1].width > wide.width - 5


def test_labels_and_counts_that_would_touch_are_left_out():
    # Eighteen years of a busy speaker: side-by-side years and four-digit counts would overlap.
    chart = timeline({f"{year}-06": 5_000 + year for year in range(2009, 2027)}, link)
    assert [b.short for b in chart.bars if b.show_label] == ["2009", "2015", "2020", "2026"]
    shown = [b for b in chart.bars if b.show_label]
    assert all(b.x - a.x >= 4 * 8 for a, b in zip(shown, shown[1:]))
    assert not chart.show_counts  # "7,026" is wider than a bar's slot; the table has them
    # Few bars have room for both.
    few = timeline({"2021-06": 7_000, "2023-06": 12_345}, link)
    assert few.show_counts and all(b.show_label for b in few.bars)


@pytest.fixture
def dated(search_index):
    blinken = speaker("Antony J. Blinken", "antony-j-blinken")
    question = speaker("Question", "question", kind=Speaker.Kind.ROLE)
    russia = Topic.objects.get_or_create(slug="russia", defaults={"name": "Russia", "kind": "country"})[0]
    early = transcript("Interview", datetime.date(2022, 1, 9), slug="early")
    later = transcript("Briefing", datetime.date(2022, 3, 2), slug="later")
    first = add_turns(early, (question, "What about Russia?"), (blinken, "Russia will pay a price."))
    second = add_turns(later, (blinken, "Russia has not changed course."), (blinken, "Nothing else."))
    for turn in (first[0], first[1], second[0]):
        turn.topics.add(russia)
    indexing.rebuild()
    return blinken


@pytest.mark.django_db
def test_search_chart_bars_narrow_the_search_to_their_month(client, dated):
    html = client.get("/search/", {"q": "Russia", "speaker": "antony-j-blinken"}).content.decode()
    assert 'aria-label="January 2022: 1 turn"' in html
    assert '<a href="?q=Russia&amp;speaker=antony-j-blinken&amp;from=2022-01-01&amp;to=2022-01-31"' in html
    assert '<a href="?q=Russia&amp;speaker=antony-j-blinken&amp;from=2022-03-01&amp;to=2022-03-31"' in html
    # February had nothing: drawn as a gap, not a link.
    assert "from=2022-02-01" not in html
    assert "<desc" in html and "2 turns from January 2022 to March 2022; the most, 1, in January 2022." in html
    # The bar's address shows what the bar promised.
    narrowed = client.get("/search/", {"q": "Russia", "speaker": "antony-j-blinken", "from": "2022-03-01", "to": "2022-03-31"})
    assert narrowed.context["result"].total == 1


@pytest.mark.django_db
def test_speaker_and_topic_pages_chart_their_turns_with_search_links(client, dated):
    html = client.get("/speakers/antony-j-blinken/").content.decode()
    assert '<a href="/search/?speaker=antony-j-blinken&amp;from=2022-03-01&amp;to=2022-03-31" aria-label="March 2022: 2 turns">' in html
    assert ">March 2022</a></th><td>2</td>" in html
    html = client.get("/topics/russia/").content.decode()
    assert '<a href="/search/?topic=russia&amp;from=2022-01-01&amp;to=2022-01-31" aria-label="January 2022: 2 turns">' in html


@pytest.mark.django_db
def test_topic_page_leads_with_people_and_keeps_roles_apart(client, dated):
    html = main(client.get("/topics/russia/").content.decode())
    who = html.split('id="who-heading"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r">([^<>]+)</a> <span class=\"count\">(\d+) turns?</span>", who) == [
        ("Antony J. Blinken", "2"),
        ("Question", "1"),
    ]
    assert who.index("Antony J. Blinken") < who.index("Also, by role") < who.index("Question")


@pytest.mark.django_db
def test_chart_pages_run_a_fixed_number_of_queries(client, dated):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    pages = ["/speakers/antony-j-blinken/", "/topics/russia/", "/search/?q=Russia"]
    for url in pages:
        client.get(url)  # once first, so that caches filled by a first visit are not counted
    before = [count(url) for url in pages]
    more = transcript("Later still", datetime.date(2023, 5, 1), slug="later-still")
    for turn in add_turns(more, (dated, "Russia again."), (dated, "And Russia once more.")):
        turn.topics.add(Topic.objects.get(slug="russia"))
    indexing.rebuild()
    for url in pages:
        client.get(url)
    assert [count(url) for url in pages] == before
