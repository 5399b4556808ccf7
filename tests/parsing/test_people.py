"""Who stands behind each label (parsing.people): participants, headlines, introductions."""

from __future__ import annotations

from django.test import SimpleTestCase

from archive.ingest.parsing import parse
from archive.ingest.types import Person

from tests.parsing.support import labels


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
