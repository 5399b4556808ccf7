"""Site chrome (parsing.chrome): the banner, the footer and YAML front matter."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from archive.ingest.parsing import parse
from archive.ingest.types import Person, TranscriptError

from tests.parsing.support import BANNER, NBSP, all_text, labels


class BannerAndFooterTests(SimpleTestCase):
    def test_banner_header_and_footer_layout(self):
        text = (
            BANNER
            + "Antony J. Blinken, Secretary of State\n\nWashington, D.C.\n\nHarry S Truman Building\n\n"
            "Secretary Blinken’s Remarks to the Press\n\nRemarks\n\nMarch 3, 2022\n\n"
            f"SECRETARY BLINKEN:{NBSP} Good afternoon.\n\n"
            "QUESTION:  Thank you.\n\n"
            "SECRETARY BLINKEN:  You’re welcome.\n\n\n"
            "U.S. Department of State\n\n"
            "The Lessons of 1989: Freedom and Our Future\n\n"
            "Secretary Blinken: Remarks at the Summit\n\n"
            "Press Availability: Questions and Answers\n"
        )
        p = parse(text)
        self.assertEqual(labels(p), ["SECRETARY BLINKEN", "QUESTION", "SECRETARY BLINKEN"])
        self.assertEqual(p.turns[-1].paragraphs, ["You’re welcome."])
        self.assertEqual(p.source_name, "U.S. Department of State")
        self.assertEqual(p.location, "Washington, D.C.")
        self.assertEqual(p.venue, "Harry S Truman Building")
        self.assertEqual(p.date, datetime.date(2022, 3, 3))
        for fragment in ("official website", ".gov", "Department of State", "Lessons", "Summit"):
            self.assertNotIn(fragment, all_text(p))

    def test_other_site_names_start_a_footer(self):
        for site in ("The White House", "Office of the Spokesperson", "Related Articles"):
            with self.subTest(site=site):
                p = parse(f"MODERATOR:  Welcome.\n\nQUESTION:  Hi.\n\n{site}\n\nA Related Story: Part Two\n")
                self.assertEqual(labels(p), ["MODERATOR", "QUESTION"])
                self.assertEqual(p.turns[-1].paragraphs, ["Hi."])

    def test_site_name_inside_the_speech_is_not_a_footer(self):
        text = (
            "SECRETARY BLINKEN:  We met there.\n\nThe White House\n\n"
            "That is where the President works, and where we will talk about the next steps in this "
            "process for a long time to come, as everyone in this room knows very well by now, and as "
            "the allies know too, and as the record shows clearly.  " * 3
            + "\n\nQUESTION:  Thanks.\n"
        )
        p = parse(text)
        self.assertEqual(labels(p), ["SECRETARY BLINKEN", "QUESTION"])
        self.assertIn("The White House", p.turns[0].paragraphs)

    def test_banner_and_footer_only_is_an_error(self):
        with self.assertRaisesMessage(TranscriptError, "no transcript text after removing site banner and footer"):
            parse(BANNER + "U.S. Department of State\n\nThe Lessons of 1989: Freedom and Our Future\n")
        with self.assertRaisesMessage(TranscriptError, "no transcript text after removing site banner and footer"):
            parse(BANNER)


class FrontMatterTests(SimpleTestCase):
    TEXT = (
        "---\n"
        'title: "Press\\u00a0Briefing by Press Secretary Jen\\u00a0Psaki"\n'
        "date: 2021-03-02\n"
        "source_url: https://www.whitehouse.gov/briefing-room/press-briefings/2021/03/02/x/\n"
        "tags: [press-briefings]\n"
        "---\n"
        " \n"
        "James S. Brady Press Briefing Room\n"
        "\n"
        "12:32 P.M. EST  \n"
        "   \n"
        "MS. PSAKI:  Hi, everyone.  Good afternoon.  I have a few items for you at the  \n"
        "top.  First, the President will travel to Pennsylvania on Thursday to  \n"
        "speak about the plan.  \n"
        "   \n"
        "Second, a note on the schedule.  \n"
        "   \n"
        "Q    Thanks, Jen.  On the plan: Is it  \n"
        "on track?  \n"
        "   \n"
        "MS. PSAKI:  It is.  \n"
        "   \n"
        "END  \n"
        "1:21 P.M. EST\n"
    )

    def test_metadata(self):
        p = parse(self.TEXT, filename="psaki.md")
        self.assertEqual(p.title, "Press Briefing by Press Secretary Jen Psaki")
        self.assertEqual(p.date, datetime.date(2021, 3, 2))
        self.assertEqual(p.source_name, "The White House")
        self.assertEqual(p.kind, "press-briefing")
        self.assertEqual(p.venue, "James S. Brady Press Briefing Room")
        self.assertEqual(p.speakers["MS. PSAKI"], Person("Jen Psaki", "Press Secretary"))
        self.assertEqual(p.warnings, [])

    def test_turns_are_rejoined(self):
        p = parse(self.TEXT)
        self.assertEqual(labels(p), ["MS. PSAKI", "Q", "MS. PSAKI"])
        self.assertEqual(
            p.turns[0].paragraphs,
            [
                "Hi, everyone. Good afternoon. I have a few items for you at the top. First, the "
                "President will travel to Pennsylvania on Thursday to speak about the plan.",
                "Second, a note on the schedule.",
            ],
        )
        self.assertEqual(p.turns[1].paragraphs, ["Thanks, Jen. On the plan: Is it on track?"])
        self.assertNotIn("END", all_text(p))

    def test_source_names_from_hosts(self):
        cases = {
            "https://www.whitehouse.gov/x/": "The White House",
            "https://bidenwhitehouse.archives.gov/x/": "The White House",
            "https://www.state.gov/x/": "U.S. Department of State",
            "https://2009-2017.state.gov/x/": "U.S. Department of State",
            "https://www.mfa.gr/en/x/": "mfa.gr",
        }
        for url, expected in cases.items():
            with self.subTest(url=url):
                p = parse(f"---\nsource_url: {url}\n---\nQ:  Hi.\n")
                self.assertEqual((p.source_url, p.source_name), (url, expected))

    def test_broken_front_matter_is_reported_not_fatal(self):
        p = parse("---\ntitle: [unclosed\n---\n\nQUESTION:  Hi.\n")
        self.assertEqual(labels(p), ["QUESTION"])
        self.assertIn("front matter could not be read and was ignored", p.warnings)

    def test_quoted_and_unquoted_dates(self):
        for value in ("'2023-08-29'", "2023-08-29", "2023-08-29 19:00:00-04:00"):
            with self.subTest(value=value):
                p = parse(f"---\ndate: {value}\n---\nQ:  Hi.\n")
                self.assertEqual(p.date, datetime.date(2023, 8, 29))
