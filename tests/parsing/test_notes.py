"""Stage directions (parsing.notes): which parentheticals are notes."""

from __future__ import annotations

from django.test import SimpleTestCase

from archive.ingest.parsing import parse


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
