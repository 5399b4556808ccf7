"""manage.py ingest on real samples and on bad input."""

import io
import json
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from archive.models import Speaker, SpeakerLabel, Transcript, Turn

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "transcripts"
SEED = SAMPLES / "state-2022-01-09-blinken-cnn-sotu.txt"
BANNER_AND_FOOTER = ["official website", ".gov", "U.S. Department of State", "Lessons of 1989", "Here’s how you know"]


def ingest(*args, stdin=None, **options):
    """Run the command; return (stdout, stderr, error or None)."""
    out, err = io.StringIO(), io.StringIO()
    error = None
    patch = mock.patch("sys.stdin", stdin) if stdin is not None else mock.patch.dict({})
    with patch:
        try:
            call_command("ingest", *map(str, args), stdout=out, stderr=err, **options)
        except CommandError as caught:
            error = caught
    return out.getvalue(), err.getvalue(), error


class TempDirMixin:
    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def write(self, name, content):
        path = self.tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path


class SeedTranscriptTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        out, err, error = ingest(SEED)
        assert error is None, err
        cls.transcript = Transcript.objects.get()

    def test_eighteen_turns_alternating_except_where_interjections_were_dropped(self):
        labels = list(self.transcript.turns.live().order_by("position").values_list("speaker_label", flat=True))
        q, a = "QUESTION", "SECRETARY BLINKEN"
        self.assertEqual(labels, [q, a, q, a, q, a, q, a, a, a, q, a, q, a, a, q, a, q])

    def test_interviewer_and_guest_are_resolved_by_name(self):
        turns = list(self.transcript.turns.live().order_by("position").select_related("speaker"))
        self.assertEqual({t.speaker.name for t in turns if t.speaker_label == "QUESTION"}, {"Jake Tapper"})
        blinken = turns[1].speaker
        self.assertEqual((blinken.name, blinken.title), ("Antony J. Blinken", "Secretary of State"))
        self.assertEqual(blinken.kind, Speaker.Kind.PERSON)

    def test_turn_text_and_boundaries(self):
        turns = list(self.transcript.turns.live().order_by("position"))
        self.assertTrue(turns[0].text.startswith("Hello. I’m Jake Tapper in Washington"))
        self.assertEqual(len(turns[0].paragraphs), 4)
        self.assertTrue(turns[8].text.startswith("— and yet the very actions he’s taken"))
        self.assertTrue(turns[9].text.startswith("There’s now an opportunity"))
        self.assertTrue(turns[14].text.startswith("— starting this week to talk through all of this"))
        self.assertEqual(
            turns[17].text, "All right. Secretary Antony Blinken, thank you so much. Really appreciate your time today."
        )
        for turn in turns:
            for fragment in BANNER_AND_FOOTER:
                self.assertNotIn(fragment, turn.text, f"turn {turn.position}")

    def test_answers_link_to_their_questions(self):
        turns = {t.position: t for t in self.transcript.turns.live()}
        self.assertEqual(turns[2].answers, turns[1])
        self.assertEqual(turns[9].answers, turns[7])
        self.assertEqual(turns[10].answers, turns[7])
        self.assertIsNone(turns[1].answers)

    def test_metadata_from_the_file_beside_it(self):
        t = self.transcript
        self.assertEqual(str(t.date), "2022-01-09")
        self.assertEqual((t.kind, t.outlet, t.program), ("interview", "CNN", "State of the Union"))
        self.assertEqual(t.source_name, "U.S. Department of State")
        self.assertIn("Jake Tapper", t.title)
        self.assertEqual(t.raw_text, SEED.read_text(encoding="utf-8"))


class AllSamplesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.out, cls.err, cls.error = ingest(SAMPLES)

    def test_every_sample_loads(self):
        self.assertIsNone(self.error, self.err)
        self.assertEqual(Transcript.objects.count(), 5)
        self.assertIn("Ingested 5 transcripts", self.out)
        self.assertIn("5 created, 0 updated, 0 unchanged, 0 failed", self.out)

    def test_second_run_changes_nothing_and_says_so(self):
        before = list(Turn.objects.order_by("pk").values_list("pk", "modified"))
        out, err, error = ingest(SAMPLES)
        self.assertIsNone(error, err)
        self.assertIn("0 created, 0 updated, 5 unchanged", out)
        self.assertEqual(list(Turn.objects.order_by("pk").values_list("pk", "modified")), before)

    def test_the_president_and_president_biden_are_one_speaker(self):
        transcript = Transcript.objects.get(title__contains="Chaves")
        by_label = {t.speaker_label: t.speaker for t in transcript.turns.live().select_related("speaker")}
        self.assertEqual(by_label["THE PRESIDENT"], by_label["PRESIDENT BIDEN"])
        self.assertEqual(by_label["PRESIDENT BIDEN"].name, "Joseph R. Biden Jr.")
        self.assertNotEqual(by_label["PRESIDENT CHAVES"], by_label["PRESIDENT BIDEN"])
        self.assertEqual(by_label["Q"].kind, Speaker.Kind.ROLE)
        self.assertEqual(transcript.venue, "Oval Office")
        self.assertFalse(transcript.turns.filter(text__contains="4:05 P.M.").exists())

    def test_rubio_is_one_person_across_transcripts_and_roles_stay_roles(self):
        rubio = Speaker.objects.get(name="Marco Rubio")
        self.assertEqual(rubio.title, "Secretary of State")
        self.assertEqual(rubio.turns.values("transcript").distinct().count(), 2)
        self.assertEqual(Speaker.objects.get(name="Giorgos Gerapetritis").title, "Greek Foreign Minister")
        question = Speaker.objects.get(name="Question")
        self.assertEqual(question.kind, Speaker.Kind.ROLE)
        self.assertEqual(
            set(SpeakerLabel.objects.filter(speaker=question).values_list("label", flat=True)), {"QUESTION", "Q"}
        )
        self.assertEqual(Speaker.objects.get(name="Moderator").kind, Speaker.Kind.ROLE)

    def test_notes_are_kept_apart_from_the_words(self):
        greek = Transcript.objects.get(title__contains="Gerapetritis")
        first = greek.turns.get(position=1)
        self.assertEqual((first.speaker_label, first.notes), ("FOREIGN MINISTER GERAPETRITIS", ["(In Greek.)"]))
        self.assertTrue(any("(Laughter.)" in turn.notes for turn in greek.turns.all()))
        self.assertEqual(greek.kind, "press-availability")
        self.assertEqual((greek.location, greek.venue), ("Athens, Greece", "Ministry of Foreign Affairs"))

    def test_gaggle_from_markdown_with_front_matter(self):
        gaggle = Transcript.objects.get(title__contains="Gaggle")
        self.assertEqual(gaggle.kind, "press-briefing")
        self.assertTrue(gaggle.source_url.startswith("https://bidenwhitehouse.archives.gov/"))
        self.assertEqual(gaggle.source_name, "The White House")
        labels = set(gaggle.turns.values_list("speaker_label", flat=True))
        self.assertEqual(labels, {"SENIOR ADMINISTRATION OFFICIAL", "Q"})
        first = gaggle.turns.get(position=1)
        self.assertTrue(first.text.startswith("Okay, welcome to our flight to Geneva, Switzerland, on day seven"))


class BadInputTests(TempDirMixin, TestCase):
    def assert_fails_alone(self, path, reason):
        good = self.write("good.txt", "Remarks to the press\n\nQUESTION:  Any news?\n\nMR. PRICE:  None today.\n")
        out, err, error = ingest(path, good)
        self.assertIsNotNone(error)
        # One line that names the file once, then the reason.
        self.assertTrue(err.startswith(f"{path}: "), err)
        self.assertEqual(err.count(str(path)), 1, err)
        self.assertIn(reason, err.lower())
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        # The good file still loads; nothing of the bad one is written.
        self.assertEqual(Transcript.objects.count(), 1)
        self.assertEqual(Transcript.objects.get().turns.count(), 2)
        self.assertIn("1 failed", out)

    def test_empty_file(self):
        self.assert_fails_alone(self.write("empty.txt", b""), "empty")

    def test_whitespace_only_file(self):
        self.assert_fails_alone(self.write("blank.txt", " \n\u00a0\n\t\n"), "whitespace")

    def test_binary_file(self):
        self.assert_fails_alone(self.write("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), "binary")

    def test_undecodable_bytes(self):
        self.assert_fails_alone(self.write("broken.txt", b"QUESTION:  caf\x81\x8d\x90 ?\n"), "decode")

    def test_missing_path(self):
        self.assert_fails_alone(self.tmp / "no-such-file.txt", "no such file")

    def test_windows_1252_file_loads_and_says_so(self):
        path = self.write("cp1252.txt", "Remarks\n\nQUESTION:  Is it \u201cover\u201d?\n\nMR. PRICE:  It\u2019s not.\n".encode("cp1252"))
        out, err, error = ingest(path)
        self.assertIsNone(error, err)
        self.assertIn("1252", out)
        self.assertEqual(Turn.objects.get(position=2).text, "It\u2019s not.")


class OptionsTests(TempDirMixin, TestCase):
    def test_dry_run_writes_nothing(self):
        out, err, error = ingest(SEED, dry_run=True)
        self.assertIsNone(error, err)
        self.assertIn("18 turns", out)
        self.assertFalse(Transcript.objects.exists())

    def test_json_prints_the_parsed_transcript(self):
        out, err, error = ingest(SEED, json=True)
        self.assertIsNone(error, err)
        data = json.loads(out)
        self.assertEqual(len(data), 1)
        self.assertEqual(len(data[0]["turns"]), 18)
        self.assertEqual(
            set(data[0]["turns"][0]), {"position", "speaker_label", "speaker", "text", "notes"}
        )
        self.assertEqual(data[0]["turns"][0]["speaker"], "Jake Tapper")
        self.assertEqual(data[0]["turns"][1]["speaker"], "Antony J. Blinken")
        self.assertFalse(Transcript.objects.exists())

    def test_json_names_the_speakers_as_ingest_would(self):
        out, err, error = ingest(SAMPLES / "wh-2023-08-29-biden-chaves-bilateral.md", json=True)
        self.assertIsNone(error, err)
        said = {(t["speaker_label"], t["speaker"]) for t in json.loads(out)[0]["turns"]}
        self.assertEqual(said, {
            ("PRESIDENT BIDEN", "Joseph R. Biden Jr."),
            ("THE PRESIDENT", "Joseph R. Biden Jr."),
            ("PRESIDENT CHAVES", "Rodrigo Chaves Robles"),
            ("Q", "Question"),
        })
        self.assertFalse(Transcript.objects.exists())

    def test_stdin_with_metadata_flags(self):
        stdin = mock.Mock(buffer=io.BytesIO("QUESTION:  Any news?\n\nMR. PRICE:  None today.\n".encode()))
        out, err, error = ingest("-", stdin=stdin, title="Department Press Briefing", date="2022-03-01",
                                 kind="press-briefing", source_url="https://www.state.gov/briefings/2022-03-01/")
        self.assertIsNone(error, err)
        transcript = Transcript.objects.get()
        self.assertEqual((transcript.title, str(transcript.date)), ("Department Press Briefing", "2022-03-01"))
        self.assertEqual(transcript.turns.get(position=2).speaker.name, "Ned Price")

    def test_unlabelled_remarks_attributed_with_speaker_flag(self):
        path = self.write("remarks.txt", "Good afternoon.\n\nToday we announce new measures.\n")
        out, err, error = ingest(path, title="Remarks on new measures", speaker="Antony J. Blinken")
        self.assertIsNone(error, err)
        turn = Turn.objects.get()
        self.assertEqual(turn.speaker.name, "Antony J. Blinken")
        self.assertEqual(turn.paragraphs, ["Good afternoon.", "Today we announce new measures."])

    def test_html_in_a_transcript_is_kept_as_text(self):
        path = self.write("hostile.txt", "Remarks\n\nQUESTION:  <script>alert(1)</script> really?\n\nMR. PRICE:  <b>No</b>.\n")
        out, err, error = ingest(path)
        self.assertIsNone(error, err)
        self.assertEqual(Turn.objects.get(position=1).text, "<script>alert(1)</script> really?")

    def test_corrected_file_updates_in_place(self):
        path = self.write("briefing.txt", "QUESTION:  First?\n\nMR. PRICE:  One.\n\nQUESTION:  Second?\n\nMR. PRICE:  Two.\n")
        ingest(path, title="Department Press Briefing", date="2022-03-01")
        path.write_text("QUESTION:  First?\n\nMR. PRICE:  One, and more.\n\nQUESTION:  Second?\n\nMR. PRICE:  Two.\n")
        out, err, error = ingest(path, title="Department Press Briefing", date="2022-03-01")
        self.assertIsNone(error, err)
        self.assertIn("1 updated", out)
        self.assertEqual(Transcript.objects.count(), 1)
        self.assertEqual(Turn.objects.get(number=2).text, "One, and more.")
