"""The header block and the kind (parsing.header): people, place, venue, headline, date."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from archive.ingest.parsing import parse
from archive.ingest.types import KINDS, ParsedTranscript, Person, TranscriptError

from tests.parsing.support import all_text, labels


class HeaderTests(SimpleTestCase):
    def header(self, *lines: str, body: str = "QUESTION:  Hi.\n\nSECRETARY RUBIO:  Hello.\n") -> ParsedTranscript:
        return parse("\n\n".join(lines) + "\n\n" + body)

    def test_person_place_venue_title_kind_date(self):
        p = self.header(
            "Marco Rubio, Secretary of State",
            "Giorgos Gerapetritis, Greek Foreign Minister",
            "Athens, Greece",
            "Ministry of Foreign Affairs",
            "Secretary Rubio and Foreign Minister Gerapetritis Before Their Meeting",
            "Readout",
            "October 7, 2026",
        )
        self.assertEqual(
            p.participants,
            [Person("Marco Rubio", "Secretary of State"), Person("Giorgos Gerapetritis", "Greek Foreign Minister")],
        )
        self.assertEqual((p.location, p.venue), ("Athens, Greece", "Ministry of Foreign Affairs"))
        self.assertEqual(p.title, "Secretary Rubio and Foreign Minister Gerapetritis Before Their Meeting")
        self.assertEqual(p.kind, "other")  # a readout
        self.assertEqual(p.date, datetime.date(2026, 10, 7))
        self.assertNotIn("Athens", all_text(p))

    def test_a_headline_reads_with_plain_spaces(self):
        # Publishers keep a headline's last words together with a non-breaking space; a
        # feed's or a page's headline reads with a plain one, and so must the text's.
        p = self.header("Secretary Blinken and Chancellor Merkel Before Their\u00a0Meeting", "June 23, 2021")
        self.assertEqual(p.title, "Secretary Blinken and Chancellor Merkel Before Their Meeting")

    def test_short_place_without_comma_is_the_location(self):
        # Judgement: a short capitalised line with no institution word is a place, and the
        # longest remaining line is the headline.
        p = self.header("Joint Base Andrews", "Secretary of State Marco Rubio Remarks to the Press", "July 19, 2026")
        self.assertEqual(p.location, "Joint Base Andrews")
        self.assertEqual(p.title, "Secretary of State Marco Rubio Remarks to the Press")

    def test_venues_versus_locations(self):
        cases = {
            "Oval Office": ("venue", "Oval Office"),
            "Aboard Air Force One": ("venue", "Aboard Air Force One"),
            "James S. Brady Press Briefing Room": ("venue", "James S. Brady Press Briefing Room"),
            "Ministry of Foreign Affairs": ("venue", "Ministry of Foreign Affairs"),
            "En Route Geneva, Switzerland": ("location", "En Route Geneva, Switzerland"),
            "Brussels, Belgium": ("location", "Brussels, Belgium"),
            "Washington, D.C.": ("location", "Washington, D.C."),
        }
        for line, (field, value) in cases.items():
            with self.subTest(line=line):
                p = self.header(line, "A Headline About Talks With Partners", "May 5, 2022")
                self.assertEqual(getattr(p, field), value)
                self.assertEqual(p.title, "A Headline About Talks With Partners")

    def test_date_formats(self):
        cases = {
            "January 9, 2022": datetime.date(2022, 1, 9),
            "October 7, 2026": datetime.date(2026, 10, 7),
            "Oct. 7, 2026": datetime.date(2026, 10, 7),
            "Sept. 30, 2021": datetime.date(2021, 9, 30),
            "2026-10-07": datetime.date(2026, 10, 7),
            "Monday, January 10, 2022": datetime.date(2022, 1, 10),
            "9 January 2022": datetime.date(2022, 1, 9),
        }
        for line, expected in cases.items():
            with self.subTest(line=line):
                p = self.header("Some Headline for the Day", line)
                self.assertEqual(p.date, expected)
                self.assertNotIn("date taken from the file name", p.warnings)

    def test_impossible_date_is_not_a_date(self):
        p = parse("February 30, 2022\n\nQUESTION:  Hi.\n")
        self.assertIsNone(p.date)
        self.assertIn("no date found", p.warnings)

    def test_role_before_name_is_a_participant(self):
        p = self.header("Secretary of State Antony J. Blinken", "Remarks at the Summit", "May 5, 2022",
                        body="SECRETARY BLINKEN:  Thank you.\n")
        self.assertEqual(p.participants, [Person("Antony J. Blinken", "Secretary of State")])
        self.assertEqual(p.speakers["SECRETARY BLINKEN"], Person("Antony J. Blinken", "Secretary of State"))

    def test_old_white_house_header_boilerplate(self):
        p = self.header("THE WHITE HOUSE", "Office of the Press Secretary", "For Immediate Release",
                        "Remarks by the President on the Economy", "East Room", "11:05 A.M. EST",
                        body="THE PRESIDENT:  Thank you.\n\nEND 11:30 A.M. EST\n")
        self.assertEqual(p.source_name, "The White House")
        self.assertEqual(p.title, "Remarks by the President on the Economy")
        self.assertEqual(p.venue, "East Room")
        self.assertEqual(labels(p), ["THE PRESIDENT"])
        self.assertEqual(p.turns[0].paragraphs, ["Thank you."])

    def test_stock_lines_after_the_date_stay_in_the_header(self):
        p = self.header("Remarks by Secretary Blinken on Europe", "May 5, 2022", "As Prepared for Delivery",
                        "Benjamin Franklin Room", body="Thank you all for coming.\n")
        self.assertEqual(p.venue, "Benjamin Franklin Room")
        self.assertEqual(labels(p), [""])
        self.assertEqual(p.turns[0].paragraphs, ["Thank you all for coming."])

    def test_header_only_is_an_error(self):
        with self.assertRaises(TranscriptError):
            parse("Marco Rubio, Secretary of State\n\nRemarks\n\nJuly 19, 2026\n")


class KindTests(SimpleTestCase):
    def kind(self, header: str, body: str = "QUESTION:  Hi.\n\nSECRETARY RUBIO:  Hello.\n") -> str:
        return parse(header + "\n\n" + body).kind

    def test_title_beats_category_line(self):
        self.assertEqual(self.kind("Secretary Rubio at a Press Availability\n\nRemarks\n\nMay 1, 2025"), "press-availability")
        self.assertEqual(self.kind("Secretary Rubio at a Joint Press Conference\n\nRemarks\n\nMay 1, 2025"), "press-availability")

    def test_title_words(self):
        cases = {
            "Department Press Briefing by Spokesperson Ned Price": "press-briefing",
            "Press Gaggle by Press Secretary Jen Psaki": "press-briefing",
            "Background Briefing on the Summit": "press-briefing",
            "Interview With Jake Tapper": "interview",
            "Secretary Blinken With Jake Tapper of CNN’s State of the Union": "interview",
            "Secretary Blinken’s Remarks at the Summit": "remarks",
            "Remarks With Foreign Minister Kuleba of Ukraine": "remarks",
            "Secretary Blinken and Foreign Minister Kuleba Before Their Meeting": "remarks",
            "Secretary Blinken and Foreign Minister Kuleba Statements to the Press": "remarks",
            "Secretary Blinken at a Town Hall with Embassy Staff": "remarks",
            "Secretary Blinken at the Swearing-In Ceremony for the Ambassador": "remarks",
            "Secretary Antony J. Blinken on ABC’s This Week with George Stephanopoulos": "interview",
        }
        for title, expected in cases.items():
            with self.subTest(title=title):
                self.assertEqual(self.kind(f"{title}\n\nMay 1, 2025"), expected)

    def test_category_lines(self):
        cases = {
            "Interview": "interview",
            "Remarks": "remarks",
            "Press Briefing": "press-briefing",
            "Readout": "other",
            "Press Availability": "press-availability",
        }
        for line, expected in cases.items():
            with self.subTest(line=line):
                self.assertEqual(self.kind(f"A Meeting of Partners\n\n{line}\n\nMay 1, 2025"), expected)

    def test_front_matter_tags(self):
        for tag, expected in (("press-briefings", "press-briefing"), ("speeches-remarks", "remarks"), ("unknown", "remarks")):
            with self.subTest(tag=tag):
                p = parse(f"---\ntags: {tag}\ndate: 2024-01-02\n---\n\nMR. KIRBY:  Hi.\n")
                self.assertEqual(p.kind, expected)

    def test_host_introducing_a_guest_means_interview(self):
        p = parse("QUESTION:  Joining me now is Secretary of State Marco Rubio.  Welcome.\n\nSECRETARY RUBIO:  Thanks.\n")
        self.assertEqual(p.kind, "interview")

    def test_without_a_word_for_the_kind_the_labels_decide(self):
        # Questions from the press: a press availability; speakers alone: remarks; a
        # release with no speaker at all stays "other".
        self.assertEqual(parse("QUESTION:  Hi.\n\nSECRETARY RUBIO:  Hello.\n").kind, "press-availability")
        self.assertEqual(parse("SECRETARY RUBIO:  Hello.\n\nMINISTER GERAPETRITIS:  Welcome.\n").kind, "remarks")
        p = parse("A readout of a call.\n\nThe Secretary spoke with the Minister today.\n")
        self.assertEqual(p.kind, "other")
        self.assertIn(p.kind, KINDS)
