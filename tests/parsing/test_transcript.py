"""The entry point (parsing.transcript): odd, huge and random input never crashes or hangs."""

from __future__ import annotations

import random
import time

from django.test import SimpleTestCase

from archive.ingest.parsing import parse
from archive.ingest.types import KINDS, TranscriptError

from tests.parsing.support import HANG_SECONDS, SAMPLES, labels


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
