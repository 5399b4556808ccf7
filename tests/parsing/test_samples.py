"""The real samples in fixtures/transcripts, parsed whole: their exact turns, speakers and metadata."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from archive.ingest.types import Person

from tests.parsing.support import NBSP, all_text, expand, labels, sample


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
