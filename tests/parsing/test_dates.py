"""Where the date comes from (parsing.dates, parsing.header): header, front matter, file name."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from archive.ingest.parsing import parse


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
