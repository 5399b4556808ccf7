"""Transcripts found in publishers' pages and feeds (pure Python, no database)."""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from archive.ingest.feeds import needs_page, parse_item, read_feed
from archive.ingest.html import clean_url, parse_page
from archive.ingest.parsing import parse
from archive.ingest.types import Person, TranscriptError

from .pages import (
    Release,
    atom_feed,
    body_html,
    briefing,
    feed_archive_record,
    release_from_state_text,
    rss_feed,
    state_page,
    whitehouse_page,
)

RUBIO = Path(settings.BASE_DIR) / "fixtures" / "transcripts" / "state-2026-07-20-rubio-remarks-to-press.txt"
RUBIO_URL = "https://www.state.gov/releases/office-of-the-spokesperson/2026/07/secretary-of-state-marco-rubio-remarks-to-the-press"


def turns(parsed):
    return [(t.speaker_label, t.paragraphs, t.notes) for t in parsed.turns]


class StatePageTests(SimpleTestCase):
    def setUp(self):
        self.text = RUBIO.read_text(encoding="utf-8")
        self.release = release_from_state_text(self.text, RUBIO_URL)

    def test_page_gives_the_turns_of_its_text_version(self):
        from_page, _ = parse_page(state_page(self.release))
        from_text = parse(self.text)
        self.assertEqual(len(from_page.turns), 52)
        self.assertEqual(turns(from_page), turns(from_text))
        self.assertEqual(from_page.participants, from_text.participants)
        self.assertEqual((from_page.kind, from_page.location), ("remarks", "Joint Base Andrews"))

    def test_metadata_comes_from_the_page(self):
        parsed, _ = parse_page(state_page(self.release, canonical=RUBIO_URL + "/"))
        self.assertEqual(parsed.title, "Secretary of State Marco Rubio Remarks to the Press")
        self.assertEqual(parsed.date, datetime.date(2026, 7, 19))
        self.assertEqual(parsed.source_url, RUBIO_URL + "/")
        self.assertEqual(parsed.source_name, "U.S. Department of State")

    def test_site_chrome_is_left_out(self):
        _, text = parse_page(state_page(self.release))
        for chrome in ["official website", "cookies", "Policy Issues", "Facebook", "Related Articles",
                       "Joint Statement Following", "Privacy Policy", "Office of the Spokesperson", "Skip to content"]:
            self.assertNotIn(chrome, text)

    def test_line_breaks_inside_a_paragraph_are_read_as_a_reader_sees_them(self):
        release = briefing(3, "https://www.state.gov")
        release.paragraphs[3] = "QUESTION:  Thank you.  Can you tell us about the meeting\nthe Secretary held today?\nMR PIGOTT:  Yes."
        parsed, text = parse_page(state_page(release))
        # After a finished sentence a <br> starts a paragraph (here a turn); inside one it is a space.
        self.assertIn("QUESTION:  Thank you.  Can you tell us about the meeting the Secretary held today?\n\nMR PIGOTT:  Yes.", text)
        self.assertEqual([t.speaker_label for t in parsed.turns], ["MR PIGOTT", "QUESTION", "MR PIGOTT", "MR PIGOTT", "QUESTION"])
        self.assertEqual(parsed.turns[3].paragraphs,
                         ["The Secretary met his counterpart and they discussed trade.", "They agreed to meet again."])
        self.assertEqual(turns(parsed), turns(parse(text)))

    def test_white_house_page(self):
        release = Release(
            url="https://www.whitehouse.gov/briefings-statements/2026/07/press-gaggle/",
            title="Press Gaggle by Press Secretary Karoline Leavitt Aboard Air Force One",
            date=datetime.date(2026, 7, 18),
            kind="Press Briefings",
            paragraphs=["Aboard Air Force One\nEn Route Joint Base Andrews", "3:12 P.M. EDT",
                        "MS. LEAVITT:  Hi, everyone.  Happy Friday.  We have a short flight, so let me start.",
                        "Q    Karoline, will the President sign the bill tonight?",
                        "MS. LEAVITT:  He will.  (Laughter.)", "END 3:30 P.M. EDT"],
        )
        parsed, text = parse_page(whitehouse_page(release))
        self.assertEqual([t.speaker_label for t in parsed.turns], ["MS. LEAVITT", "Q", "MS. LEAVITT"])
        self.assertEqual(parsed.turns[2].notes, ["(Laughter.)"])
        self.assertEqual((parsed.source_name, parsed.date), ("The White House", datetime.date(2026, 7, 18)))
        self.assertNotIn("Copy URL", text)
        self.assertNotIn("Fact Sheet", text)

    def test_hostile_markup_comes_out_as_text(self):
        release = Release(
            url="https://www.state.gov/releases/hostile/", title="Remarks to the Press", date=datetime.date(2026, 7, 1),
            paragraphs=["QUESTION:  Is <script>alert(1)</script> a label?",
                        "SECRETARY RUBIO:  No, and <img src=x onerror=alert(2)> is not an image here."],
        )
        page = state_page(release).replace(
            "</div>\n<div class=\"related-tags\">",
            '<p>SECRETARY RUBIO:  Thank you.<script>document.title="owned"</script>'
            '<img src="x" onerror="alert(3)"><iframe src="https://evil.example/"></iframe></p></div>\n<div class="related-tags">',
        )
        parsed, text = parse_page(page)
        self.assertEqual(parsed.turns[0].text, "Is <script>alert(1)</script> a label?")
        self.assertEqual(parsed.turns[1].text, "No, and <img src=x onerror=alert(2)> is not an image here.")
        self.assertEqual(parsed.turns[2].text, "Thank you.")
        self.assertNotIn("owned", text)
        self.assertNotIn("evil.example", text)

    def test_a_page_with_no_transcript_is_refused_by_name(self):
        page = ("<html><head><title>Press Releases</title></head><body><nav><a href='/'>Home</a></nav><main>"
                "<h1>Press Releases</h1><ul>" + "".join(f"<li><a href='/r{i}'>Release {i}</a></li>" for i in range(9))
                + "</ul></main></body></html>")
        with self.assertRaisesMessage(TranscriptError, "listing.html: no transcript text found in the page"):
            parse_page(page, name="listing.html")

    def test_tracking_parameters_and_fragments_are_not_part_of_the_address(self):
        self.assertEqual(clean_url("HTTPS://WWW.State.gov/r/x/?utm_source=feed&id=4#top"), "https://www.state.gov/r/x/?id=4")


def foreign_ministry_page(author: str) -> str:
    """A page from a site the archive has no rules for, its byline only in the metadata."""
    answers = "".join(
        f"<p>{label}:  {words}</p>"
        for label, words in [
            ("JOURNALIST", "Minister, what did you agree with your counterpart on the Pacific today?"),
            ("MINISTER WONG", "We agreed that the region's security is built together, with partners who "
                              "respect the sovereignty of every Pacific nation, and that our support will continue."),
            ("JOURNALIST", "And on climate finance, will there be new funding announced this year?"),
            ("MINISTER WONG", "We have said that we will do more, and we will set out what that means at the "
                              "forum, in consultation with our Pacific family, before the end of the year."),
        ]
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Doorstop interview, Suva | Minister for Foreign Affairs</title>
<meta name="author" content="{author}">
<meta property="article:published_time" content="2024-03-14T09:00:00+11:00">
<link rel="canonical" href="https://www.foreignminister.example/doorstop-interview-suva">
</head><body><nav><a href="/">Home</a> <a href="/media">Media</a></nav>
<main><article><h1>Doorstop interview, Suva</h1>{answers}</article></main>
<footer>Copyright. Privacy. Accessibility.</footer></body></html>"""


class BylineTests(SimpleTestCase):
    def test_a_byline_naming_a_person_is_read_on_any_site(self):
        parsed, _ = parse_page(foreign_ministry_page("Penny Wong, Minister for Foreign Affairs"))
        self.assertIn(Person("Penny Wong", "Minister for Foreign Affairs"), parsed.participants)
        self.assertEqual([t.speaker_label for t in parsed.turns][:2], ["JOURNALIST", "MINISTER WONG"])

    def test_a_byline_naming_an_office_is_not_a_person_nor_a_turn(self):
        parsed, text = parse_page(foreign_ministry_page("Office of the Minister for Foreign Affairs"))
        self.assertEqual(parsed.participants, [])
        self.assertNotIn("Office of the Minister", text)
        self.assertEqual(len(parsed.turns), 4)


class FeedTests(SimpleTestCase):
    def setUp(self):
        self.text = RUBIO.read_text(encoding="utf-8")
        self.release = release_from_state_text(self.text, RUBIO_URL)

    def test_rss_content_encoded_gives_the_turns_of_the_text(self):
        feed = read_feed(rss_feed([(self.release, body_html(self.release))]).encode())
        [item] = feed.items
        self.assertFalse(needs_page(item))
        parsed, _ = parse_item(item)
        self.assertEqual(turns(parsed), turns(parse(self.text)))
        self.assertEqual((parsed.title, parsed.date, parsed.source_url),
                         ("Secretary of State Marco Rubio Remarks to the Press", datetime.date(2026, 7, 19), RUBIO_URL))

    def test_summary_only_items_need_their_page(self):
        atom = read_feed(atom_feed([self.release]).encode())
        rss = read_feed(rss_feed([(self.release, None)]).encode())
        self.assertTrue(needs_page(atom.items[0]))
        self.assertTrue(needs_page(rss.items[0]))
        self.assertEqual(atom.items[0].link, RUBIO_URL)

    def test_feed_archive_records_with_escaped_html(self):
        record = feed_archive_record(self.release)
        record["summary"] = record["summary"].replace("<", "&lt;").replace(">", "&gt;")
        del record["content"]
        for data in (json.dumps([record]), json.dumps(record) + "\n", json.dumps({"entries": [record]})):
            with self.subTest(data=data[:20]):
                [item] = read_feed(data.encode()).items
                self.assertFalse(needs_page(item))
                parsed, _ = parse_item(item)
                self.assertEqual(turns(parsed), turns(parse(self.text)))
                self.assertEqual(parsed.date, datetime.date(2026, 7, 19))

    def test_a_statement_is_one_speakers_text(self):
        statement = Release(
            url="https://www.state.gov/releases/2026/07/statement/", title="Secretary Rubio’s Call with Greek Foreign Minister",
            date=datetime.date(2026, 7, 2), kind="Readout",
            paragraphs=["The below is attributable to Spokesperson Tammy Bruce:",
                        "Secretary of State Marco Rubio spoke today with Greek Foreign Minister Giorgos Gerapetritis. "
                        "They discussed regional security, energy cooperation and the upcoming ministerial meeting.",
                        "The Secretary reaffirmed the strength of the partnership between the two countries."],
        )
        [item] = read_feed(rss_feed([(statement, body_html(statement))]).encode()).items
        parsed, _ = parse_item(item)
        self.assertEqual(len(parsed.turns), 1)
        self.assertEqual(parsed.turns[0].paragraphs[-1],
                         "The Secretary reaffirmed the strength of the partnership between the two countries.")

    def test_not_a_feed_is_refused_by_name(self):
        with self.assertRaisesMessage(TranscriptError, "feed.json: JSON feed records must be a list of items"):
            read_feed(b'{"items": 3}', name="feed.json")
        with self.assertRaises(TranscriptError) as caught:
            read_feed(b"<?xml version='1.0'?><nothing/>", name="feed.xml")
        self.assertTrue(str(caught.exception).startswith("feed.xml: "))
