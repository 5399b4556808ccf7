"""Tests of the transcript parser: real samples first, then small texts in each layout."""

from __future__ import annotations

import datetime
import random
import time
from pathlib import Path

from django.test import SimpleTestCase

from archive.ingest.parser import parse
from archive.ingest.types import KINDS, ParsedTranscript, Person, TranscriptError

# Longer than any input here may take on the slowest, busiest machine, far shorter than a
# catastrophic backtrack.
HANG_SECONDS = 20
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"
NBSP = "\u00a0"

BANNER = (
    "An official website of the United States Government Here's how you know\n\n"
    "Official websites use .gov\n\n"
    "A .gov website belongs to an official government organization in the United States.\n\n"
    "Secure .gov websites use HTTPS\n\n"
    "A lock ( ) or https:// means you’ve safely connected to the .gov website. "
    "Share sensitive information only on official, secure websites.\n\n"
)


def sample(name: str) -> ParsedTranscript:
    return parse((SAMPLES / name).read_text(encoding="utf-8"), filename=name)


def labels(parsed: ParsedTranscript) -> list[str]:
    return [turn.speaker_label for turn in parsed.turns]


def expand(code: str, legend: dict[str, str]) -> list[str]:
    """ "Q B Q" -> ["QUESTION", "SECRETARY BLINKEN", "QUESTION"]."""
    return [legend[c] for c in code.split()]


def all_text(parsed: ParsedTranscript) -> str:
    return "\n".join(turn.text for turn in parsed.turns)


# ---------------------------------------------------------------------------
# Real samples
# ---------------------------------------------------------------------------


class BlinkenCnnSampleTests(SimpleTestCase):
    """The seed: a State Department page saved as text, banner and footer included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parsed = sample("state-2022-01-09-blinken-cnn-sotu.txt")

    def test_exact_label_sequence(self):
        # Turns 8-10 and 14-15 are the same speaker twice: the page dropped Tapper's
        # interjections, and the interruptions stay separate turns.
        expected = expand(
            "Q B Q B Q B Q B B B Q B Q B B Q B Q",
            {"Q": "QUESTION", "B": "SECRETARY BLINKEN"},
        )
        self.assertEqual(len(self.parsed.turns), 18)
        self.assertEqual(labels(self.parsed), expected)

    def test_first_turn(self):
        first = self.parsed.turns[0]
        self.assertEqual(len(first.paragraphs), 4)
        self.assertTrue(first.paragraphs[0].startswith("Hello. I’m Jake Tapper in Washington"))
        self.assertTrue(first.paragraphs[3].startswith("Joining me now to discuss is Secretary of State Antony Blinken."))

    def test_interrupted_turns_keep_their_dashes(self):
        turns = self.parsed.turns
        self.assertTrue(turns[7].paragraphs[-1].endswith("lots of things he’s concerned about —"))
        self.assertTrue(turns[8].paragraphs[0].startswith("— and yet the very actions"))
        self.assertTrue(turns[9].paragraphs[0].startswith("There’s now an opportunity"))
        self.assertTrue(turns[13].paragraphs[0].endswith("We’re prepared, again —"))
        self.assertTrue(turns[14].paragraphs[0].startswith("— starting this week"))

    def test_last_turn(self):
        last = self.parsed.turns[-1]
        self.assertEqual(last.speaker_label, "QUESTION")
        self.assertEqual(
            last.paragraphs,
            ["All right. Secretary Antony Blinken, thank you so much. Really appreciate your time today."],
        )

    def test_no_banner_or_footer_text_in_turns(self):
        text = all_text(self.parsed)
        for fragment in ("An official website", ".gov", "U.S. Department of State", "The Lessons of 1989", "Here's how you know"):
            self.assertNotIn(fragment, text)

    def test_paragraph_spacing_is_normalised_but_characters_kept(self):
        for turn in self.parsed.turns:
            for para in turn.paragraphs:
                self.assertNotIn(NBSP, para)
                self.assertNotIn("  ", para)
                self.assertEqual(para, para.strip())
        self.assertIn("“open fire,”", all_text(self.parsed))

    def test_speakers(self):
        self.assertEqual(self.parsed.speakers["QUESTION"], Person("Jake Tapper", ""))
        self.assertEqual(self.parsed.speakers["SECRETARY BLINKEN"], Person("Antony Blinken", "Secretary of State"))

    def test_metadata(self):
        self.assertEqual(self.parsed.date, datetime.date(2022, 1, 9))
        self.assertIn("date taken from the file name", self.parsed.warnings)
        self.assertEqual(self.parsed.kind, "interview")  # from "Joining me now to discuss is ..."
        self.assertEqual(self.parsed.title, "")  # the saved page has no headline; the caller falls back
        self.assertEqual(self.parsed.source_name, "U.S. Department of State")  # from the footer
        self.assertEqual(self.parsed.location, "")
        self.assertEqual(self.parsed.participants, [])


class RubioRemarksSampleTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parsed = sample("state-2026-07-20-rubio-remarks-to-press.txt")

    def test_header(self):
        p = self.parsed
        self.assertEqual(p.participants, [Person("Marco Rubio", "Secretary of State")])
        self.assertEqual(p.location, "Joint Base Andrews")
        self.assertEqual(p.venue, "")
        self.assertEqual(p.title, "Secretary of State Marco Rubio Remarks to the Press")
        self.assertEqual(p.kind, "remarks")
        # The header date wins over the date in the file name (published a day later).
        self.assertEqual(p.date, datetime.date(2026, 7, 19))
        self.assertEqual(p.warnings, [])

    def test_exact_label_sequence(self):
        expected = expand(
            "Q R Q R Q R Q R Q R Q R Q R Q R Q Q R Q R Q R Q R Q Q R Q R Q R Q R Q R Q R Q R "
            "Q R Q R Q R Q R Q R Q R",
            {"Q": "QUESTION", "R": "SECRETARY RUBIO"},
        )
        self.assertEqual(labels(self.parsed), expected)

    def test_consecutive_questions_stay_separate(self):
        turns = self.parsed.turns
        self.assertEqual(turns[16].paragraphs, ["Is the MOU dead?"])
        self.assertEqual(turns[17].paragraphs, ["(Inaudible) the MOU?"])
        self.assertEqual(turns[17].notes, ["(Inaudible)"])
        self.assertEqual(turns[25].paragraphs, ["Will you meet with the Chinese —"])
        self.assertEqual(turns[26].speaker_label, "QUESTION")

    def test_unlabelled_paragraph_continues_the_speaker(self):
        turn = next(t for t in self.parsed.turns if "All right, last one." in t.paragraphs)
        self.assertEqual(turn.speaker_label, "SECRETARY RUBIO")
        self.assertTrue(turn.paragraphs[0].startswith("Very positive this morning."))

    def test_header_lines_are_not_turns(self):
        text = all_text(self.parsed)
        self.assertNotIn("Joint Base Andrews", text)
        self.assertNotIn("July 19, 2026", text)
        self.assertEqual(self.parsed.turns[0].paragraphs, ["Mr. Secretary, can I ask you a question?"])

    def test_speakers(self):
        self.assertEqual(self.parsed.speakers, {"SECRETARY RUBIO": Person("Marco Rubio", "Secretary of State")})


class RubioGreekPressAvailabilitySampleTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parsed = sample("state-2026-10-07-rubio-greek-fm-press-availability.txt")

    def test_header(self):
        p = self.parsed
        self.assertEqual(
            p.participants,
            [Person("Marco Rubio", "Secretary of State"), Person("Giorgos Gerapetritis", "Greek Foreign Minister")],
        )
        self.assertEqual(p.location, "Athens, Greece")
        self.assertEqual(p.venue, "Ministry of Foreign Affairs")
        self.assertEqual(
            p.title,
            "Secretary of State Marco Rubio and Greek Foreign Minister Giorgos Gerapetritis at a Joint Press Availability",
        )
        self.assertEqual(p.date, datetime.date(2026, 10, 7))
        # The category line says "Remarks"; the headline says press availability.
        self.assertEqual(p.kind, "press-availability")

    def test_exact_label_sequence(self):
        expected = expand(
            "G R M Q R M Q R Q R G Q R Q R Q R Q R Q R G R M Q M G M Q G M Q G M R M Q R Q R "
            "Q R Q R Q R Q R Q R Q R Q R Q R G M Q M G R",
            {"Q": "QUESTION", "R": "SECRETARY RUBIO", "G": "FOREIGN MINISTER GERAPETRITIS", "M": "MODERATOR"},
        )
        self.assertEqual(labels(self.parsed), expected)

    def test_note_only_turn(self):
        first = self.parsed.turns[0]
        self.assertEqual(first.speaker_label, "FOREIGN MINISTER GERAPETRITIS")
        self.assertEqual(first.paragraphs, ["(In Greek.)"])
        self.assertEqual(first.notes, ["(In Greek.)"])

    def test_notes_in_order_as_printed(self):
        moderator = self.parsed.turns[2]
        self.assertEqual(moderator.notes, ["(Via interpreter)", "(Inaudible)", "(Inaudible)", "(inaudible)"])
        self.assertTrue(moderator.paragraphs[0].startswith("(Via interpreter) (Inaudible) Secretary of State."))
        self.assertEqual(self.parsed.turns[11].notes, ["(Laughter.)"])
        self.assertEqual(self.parsed.turns[21].notes, ["(Inaudible.)", "(Laughter.)"])
        every_note = {note for turn in self.parsed.turns for note in turn.notes}
        self.assertEqual(
            every_note,
            {"(In Greek.)", "(Via interpreter)", "(Laughter.)", "(inaudible)", "(Inaudible)", "(Inaudible.)"},
        )

    def test_speakers_and_reporters(self):
        speakers = self.parsed.speakers
        self.assertEqual(speakers["SECRETARY RUBIO"], Person("Marco Rubio", "Secretary of State"))
        self.assertEqual(
            speakers["FOREIGN MINISTER GERAPETRITIS"], Person("Giorgos Gerapetritis", "Greek Foreign Minister")
        )
        # Reporters take turns under QUESTION: "Olivia Gazis with CBS News" names one of many.
        self.assertNotIn("QUESTION", speakers)
        self.assertNotIn("MODERATOR", speakers)


class GenevaGaggleSampleTests(SimpleTestCase):
    """White House Markdown copy: front matter, lines hard-wrapped at ~72 columns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parsed = sample("wh-2021-06-15-background-gaggle-geneva.md")

    def test_front_matter(self):
        p = self.parsed
        self.assertEqual(
            p.title, "Background Press Gaggle by Senior Administration Officials En Route Geneva, Switzerland"
        )
        self.assertEqual(p.date, datetime.date(2021, 6, 15))
        self.assertTrue(p.source_url.startswith("https://bidenwhitehouse.archives.gov/briefing-room/press-briefings/"))
        self.assertEqual(p.source_name, "The White House")
        self.assertEqual(p.kind, "press-briefing")
        self.assertEqual(p.warnings, [])

    def test_venue_and_location_lines(self):
        self.assertEqual(self.parsed.venue, "Aboard Air Force One")
        self.assertEqual(self.parsed.location, "En Route Geneva, Switzerland")

    def test_exact_label_sequence(self):
        seq = "S Q S S S " + "Q S " * 34 + "Q Q S Q S Q S S"
        expected = expand(seq, {"Q": "Q", "S": "SENIOR ADMINISTRATION OFFICIAL"})
        self.assertEqual(len(expected), 81)
        self.assertEqual(labels(self.parsed), expected)

    def test_wrapped_lines_are_rejoined(self):
        first = self.parsed.turns[0]
        self.assertEqual(
            first.paragraphs[0],
            "Okay, welcome to our flight to Geneva, Switzerland, on day seven of a lovely trip.",
        )
        self.assertEqual(len(first.paragraphs), 5)
        self.assertEqual(self.parsed.turns[1].paragraphs, ["The P plus one, just a translator?"])
        # "Q  Sorry, just to reiterate: No meal?" has two spaces after Q and a colon later.
        sorry = next(t for t in self.parsed.turns if t.text.startswith("Sorry, just"))
        self.assertEqual(sorry.speaker_label, "Q")
        self.assertEqual(sorry.text, "Sorry, just to reiterate: No meal? They won’t sit — they won’t have not even tea?")

    def test_markdown_escapes_are_removed(self):
        self.assertIn("But as [senior administration official] said", all_text(self.parsed))
        self.assertNotIn("\\[", all_text(self.parsed))

    def test_start_time_and_end_time_are_not_text(self):
        text = all_text(self.parsed)
        self.assertNotIn("3:58", text)
        self.assertNotIn("4:12", text)
        self.assertNotIn("CEST", text)
        self.assertEqual(self.parsed.turns[-1].paragraphs, ["All right. Thank you, guys."])

    def test_standalone_stage_direction_stays_with_the_previous_speaker(self):
        turn = next(t for t in self.parsed.turns if t.paragraphs[0] == "Well —")
        self.assertEqual(turn.paragraphs, ["Well —", "(Laughter.)"])
        self.assertEqual(turn.notes, ["(Laughter.)"])


class BidenChavesSampleTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parsed = sample("wh-2023-08-29-biden-chaves-bilateral.md")

    def test_labels(self):
        self.assertEqual(
            labels(self.parsed),
            [
                "PRESIDENT BIDEN", "PRESIDENT CHAVES", "PRESIDENT BIDEN", "PRESIDENT CHAVES",
                "PRESIDENT BIDEN", "PRESIDENT CHAVES", "Q", "THE PRESIDENT",
            ],
        )

    def test_metadata(self):
        p = self.parsed
        # The YAML title holds non-breaking spaces and an escaped line break.
        self.assertEqual(
            p.title,
            "Remarks by President Biden and President Rodrigo Chaves Robles of Costa Rica Before Bilateral Meeting",
        )
        self.assertEqual(p.venue, "Oval Office")
        self.assertEqual(p.location, "")
        self.assertEqual(p.kind, "remarks")
        self.assertEqual(p.date, datetime.date(2023, 8, 29))
        self.assertEqual(p.source_name, "The White House")

    def test_ends_at_the_closing_time(self):
        last = self.parsed.turns[-1]
        self.assertEqual(last.paragraphs[-1], "Thank you.")
        self.assertEqual(len(last.paragraphs), 4)
        self.assertNotIn("4:05", all_text(self.parsed))
        self.assertNotIn("4:00", all_text(self.parsed))

    def test_speaker_named_in_the_title(self):
        self.assertEqual(self.parsed.speakers.get("PRESIDENT CHAVES"), Person("Rodrigo Chaves Robles", "President"))
        # "THE PRESIDENT" is left for the loader to resolve.
        self.assertNotIn("THE PRESIDENT", self.parsed.speakers)


# ---------------------------------------------------------------------------
# Small texts in each layout
# ---------------------------------------------------------------------------


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


class WrappedPlainTextTests(SimpleTestCase):
    """A plain-text copy hard-wrapped at ~72 columns, without front matter."""

    TEXT = (
        "Remarks by Secretary Blinken at the Opening of the Conference on the\n"
        "Future of European Security and Cooperation in the Region\n"
        "Brussels, Belgium\n"
        "March 4, 2022\n"
        "\n"
        "SECRETARY BLINKEN: Good morning, everyone. It is a pleasure to be\n"
        "here with so many friends and partners from across the continent and\n"
        "beyond.\n"
        "\n"
        "Let me begin with Ukraine.\n"
        "QUESTION: Thank you. A question on sanctions: will there be more\n"
        "of them?\n"
        "SECRETARY BLINKEN: Yes.\n"
    )

    def test_header_lines_and_wrapped_headline(self):
        p = parse(self.TEXT)
        self.assertEqual(
            p.title,
            "Remarks by Secretary Blinken at the Opening of the Conference on the Future of "
            "European Security and Cooperation in the Region",
        )
        self.assertEqual(p.location, "Brussels, Belgium")
        self.assertEqual(p.date, datetime.date(2022, 3, 4))

    def test_turns(self):
        p = parse(self.TEXT)
        self.assertEqual(labels(p), ["SECRETARY BLINKEN", "QUESTION", "SECRETARY BLINKEN"])
        self.assertEqual(
            p.turns[0].paragraphs,
            [
                "Good morning, everyone. It is a pleasure to be here with so many friends and "
                "partners from across the continent and beyond.",
                "Let me begin with Ukraine.",
            ],
        )
        self.assertEqual(p.turns[1].paragraphs, ["Thank you. A question on sanctions: will there be more of them?"])

    def test_q_and_a_with_full_stops(self):
        p = parse("Q. Why now?\n\nA. Because.\n\nQ. And then?\n\nA: Then this.\n")
        self.assertEqual(labels(p), ["Q", "A", "Q", "A"])
        self.assertEqual(p.turns[1].paragraphs, ["Because."])

    def test_a_full_stop_alone_is_not_a_label(self):
        p = parse("SECRETARY BLINKEN:  Two options.\n\nA. We wait.\n\nB. We act.\n")
        self.assertEqual(labels(p), ["SECRETARY BLINKEN"])
        self.assertEqual(p.turns[0].paragraphs, ["Two options.", "A. We wait.", "B. We act."])


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
            "Secretary Blinken and Foreign Minister Kuleba Before Their Meeting": "other",
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
        for tag, expected in (("press-briefings", "press-briefing"), ("speeches-remarks", "remarks"), ("unknown", "other")):
            with self.subTest(tag=tag):
                p = parse(f"---\ntags: {tag}\ndate: 2024-01-02\n---\n\nMR. KIRBY:  Hi.\n")
                self.assertEqual(p.kind, expected)

    def test_host_introducing_a_guest_means_interview(self):
        p = parse("QUESTION:  Joining me now is Secretary of State Marco Rubio.  Welcome.\n\nSECRETARY RUBIO:  Thanks.\n")
        self.assertEqual(p.kind, "interview")

    def test_default_is_other(self):
        p = parse("QUESTION:  Hi.\n\nSECRETARY RUBIO:  Hello.\n")
        self.assertEqual(p.kind, "other")
        self.assertIn(p.kind, KINDS)


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


class LabelTests(SimpleTestCase):
    def test_label_forms(self):
        cases = [
            ("QUESTION:  Why?", "QUESTION", "Why?"),
            (f"QUESTION:{NBSP}{NBSP}Why?", "QUESTION", "Why?"),
            ("Q    The P plus one?", "Q", "The P plus one?"),
            ("Q:  Why?", "Q", "Why?"),
            ("Q: Why?", "Q", "Why?"),
            ("MR. PRICE:  Good afternoon.", "MR. PRICE", "Good afternoon."),
            ("SECRETARY BLINKEN:  Thanks.", "SECRETARY BLINKEN", "Thanks."),
            ("THE PRESIDENT:  Thank you.", "THE PRESIDENT", "Thank you."),
            ("MODERATOR:  Next.", "MODERATOR", "Next."),
            ("SENIOR ADMINISTRATION OFFICIAL:  Sure.", "SENIOR ADMINISTRATION OFFICIAL", "Sure."),
            ("FOREIGN MINISTER GERAPETRITIS:  (In Greek.)", "FOREIGN MINISTER GERAPETRITIS", "(In Greek.)"),
            ("PRESIDENT CHAVES:  May I?", "PRESIDENT CHAVES", "May I?"),
            ("PRESIDENT ERDOĞAN:  Yes.", "PRESIDENT ERDOĞAN", "Yes."),
            ("Ned Price, Department Spokesperson:  Good afternoon.", "Ned Price, Department Spokesperson", "Good afternoon."),
            ("Moderator:  Next question.", "Moderator", "Next question."),
            ("SECRETARY  BLINKEN :  Spaced.", "SECRETARY BLINKEN", "Spaced."),
        ]
        for line, label, text in cases:
            with self.subTest(line=line):
                p = parse(f"{line}\n\nQUESTION:  Follow-up.\n")
                self.assertEqual(p.turns[0].speaker_label, label)
                self.assertEqual(p.turns[0].paragraphs, [text])

    def test_label_alone_on_its_line(self):
        for form in ("SECRETARY BLINKEN:", "SECRETARY BLINKEN"):
            with self.subTest(form=form):
                text = f"{form}\nThank you all for coming.\n\nQUESTION:\nWhy now?\n\n{form}\n\nBecause.\n"
                p = parse(text)
                self.assertEqual(labels(p), ["SECRETARY BLINKEN", "QUESTION", "SECRETARY BLINKEN"])
                self.assertEqual(p.turns[0].paragraphs, ["Thank you all for coming."])
                self.assertEqual(p.turns[1].paragraphs, ["Why now?"])
                self.assertEqual(p.turns[2].paragraphs, ["Because."])

    def test_sentences_that_look_like_labels(self):
        text = (
            "SECRETARY BLINKEN:  Good afternoon.\n\n"
            "President Roosevelt once said:  “The only thing we have to fear is fear itself.”\n\n"
            f"But here’s what I can say:{NBSP} First, we are ready.\n\n"
            "Here’s the question:  How do we respond?\n\n"
            "The Lessons of 1989: Freedom and Our Future\n\n"
            "Three Things Matter:  Speed, scale and unity.\n\n"
            "QUESTION:  Thanks.\n"
        )
        p = parse(text)
        self.assertEqual(labels(p), ["SECRETARY BLINKEN", "QUESTION"])
        self.assertEqual(len(p.turns[0].paragraphs), 6)
        self.assertEqual(p.turns[0].paragraphs[2], "But here’s what I can say: First, we are ready.")

    def test_labels_only_at_the_start_of_a_paragraph(self):
        p = parse("SECRETARY BLINKEN:  He said QUESTION: nothing, and MODERATOR: nothing.\n")
        self.assertEqual(labels(p), ["SECRETARY BLINKEN"])

    def test_mixed_case_label_needs_a_role_or_repetition(self):
        once = parse("QUESTION:  Hi.\n\nFreedom House:  A report says so.\n")
        self.assertEqual(labels(once), ["QUESTION"])
        twice = parse("Jake Tapper:  Hi.\n\nAntony Blinken:  Hello.\n\nJake Tapper:  Bye.\n\nAntony Blinken:  Bye.\n")
        self.assertEqual(labels(twice), ["Jake Tapper", "Antony Blinken", "Jake Tapper", "Antony Blinken"])
        self.assertEqual(twice.speakers["Jake Tapper"], Person("Jake Tapper", ""))

    def test_note_in_a_label_moves_into_the_text(self):
        p = parse("PRESIDENT ZELENSKYY (via interpreter):  Thank you.\n")
        self.assertEqual(p.turns[0].speaker_label, "PRESIDENT ZELENSKYY")
        self.assertEqual(p.turns[0].paragraphs, ["(via interpreter) Thank you."])
        self.assertEqual(p.turns[0].notes, ["(via interpreter)"])

    def test_bold_markdown_label(self):
        p = parse("**SECRETARY BLINKEN:** Thanks.\n\n**QUESTION:** Why?\n", filename="x.md")
        self.assertEqual(labels(p), ["SECRETARY BLINKEN", "QUESTION"])
        self.assertEqual(p.turns[0].paragraphs, ["Thanks."])


class TurnTests(SimpleTestCase):
    def test_consecutive_same_label_turns_are_kept(self):
        text = (
            "SECRETARY BLINKEN:  President Putin talks about —\n\n\n"
            "SECRETARY BLINKEN:  — and yet the actions speak.\n\n"
            "SECRETARY BLINKEN:  There’s now an opportunity – if he takes it – to talk.\n"
        )
        p = parse(text)
        self.assertEqual(labels(p), ["SECRETARY BLINKEN"] * 3)
        self.assertEqual(p.turns[2].paragraphs, ["There’s now an opportunity – if he takes it – to talk."])

    def test_blank_lines_never_make_empty_turns(self):
        p = parse("\n\n\nQUESTION:  Hi.\n\n\n\n   \n\u00a0\n\nSECRETARY RUBIO:  Hello.\n\n\n\n")
        self.assertEqual(labels(p), ["QUESTION", "SECRETARY RUBIO"])
        self.assertTrue(all(turn.paragraphs for turn in p.turns))

    def test_label_with_no_text_is_dropped_with_a_warning(self):
        p = parse("QUESTION:  Hi.\n\nSECRETARY RUBIO:\n\nQUESTION:  Hello?\n")
        self.assertEqual(labels(p), ["QUESTION", "QUESTION"])
        self.assertIn("dropped label(s) with no text: SECRETARY RUBIO", p.warnings)

    def test_unlabelled_text_before_the_first_label(self):
        p = parse(
            "Marco Rubio, Secretary of State\n\nMay 2, 2025\n\n"
            "Good morning, everyone.  Let me begin with Sudan.\n\nQUESTION:  Thanks.\n\nSECRETARY RUBIO:  Sure.\n"
        )
        self.assertEqual(labels(p), ["", "QUESTION", "SECRETARY RUBIO"])
        self.assertEqual(p.speakers[""], Person("Marco Rubio", "Secretary of State"))

    def test_whitespace_is_collapsed_but_characters_kept(self):
        p = parse(f"QUESTION:{NBSP} “Quoted”{NBSP}{NBSP}text —  and   more\t– here.\n")
        self.assertEqual(p.turns[0].paragraphs, ["“Quoted” text — and more – here."])

    def test_html_is_kept_as_text(self):
        p = parse("QUESTION:  Is <script>alert(1)</script> allowed & fine?\n")
        self.assertEqual(p.turns[0].paragraphs, ["Is <script>alert(1)</script> allowed & fine?"])


class NoteTests(SimpleTestCase):
    def test_stage_directions_are_notes(self):
        text = (
            "SECRETARY RUBIO:  Good luck.  (Laughter.)  Thanks.  (Applause.)\n\n"
            "QUESTION:  (Via interpreter) My question (inaudible) is [inaudible] this.  (Crosstalk.)\n\n"
            "FOREIGN MINISTER X:  (In Greek.)  (Inaudible)  (Off-mike.)\n"
        )
        p = parse(text)
        self.assertEqual(p.turns[0].notes, ["(Laughter.)", "(Applause.)"])
        self.assertEqual(p.turns[0].paragraphs, ["Good luck. (Laughter.) Thanks. (Applause.)"])
        self.assertEqual(p.turns[1].notes, ["(Via interpreter)", "(inaudible)", "[inaudible]", "(Crosstalk.)"])
        self.assertEqual(p.turns[2].notes, ["(In Greek.)", "(Inaudible)", "(Off-mike.)"])

    def test_ordinary_parentheticals_are_not_notes(self):
        p = parse("SECRETARY RUBIO:  The alliance (NATO) and the partner (the U.S.) agreed (in Ukraine) [sic].\n")
        self.assertEqual(p.turns[0].notes, [])

    def test_note_only_turn_is_valid(self):
        p = parse("FOREIGN MINISTER GERAPETRITIS:  (In Greek.)\n\nSECRETARY RUBIO:  Thank you.\n")
        self.assertEqual(p.turns[0].paragraphs, ["(In Greek.)"])
        self.assertEqual(p.turns[0].notes, ["(In Greek.)"])


class EndMarkerTests(SimpleTestCase):
    def test_end_markers(self):
        for marker in ("END 2:11 P.M. EDT", "END", "###", "# # #"):
            with self.subTest(marker=marker):
                p = parse(
                    "THE PRESIDENT:  Thank you.\n\nQ:  One more?\n\n"
                    f"{marker}\n\nQ:  Not a turn.\n\nThe White House\n\nMore text after the end.\n"
                )
                self.assertEqual(labels(p), ["THE PRESIDENT", "Q"])
                self.assertEqual(p.turns[-1].paragraphs, ["One more?"])
                self.assertNotIn("Not a turn", all_text(p))

    def test_bare_time_line_ends_only_when_no_turn_follows(self):
        ended = parse("THE PRESIDENT:  Thank you.\n\n4:05 P.M. EDT\n\nSome related text.\n")
        self.assertEqual(ended.turns[-1].paragraphs, ["Thank you."])
        # Judgement: a time stamp followed by more labelled turns marks a second session
        # (or a resumed briefing); the stamp is dropped and the turns are kept.
        resumed = parse("THE PRESIDENT:  Thank you.\n\n4:05 P.M. EDT\n\nQ:  Back again?\n")
        self.assertEqual(labels(resumed), ["THE PRESIDENT", "Q"])
        self.assertNotIn("4:05", all_text(resumed))

    def test_end_marker_with_nothing_after_gives_no_warning(self):
        p = parse("THE PRESIDENT:  Thank you.\n\nEND 2:11 P.M. EDT\n")
        self.assertEqual(p.warnings, ["no date found"])

    def test_start_time_is_not_an_end(self):
        p = parse("Oval Office\n\n4:00 P.M. EDT\n\nTHE PRESIDENT:  Welcome.\n\n4:05 P.M. EDT\n")
        self.assertEqual(labels(p), ["THE PRESIDENT"])
        self.assertEqual(p.venue, "Oval Office")


class UnlabelledTextTests(SimpleTestCase):
    def test_prepared_remarks(self):
        text = (
            "Remarks by Secretary Blinken at the Munich Security Conference\n\n"
            "Remarks\n\nFebruary 18, 2022\n\n"
            "Thank you very much.  It is good to be here.\n\n"
            "Let me say a few words about Europe.  (Applause.)\n\n"
            "# # #\n"
        )
        p = parse(text)
        self.assertEqual(len(p.turns), 1)
        self.assertEqual(p.turns[0].speaker_label, "")
        self.assertEqual(
            p.turns[0].paragraphs,
            ["Thank you very much. It is good to be here.", "Let me say a few words about Europe. (Applause.)"],
        )
        self.assertEqual(p.turns[0].notes, ["(Applause.)"])
        self.assertEqual(p.speakers[""], Person("Secretary Blinken", ""))
        self.assertEqual(p.kind, "remarks")

    def test_speaker_from_possessive_title(self):
        p = parse("Secretary Rubio’s Remarks to the Heritage Foundation\n\nJune 1, 2025\n\nThank you all.\n")
        self.assertEqual(p.speakers[""], Person("Secretary Rubio", ""))

    def test_speaker_with_full_name_in_title(self):
        p = parse("Remarks by President Joseph R. Biden at the Summit\n\nJune 1, 2023\n\nThank you all.\n")
        self.assertEqual(p.speakers[""], Person("Joseph R. Biden", "President"))

    def test_two_people_in_the_title_name_nobody(self):
        p = parse("Remarks by President Biden and Prime Minister Sunak\n\nJune 1, 2023\n\nThank you all.\n")
        self.assertNotIn("", p.speakers)

    def test_readout(self):
        p = parse(
            "Readout\n\nSecretary Blinken’s Call with Foreign Minister Kuleba\n\nJanuary 9, 2022\n\n"
            "The below is attributable to Spokesperson Ned Price:\n\n"
            "Secretary Blinken spoke today with Foreign Minister Kuleba.\n"
        )
        self.assertEqual(labels(p), [""])
        self.assertEqual(len(p.turns[0].paragraphs), 2)
        self.assertEqual(p.kind, "other")
        self.assertIn("no speaker labels found; the text is kept as one unlabelled turn", p.warnings)

    def test_headline_without_a_person_names_nobody(self):
        p = parse("Joint Statement on Ukraine\n\nMarch 4, 2022\n\nThe governments condemn the attack.\n")
        self.assertNotIn("", p.speakers)
        self.assertEqual(p.title, "Joint Statement on Ukraine")

    def test_all_caps_date_in_the_body_is_text(self):
        p = parse("SECRETARY BLINKEN:  Thanks.\n\nJANUARY 9, 2022\n\nMore.\n")
        self.assertEqual(p.turns[0].paragraphs, ["Thanks.", "JANUARY 9, 2022", "More."])

    def test_plain_short_text(self):
        p = parse("Hello there")
        self.assertEqual(labels(p), [""])
        self.assertEqual(p.turns[0].paragraphs, ["Hello there"])


class SpeakerHintTests(SimpleTestCase):
    def test_interviewer_introduces_themself(self):
        for intro, name in (
            ("Hello.  I’m Jake Tapper in Washington.", "Jake Tapper"),
            ("Good morning.  I am Margaret Brennan, and this is Face the Nation.", "Margaret Brennan"),
            ("This is Chuck Todd.  Welcome back.", "Chuck Todd"),
            ("Hi.  I'm Kristen Welker.", "Kristen Welker"),
        ):
            with self.subTest(intro=intro):
                p = parse(
                    f"Interview\n\nMay 1, 2022\n\nQUESTION:  {intro}  Joining us is Secretary of State Antony Blinken.\n\n"
                    "SECRETARY BLINKEN:  Good morning.\n\nQUESTION:  First question.\n"
                )
                self.assertEqual(p.speakers["QUESTION"], Person(name, ""))
                self.assertEqual(p.speakers["SECRETARY BLINKEN"], Person("Antony Blinken", "Secretary of State"))

    def test_host_introduction_with_a_place(self):
        p = parse(
            "QUESTION:  With us now from Kyiv is Secretary of State Antony Blinken.  Welcome.\n\n"
            "SECRETARY BLINKEN:  Good morning.\n"
        )
        self.assertEqual(p.kind, "interview")
        self.assertEqual(p.speakers["SECRETARY BLINKEN"], Person("Antony Blinken", "Secretary of State"))

    def test_reporters_in_a_press_conference_are_not_one_person(self):
        p = parse(
            "Secretary Rubio at a Press Availability\n\nMay 1, 2025\n\n"
            "QUESTION:  Hi, I’m Nick Wadhams from Bloomberg.\n\nSECRETARY RUBIO:  Go ahead.\n\n"
            "QUESTION:  Olivia Gazis with CBS News.  A question.\n\nSECRETARY RUBIO:  Sure.\n"
        )
        self.assertEqual(p.kind, "press-availability")
        self.assertNotIn("QUESTION", p.speakers)

    def test_self_introduction_outside_the_first_turn_is_ignored(self):
        p = parse(
            "Interview\n\nMay 1, 2022\n\nSECRETARY BLINKEN:  Happy to be here.\n\n"
            "QUESTION:  I’m Jake Tapper.\n"
        )
        self.assertNotIn("QUESTION", p.speakers)

    def test_participants_match_labels_by_surname(self):
        p = parse(
            "Antony J. Blinken, Secretary of State\n\nDmytro Kuleba, Ukrainian Foreign Minister\n\nKyiv, Ukraine\n\n"
            "January 19, 2022\n\n"
            "FOREIGN MINISTER KULEBA:  (Via interpreter) Welcome.\n\nSECRETARY BLINKEN:  Thank you.\n\n"
            "THE MODERATOR:  Questions.\n"
        )
        self.assertEqual(p.speakers["SECRETARY BLINKEN"], Person("Antony J. Blinken", "Secretary of State"))
        self.assertEqual(p.speakers["FOREIGN MINISTER KULEBA"], Person("Dmytro Kuleba", "Ukrainian Foreign Minister"))
        self.assertNotIn("THE MODERATOR", p.speakers)

    def test_office_only_label_matches_the_one_participant_with_that_office(self):
        p = parse("Antony J. Blinken, Secretary of State\n\nMay 2, 2022\n\nTHE SECRETARY:  Thanks.\n\nQUESTION:  Hi.\n")
        self.assertEqual(p.speakers["THE SECRETARY"], Person("Antony J. Blinken", "Secretary of State"))


class DateTests(SimpleTestCase):
    def test_file_name_date_is_the_last_resort(self):
        p = parse("QUESTION:  Hi.\n", filename="/some/dir/state-2024-02-29-x.txt")
        self.assertEqual(p.date, datetime.date(2024, 2, 29))
        self.assertEqual(p.warnings, ["date taken from the file name"])

    def test_invalid_file_name_date_is_ignored(self):
        p = parse("QUESTION:  Hi.\n", filename="2024-13-45.txt")
        self.assertIsNone(p.date)
        self.assertIn("no date found", p.warnings)

    def test_header_date_beats_front_matter(self):
        p = parse("---\ndate: 2024-01-03\n---\n\nJanuary 2, 2024\n\nQ:  Hi.\n")
        self.assertEqual(p.date, datetime.date(2024, 1, 2))
        self.assertTrue(any("differs from front matter date" in w for w in p.warnings))


class RobustnessTests(SimpleTestCase):
    def test_empty_and_blank_text(self):
        for text in ("", "   \n\n\t", "\ufeff", "\u00a0\n"):
            with self.subTest(text=repr(text)):
                with self.assertRaisesMessage(TranscriptError, "empty transcript"):
                    parse(text)

    def test_not_a_string(self):
        with self.assertRaises(TranscriptError):
            parse(b"QUESTION:  Hi.")  # type: ignore[arg-type]

    def test_windows_newlines_and_bom(self):
        p = parse("\ufeffQUESTION:  Hi.\r\n\r\nSECRETARY RUBIO:  Hello.\rThere.\r\n")
        self.assertEqual(labels(p), ["QUESTION", "SECRETARY RUBIO"])

    def test_one_megabyte_transcript_parses_whole(self):
        # How fast is measured in bench/ingest_bench.py ("one_megabyte"), not here.
        text = (SAMPLES / "state-2022-01-09-blinken-cnn-sotu.txt").read_text(encoding="utf-8") * 90
        markdown = (SAMPLES / "wh-2021-06-15-background-gaggle-geneva.md").read_text(encoding="utf-8") * 70
        for name, body in (("text", text), ("markdown", markdown)):
            with self.subTest(layout=name):
                self.assertGreater(len(body), 1_000_000)
                parsed = parse(body, filename=f"big.{'md' if name == 'markdown' else 'txt'}")
                self.assertGreater(len(parsed.turns), 1000)

    def test_pathological_inputs_finish_quickly(self):
        cases = {
            "spaces": "Q" + " " * 500_000 + "x",
            "colons": ("WORD" * 20 + ":") * 20_000,
            "parens": "(" * 500_000,
            "brackets": "[" * 250_000 + "]" * 250_000,
            "no spaces after colons": "x:" * 250_000,
            "long line": "word " * 200_000,
            "hashes": "#" * 300_000,
            "date-like": "January 9, 2022 " * 30_000,
        }
        for name, text in cases.items():
            with self.subTest(case=name):
                start = time.perf_counter()
                try:
                    parse(text)
                except TranscriptError:
                    pass
                # A guard against runaway regular expressions (which take minutes or never
                # finish), not a speed target: these inputs parse in well under a second.
                self.assertLess(time.perf_counter() - start, HANG_SECONDS)

    def test_random_input_raises_only_transcript_error(self):
        rng = random.Random(20260707)
        alphabet = "QA:()[]#-—– \u00a0\n\n\nabcXYZ.,’\"*_\\END12:05 P.M.---\t\r\x00\ufeff<>"
        for _ in range(1500):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 250)))
            try:
                parsed = parse(text, filename=rng.choice(["", "x.md", "2020-01-01.txt"]))
            except TranscriptError:
                continue
            self.assertIn(parsed.kind, KINDS)
            for turn in parsed.turns:
                self.assertTrue(turn.paragraphs)
