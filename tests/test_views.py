"""The browsing pages: what a reader sees, and that bad addresses never break them."""

import datetime
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from archive.models import SlugRedirect, Transcript
from archive.templatetags.archive_text import http_url, render_paragraph
from tests.sample_data import HOSTILE, add_turns, build_archive


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


class PageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)


class BaseLayoutTests(PageTestCase):
    def test_layout_has_landmarks_skip_link_language_and_search(self):
        html = self.client.get(reverse("transcript_list")).content.decode()
        self.assertIn('<html lang="en">', html)
        self.assertIn('<a class="skip-link" href="#main">', html)
        self.assertIn('<main id="main"', html)
        self.assertIn('<nav class="site-nav" aria-label="Main">', html)
        self.assertRegex(html, r'<form class="site-search" role="search" action="/search/" method="get">')
        self.assertIn('name="q"', html)
        self.assertIn("<footer", html)
        self.assertIn("Diplomatic Transcript Archive", html)

    def test_home_has_one_search_form_of_its_own(self):
        html = self.client.get(reverse("home")).content.decode()
        self.assertEqual(html.count('role="search"'), 1)
        self.assertIn('<form class="big-search" role="search" action="/search/" method="get">', html)

    def test_current_section_is_marked_in_the_nav(self):
        html = self.client.get(reverse("speaker_list")).content.decode()
        self.assertIn('href="/speakers/" aria-current="page"', html)
        self.assertNotIn('href="/transcripts/" aria-current="page"', html)

    def test_stylesheet_is_our_own_and_nothing_loads_from_elsewhere(self):
        html = self.client.get(reverse("transcript_detail", args=[self.interview.slug])).content.decode()
        self.assertIn('<link rel="stylesheet" href="/static/css/archive.css">', html)
        assets = re.findall(r'\ssrc="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        self.assertTrue(assets)
        for asset in assets:
            self.assertTrue(asset.startswith("/static/"), asset)


class HomeTests(PageTestCase):
    def test_home_says_what_the_archive_holds(self):
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        stats = response.content.decode()
        self.assertEqual(response.context["totals"]["transcripts"], 2)
        self.assertEqual(response.context["turn_total"], 6)  # the withdrawn turn is not counted
        # Counted as /speakers/ counts them: two people (Blinken, Price) and one role.
        self.assertIn('>2 people</a> <span class="stats-roles">and 1 role</span>', stats)
        speakers = self.client.get(reverse("speaker_list")).content.decode()
        self.assertIn("2 people and 1 role such as", speakers)
        self.assertIn("January 9, 2022", stats)
        self.assertContains(response, self.interview.get_absolute_url())
        self.assertContains(response, 'id="home-search-q" name="q"')

    def test_home_query_count_is_fixed(self):
        before = count_queries(self.client, reverse("home"))
        for i in range(5):
            Transcript.objects.create(title=f"T{i}", slug=f"t{i}", raw_text="", content_hash="", source_key=f"t{i}")
        self.assertEqual(count_queries(self.client, reverse("home")), before)


class TranscriptListTests(PageTestCase):
    url = reverse("transcript_list")

    def test_rows_show_title_date_kind_location_turns_and_people(self):
        response = self.client.get(self.url)
        self.assertContains(response, escape(self.interview.title))
        self.assertContains(response, '<time datetime="2022-01-09">January 9, 2022</time>', html=True)
        self.assertContains(response, "Interview")
        self.assertContains(response, "Washington, D.C.")
        self.assertContains(response, "4 turns")
        self.assertContains(response, '<a href="/speakers/antony-j-blinken/">Antony J. Blinken</a>', html=True)

    def test_newest_first_and_unknown_date_last(self):
        Transcript.objects.create(
            title="Later Briefing", slug="later", date=datetime.date(2023, 5, 1), raw_text="", content_hash="",
            source_key="later",
        )
        html = self.client.get(self.url).content.decode()
        positions = [html.index(title) for title in ("Later Briefing", "Jake Tapper", "Remarks to the Press")]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("Date unknown", html)

    def test_year_filter_with_counts(self):
        response = self.client.get(self.url, {"year": "2022"})
        self.assertEqual(list(response.context["transcripts"]), [self.interview])
        self.assertContains(response, "Date unknown")  # offered as a year facet
        undated = self.client.get(self.url, {"year": "unknown"})
        self.assertEqual(list(undated.context["transcripts"]), [self.remarks])
        self.assertEqual(self.client.get(self.url, {"year": "1999"}).context["transcripts"].__len__(), 0)

    def test_kind_filter(self):
        response = self.client.get(self.url, {"kind": "remarks"})
        self.assertEqual(list(response.context["transcripts"]), [self.remarks])
        self.assertContains(response, "Transcripts: Remarks")

    def test_invalid_filters_are_ignored_not_errors(self):
        for params in ({"year": "20x2"}, {"year": "99999"}, {"year": "٢٠٢٢"}, {"kind": "<b>"}, {"year": "", "kind": ""}):
            response = self.client.get(self.url, params)
            self.assertEqual(response.status_code, 200, params)
            self.assertEqual(len(response.context["transcripts"]), 2, params)

    def test_bad_or_missing_pages_are_404(self):
        for page in ("0", "-1", "abc", "2", "99999999999999999999999"):
            self.assertEqual(self.client.get(self.url, {"page": page}).status_code, 404, page)
        self.assertEqual(self.client.get(self.url, {"page": "1"}).status_code, 200)

    def test_filters_and_pagination_keep_each_other(self):
        Transcript.objects.bulk_create(
            Transcript(
                title=f"Briefing {i:02d}", slug=f"briefing-{i}", date=datetime.date(2021, 3, 1 + i % 28),
                kind=Transcript.Kind.PRESS_BRIEFING, raw_text="", content_hash="", source_key=f"briefing-{i}",
            )
            for i in range(30)
        )
        response = self.client.get(self.url, {"year": "2021", "kind": "press-briefing"})
        self.assertEqual(len(response.context["transcripts"]), 25)
        next_links = re.findall(r'<a rel="next" href="([^"]+)"', response.content.decode())
        self.assertEqual(len(next_links), 1)
        self.assertEqual(sorted(next_links[0].lstrip("?").replace("&amp;", "&").split("&")),
                         ["kind=press-briefing", "page=2", "year=2021"])

        second = self.client.get(self.url + next_links[0].replace("&amp;", "&"))
        self.assertEqual(len(second.context["transcripts"]), 5)
        html = second.content.decode()
        # Changing a filter goes back to page 1 but keeps the other filter.
        kind_links = re.findall(r'href="(\?[^"]*)"[^>]*>All kinds', html)
        self.assertEqual(kind_links, ["?year=2021"])
        year_links = re.findall(r'href="(\?[^"]*)"[^>]*>All years', html)
        self.assertEqual(year_links, ["?kind=press-briefing"])

    def test_facet_counts_follow_the_other_filter(self):
        response = self.client.get(self.url, {"kind": "remarks"})
        years = {option["value"]: option["count"] for option in response.context["years"]}
        self.assertEqual(years, {"unknown": 1})

    def test_query_count_is_fixed(self):
        before = count_queries(self.client, self.url)
        for i in range(10):
            t = Transcript.objects.create(
                title=f"T{i}", slug=f"t{i}", date=datetime.date(2020, 1, 1), raw_text="", content_hash="",
                source_key=f"t{i}",
            )
            add_turns(t, 3, self.price)
        self.assertEqual(count_queries(self.client, self.url), before)
        self.assertEqual(count_queries(self.client, self.url + "?year=2020&kind=other"), before)


class TranscriptDetailTests(PageTestCase):
    def get(self):
        return self.client.get(reverse("transcript_detail", args=[self.interview.slug]))

    def test_metadata(self):
        response = self.get()
        self.assertContains(response, "<h1>Secretary Blinken with Jake Tapper of CNN&#x27;s State of the Union</h1>", html=True)
        self.assertContains(response, "January 9, 2022")
        for value in ("Interview", "Washington, D.C.", "Studio", "CNN", "State of the Union"):
            self.assertContains(response, value)
        self.assertContains(
            response,
            '<a class="source-link" href="https://www.state.gov/secretary-blinken-with-jake-tapper/" rel="external noopener">'
            "U.S. Department of State</a>",
            html=True,
        )

    def test_every_live_turn_in_order_with_anchors(self):
        html = self.get().content.decode()
        anchors = re.findall(r'<article class="turn[^"]*" id="(t\d+)"', html)
        self.assertEqual(anchors, ["t1", "t2", "t3", "t5"])
        self.assertNotIn("Words that a correction removed.", html)

    def test_text_is_escaped_and_notes_wrapped(self):
        response = self.get()
        html = response.content.decode()
        self.assertNotIn(HOSTILE, html)
        self.assertIn("Someone typed &lt;script&gt;alert(1)&lt;/script&gt; here.", html)
        self.assertIn('Jake. <span class="note">(Laughter.)</span> Not now.', html)
        # Paragraphs split on the blank line.
        self.assertIn("<p>Someone typed &lt;script&gt;", html)

    def test_speaker_linked_with_title_and_printed_label(self):
        html = self.get().content.decode()
        self.assertIn('<a href="/speakers/antony-j-blinken/" title="Secretary of State">Antony J. Blinken</a>', html)
        self.assertIn("printed as “SECRETARY BLINKEN”", html)
        # "QUESTION" is just the role's name in capitals: not repeated.
        self.assertNotIn("printed as “QUESTION”", html)

    def test_permalink_and_answering_link(self):
        html = self.get().content.decode()
        self.assertIn(f'href="{self.interview.get_absolute_url()}3/"', html)
        self.assertIn('answering <a href="#t1">Question</a>', html)
        self.assertEqual(self.client.get(f"{self.interview.get_absolute_url()}3/").status_code, 200)

    def test_speakers_listed(self):
        response = self.get()
        names = [entry["name"] for entry in response.context["speakers"]]
        self.assertEqual(names, ["Question", "Antony J. Blinken"])
        self.assertContains(response, "2 turns", count=2)

    def test_corrected_turn_is_marked(self):
        self.assertContains(self.get(), f'href="{self.interview.get_absolute_url()}5/#corrections"')

    def test_unresolved_label_shown_as_printed(self):
        response = self.client.get(self.remarks.get_absolute_url())
        self.assertContains(response, "Participant")
        self.assertContains(response, "Date unknown")

    def test_old_slug_redirects_permanently(self):
        response = self.client.get("/transcripts/blinken-tapper-cnn/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], self.interview.get_absolute_url())
        turn = self.client.get("/transcripts/blinken-tapper-cnn/2/")
        self.assertEqual(turn.status_code, 301)
        self.assertEqual(turn["Location"], f"{self.interview.get_absolute_url()}2/")

    def test_renaming_a_transcript_keeps_the_old_address(self):
        self.remarks.slug = "remarks-renamed"
        self.remarks.save()
        self.assertRedirects(
            self.client.get("/transcripts/remarks-to-the-press/"), "/transcripts/remarks-renamed/", status_code=301
        )
        # Renaming back makes the first address live again, not a loop.
        self.remarks.slug = "remarks-to-the-press"
        self.remarks.save()
        self.assertEqual(self.client.get("/transcripts/remarks-to-the-press/").status_code, 200)
        self.assertFalse(SlugRedirect.objects.filter(old_slug="remarks-to-the-press").exists())
        self.assertRedirects(
            self.client.get("/transcripts/remarks-renamed/"), "/transcripts/remarks-to-the-press/", status_code=301
        )

    def test_unknown_slug_is_a_friendly_404(self):
        response = self.client.get("/transcripts/no-such-thing/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Nothing at this address", status_code=404)
        self.assertContains(response, 'class="skip-link"', status_code=404)

    def test_query_count_is_fixed(self):
        with CaptureQueriesContext(connection) as before:
            self.get()
        add_turns(self.interview, 40, self.blinken)
        with self.assertNumQueries(len(before)):
            response = self.get()
        self.assertContains(response, 'id="t45"')


class TurnDetailTests(PageTestCase):
    def url(self, number, transcript=None):
        return reverse("turn_detail", args=[(transcript or self.interview).slug, number])

    def test_answer_with_its_question_and_context_links(self):
        response = self.client.get(self.url(2))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode().split('<main id="main"', 1)[1]
        self.assertLess(html.index("Are either of those on the negotiating table?"), html.index("Neither of those"))
        self.assertIn('<h1 class="turn-page-title">Antony J. Blinken <span class="h-sub">answering Question</span></h1>', html)
        self.assertIn(f'<a href="{self.interview.get_absolute_url()}#t2">Read turn 2 in context</a>', html)
        self.assertIn('<span class="note">(Laughter.)</span>', html)
        self.assertIn("&lt;script&gt;", html)
        self.assertNotIn(HOSTILE, html)
        self.assertIn(f'<a href="{self.interview.get_absolute_url()}">{escape(self.interview.title)}</a>', html)
        self.assertIn("January 9, 2022", html)

    def test_previous_and_next_skip_the_withdrawn_turn(self):
        response = self.client.get(self.url(3))
        self.assertEqual(response.context["previous_turn"], self.a1)
        self.assertEqual(response.context["next_turn"], self.a2)
        self.assertContains(response, f'rel="next" href="{self.url(5)}"')
        first = self.client.get(self.url(1))
        self.assertIsNone(first.context["previous_turn"])
        self.assertNotContains(first, 'rel="prev"')

    def test_question_lists_its_answers(self):
        response = self.client.get(self.url(1))
        self.assertContains(response, "Answered by")
        self.assertContains(response, f'href="{self.url(2)}"')

    def test_revision_shows_earlier_wording(self):
        response = self.client.get(self.url(5))
        self.assertContains(response, "Corrected on")
        self.assertContains(response, "January 12, 2022")
        self.assertContains(response, "Massive sanctions.")
        self.assertContains(response, "Massive consequences.")

    def test_withdrawn_turn_is_410_and_shows_what_it_said(self):
        response = self.client.get(self.url(4))
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "removed in a correction", status_code=410)
        self.assertContains(response, "Words that a correction removed.", status_code=410)
        self.assertContains(response, f'href="{self.interview.get_absolute_url()}"', status_code=410)

    def test_unknown_numbers_are_404(self):
        for number in (6, 0, 99, 2**31, 10**30):
            self.assertEqual(self.client.get(self.url(number)).status_code, 404, number)
        self.assertEqual(self.client.get("/transcripts/no-such-thing/1/").status_code, 404)

    def test_query_count_is_fixed(self):
        with CaptureQueriesContext(connection) as small:
            self.client.get(self.url(2))
        add_turns(self.interview, 30, self.blinken)
        with self.assertNumQueries(len(small)):
            self.client.get(self.url(2))


class SpeakerPageTests(PageTestCase):
    def test_people_then_roles_with_counts(self):
        response = self.client.get(reverse("speaker_list"))
        self.assertEqual([s.name for s in response.context["people"]], ["Antony J. Blinken", "Ned Price"])
        self.assertEqual([s.name for s in response.context["roles"]], ["Question"])
        html = response.content.decode()
        self.assertLess(html.index("Antony J. Blinken"), html.index('id="roles-heading"'))
        self.assertLess(html.index('id="roles-heading"'), html.index('href="/speakers/question/"'))
        # The withdrawn turn is not counted.
        self.assertIn("2 turns in 1 transcript", html)
        self.assertIn("Secretary of State", html)

    def test_speaker_list_query_count_is_fixed(self):
        before = count_queries(self.client, reverse("speaker_list"))
        add_turns(self.remarks, 20, self.blinken)
        self.assertEqual(count_queries(self.client, reverse("speaker_list")), before)

    def test_speaker_detail(self):
        response = self.client.get(self.blinken.get_absolute_url())
        self.assertContains(response, "<h1>Antony J. Blinken</h1>", html=True)
        self.assertContains(response, "Secretary of State")
        self.assertContains(response, "SECRETARY BLINKEN")
        self.assertContains(response, "2 turns in 1 transcript")
        self.assertEqual([t.speaker_turns for t in response.context["transcripts"]], [2])
        self.assertContains(response, 'id="t2"')
        self.assertContains(response, "&lt;script&gt;")
        self.assertNotContains(response, "Words that a correction removed.")

    def test_speaker_detail_newest_transcript_first_and_paginated(self):
        add_turns(self.remarks, 25, self.blinken)
        response = self.client.get(self.blinken.get_absolute_url())
        self.assertEqual([t.slug for t in response.context["transcripts"]], [self.interview.slug, self.remarks.slug])
        self.assertEqual(len(response.context["turns"]), 20)
        self.assertEqual(response.context["turns"][0], self.a1)
        self.assertContains(response, 'rel="next" href="?page=2"')
        self.assertEqual(self.client.get(self.blinken.get_absolute_url(), {"page": "2"}).status_code, 200)
        self.assertEqual(self.client.get(self.blinken.get_absolute_url(), {"page": "3"}).status_code, 404)

    def test_speaker_detail_query_count_is_fixed(self):
        url = self.blinken.get_absolute_url()
        before = count_queries(self.client, url)
        add_turns(self.remarks, 30, self.blinken)
        self.assertEqual(count_queries(self.client, url), before)

    def test_role_page_and_unknown_speaker(self):
        self.assertContains(self.client.get("/speakers/question/"), "A role, not a person")
        self.assertEqual(self.client.get("/speakers/nobody/").status_code, 404)


class TextFilterTests(TestCase):
    def test_escape_first_then_wrap_notes(self):
        html = render_paragraph('<b>Hi</b> (Laughter.) "x" (Laughter.)', ["(Laughter.)"])
        self.assertEqual(
            html,
            '&lt;b&gt;Hi&lt;/b&gt; <span class="note">(Laughter.)</span> &quot;x&quot; '
            '<span class="note">(Laughter.)</span>',
        )

    def test_hostile_note_is_escaped_too(self):
        html = render_paragraph("a <i>x</i> b", ["<i>x</i>"])
        self.assertEqual(html, 'a <span class="note">&lt;i&gt;x&lt;/i&gt;</span> b')

    def test_nested_notes_wrapped_once(self):
        html = render_paragraph("(In Greek.) and (Greek.)", ["(Greek.)", "(In Greek.)"])
        self.assertEqual(html, '<span class="note">(In Greek.)</span> and <span class="note">(Greek.)</span>')

    def test_only_web_addresses_become_links(self):
        self.assertEqual(http_url("javascript:alert(1)"), "")
        self.assertEqual(http_url("https://www.state.gov/x"), "https://www.state.gov/x")
