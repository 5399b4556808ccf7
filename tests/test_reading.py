"""Tests of reading transcript files: encodings, newlines, and each kind of bad input."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase

from archive.ingest.reading import decode_transcript, read_transcript
from archive.ingest.types import TranscriptError

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"


class DecodeTests(SimpleTestCase):
    def test_utf8(self):
        text, encoding = decode_transcript("QUESTION:\u00a0 I’m here — “yes”.\n".encode("utf-8"), "a.txt")
        self.assertEqual(text, "QUESTION:\u00a0 I’m here — “yes”.\n")
        self.assertEqual(encoding, "utf-8")

    def test_utf8_with_bom(self):
        text, encoding = decode_transcript(b"\xef\xbb\xbfQUESTION:  Hi.\n", "a.txt")
        self.assertEqual(text, "QUESTION:  Hi.\n")
        self.assertEqual(encoding, "utf-8-sig")

    def test_windows_1252(self):
        data = b"QUESTION:\xa0 I\x92m here \x97 \x93yes\x94 \x80100.\r\n"
        text, encoding = decode_transcript(data, "a.txt")
        self.assertEqual(text, "QUESTION:\u00a0 I’m here — “yes” €100.\n")
        self.assertEqual(encoding, "windows-1252")

    def test_newlines_are_normalised(self):
        text, _ = decode_transcript(b"one\r\ntwo\rthree\nfour\r\n", "a.txt")
        self.assertEqual(text, "one\ntwo\nthree\nfour\n")
        text, _ = decode_transcript("a\u2028b\u2029c".encode("utf-8"), "a.txt")
        self.assertEqual(text, "a\nb\nc")

    def test_tabs_and_form_feeds_are_text(self):
        text, _ = decode_transcript(b"Q:\tHi.\fNext page.\n", "a.txt")
        self.assertEqual(text, "Q:\tHi.\fNext page.\n")

    def test_empty(self):
        with self.assertRaisesMessage(TranscriptError, "a.txt: file is empty"):
            decode_transcript(b"", "a.txt")

    def test_whitespace_only(self):
        for data in (b"   \n\r\n\t  ", b"\xef\xbb\xbf", "\u00a0\n".encode("utf-8"), b"\xa0\xa0\n"):
            with self.subTest(data=data):
                with self.assertRaisesMessage(TranscriptError, "file contains only whitespace"):
                    decode_transcript(data, "a.txt")

    def test_binary_with_nul_bytes(self):
        with self.assertRaisesMessage(TranscriptError, "binary file (contains NUL bytes)"):
            decode_transcript(b"PK\x03\x04\x00\x00 some zip", "a.zip")

    def test_binary_mostly_control_characters(self):
        data = bytes(range(1, 9)) * 50 + b"text"
        with self.assertRaisesMessage(TranscriptError, "binary file (mostly control characters)"):
            decode_transcript(data, "a.bin")

    def test_a_few_control_characters_are_tolerated(self):
        text, _ = decode_transcript(b"QUESTION:  Hi.\x07 " + b"word " * 100, "a.txt")
        self.assertTrue(text.startswith("QUESTION:"))

    def test_undecodable_in_both_encodings(self):
        # 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined in Windows-1252 and invalid UTF-8 here.
        with self.assertRaises(TranscriptError) as caught:
            decode_transcript(b"Hello \x81\x8d\x8f\x90\x9d", "a.txt")
        message = str(caught.exception)
        self.assertIn("UTF-8", message)
        self.assertIn("Windows-1252", message)
        self.assertNotIn("\n", message)

    def test_bom_with_invalid_utf8(self):
        with self.assertRaisesMessage(TranscriptError, "not valid UTF-8"):
            decode_transcript(b"\xef\xbb\xbfHello \xff", "a.txt")

    def test_utf16_is_refused_with_a_hint(self):
        with self.assertRaisesMessage(TranscriptError, "save it as UTF-8"):
            decode_transcript("QUESTION: Hi.".encode("utf-16"), "a.txt")

    def test_messages_are_one_line_and_name_the_file(self):
        for data in (b"", b"  ", b"\x00", b"\x81\x8d"):
            with self.subTest(data=data):
                with self.assertRaises(TranscriptError) as caught:
                    decode_transcript(data, "dir/name.txt")
                self.assertTrue(str(caught.exception).startswith("dir/name.txt: "))
                self.assertNotIn("\n", str(caught.exception))


class ReadTests(SimpleTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name: str, data: bytes) -> Path:
        path = self.dir / name
        path.write_bytes(data)
        return path

    def test_reads_a_sample(self):
        path = SAMPLES / "state-2022-01-09-blinken-cnn-sotu.txt"
        text, encoding = read_transcript(path)
        self.assertEqual(encoding, "utf-8")
        self.assertIn("SECRETARY BLINKEN:", text)
        self.assertNotIn("\r", text)

    def test_accepts_str_and_path(self):
        path = self.write("a.txt", b"QUESTION:  Hi.\r\n")
        self.assertEqual(read_transcript(path), ("QUESTION:  Hi.\n", "utf-8"))
        self.assertEqual(read_transcript(str(path)), ("QUESTION:  Hi.\n", "utf-8"))

    def test_windows_1252_file(self):
        path = self.write("a.txt", b"It\x92s fine.")
        self.assertEqual(read_transcript(path), ("It’s fine.", "windows-1252"))

    def test_missing_path(self):
        with self.assertRaisesMessage(TranscriptError, "no such file"):
            read_transcript(self.dir / "missing.txt")

    def test_directory(self):
        with self.assertRaisesMessage(TranscriptError, "is a directory"):
            read_transcript(self.dir)

    def test_broken_link(self):
        link = self.dir / "link.txt"
        try:
            os.symlink(self.dir / "gone.txt", link)
        except (OSError, NotImplementedError):
            self.skipTest("symbolic links are not available here")
        with self.assertRaisesMessage(TranscriptError, "broken link"):
            read_transcript(link)

    def test_unreadable(self):
        path = self.write("a.txt", b"QUESTION:  Hi.")
        # Patched rather than chmod-ed: a superuser can read any file.
        with mock.patch("builtins.open", side_effect=PermissionError(13, "Permission denied")):
            with self.assertRaisesMessage(TranscriptError, "permission denied"):
                read_transcript(path)
        with mock.patch("builtins.open", side_effect=OSError(5, "Input/output error")):
            with self.assertRaisesMessage(TranscriptError, "cannot be read (Input/output error)"):
                read_transcript(path)

    def test_not_a_regular_file(self):
        if not hasattr(os, "mkfifo"):
            self.skipTest("named pipes are not available here")
        fifo = self.dir / "pipe"
        os.mkfifo(fifo)
        with self.assertRaisesMessage(TranscriptError, "not a regular file"):
            read_transcript(fifo)

    def test_bad_files(self):
        cases = {
            "empty.txt": (b"", "file is empty"),
            "blank.txt": (b" \n\n ", "only whitespace"),
            "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
            "bad.txt": (b"caf\xe9 \x81", "cannot be decoded as UTF-8 or Windows-1252"),
        }
        for name, (data, reason) in cases.items():
            with self.subTest(name=name):
                path = self.write(name, data)
                with self.assertRaisesMessage(TranscriptError, reason):
                    read_transcript(path)
