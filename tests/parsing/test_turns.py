"""Paragraphs and turns (parsing.turns): re-joined wrapped lines, turns, end markers."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from archive.ingest.parsing import parse
from archive.ingest.types import Person

from tests.parsing.support import NBSP, all_text, labels


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
