"""Speaker labels (parsing.labels): which paragraph openings are labels and which are text."""

from __future__ import annotations

from django.test import SimpleTestCase

from archive.ingest.parsing import parse
from archive.ingest.types import Person

from tests.parsing.support import NBSP, labels


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
