"""The loader: speakers resolved, answers linked, numbers stable, all or nothing."""

import datetime
from unittest import mock

from django.test import TestCase

from archive.ingest import loader
from archive.ingest.loader import load_transcript
from archive.ingest.types import ParsedTranscript, ParsedTurn, Person, TranscriptError
from archive.models import Speaker, Transcript, Turn, TurnRevision


def transcript(turns, **metadata):
    metadata.setdefault("title", "Interview with the Secretary")
    metadata.setdefault("date", datetime.date(2022, 1, 9))
    metadata.setdefault("kind", "interview")
    speakers = metadata.pop("speakers", {})
    participants = metadata.pop("participants", [])
    parsed_turns = [ParsedTurn(label, [text], notes) for label, text, *rest in turns for notes in [rest[0] if rest else []]]
    return ParsedTranscript(turns=parsed_turns, speakers=speakers, participants=participants, **metadata)


def raw(parsed):
    return "\n\n".join(f"{t.speaker_label}:  {t.text}" for t in parsed.turns)


def load(parsed):
    return load_transcript(parsed, raw(parsed))


class SpeakerResolutionTests(TestCase):
    def test_one_secretary_under_three_labels_in_three_transcripts(self):
        first = load(transcript(
            [("QUESTION", "Joining me now is Secretary of State Antony Blinken."), ("SECRETARY BLINKEN", "Thanks, Jake.")],
            speakers={"SECRETARY BLINKEN": Person("Antony Blinken", "Secretary of State")},
        ))
        second = load(transcript([("QUESTION", "Mr. Secretary?"), ("Secretary Blinken", "Yes.")], title="Second"))
        third = load(transcript([("Q", "A question."), ("SECRETARY OF STATE BLINKEN", "An answer.")], title="Third"))

        blinken = Speaker.objects.get(name="Antony J. Blinken")
        self.assertEqual(blinken.title, "Secretary of State")
        for result in (first, second, third):
            self.assertEqual(result.transcript.turns.get(position=2).speaker, blinken)
        self.assertEqual(
            sorted(blinken.labels.values_list("label", flat=True)),
            ["SECRETARY BLINKEN", "SECRETARY OF STATE BLINKEN", "Secretary Blinken"],
        )
        self.assertEqual(Speaker.objects.filter(kind=Speaker.Kind.PERSON).count(), 1)

    def test_the_president_is_the_named_president_who_holds_the_office(self):
        result = load(transcript(
            [
                ("PRESIDENT BIDEN", "Welcome back, Mr. President."),
                ("PRESIDENT CHAVES", "Thank you."),
                ("Q", "Mr. President, the hurricane?"),
                ("THE PRESIDENT", "I spoke with the governor last night."),
            ],
            title="Remarks before a bilateral meeting", date=datetime.date(2023, 8, 29), kind="remarks",
        ))
        turns = list(result.transcript.turns.order_by("position"))
        self.assertEqual(turns[0].speaker, turns[3].speaker)
        self.assertEqual(turns[0].speaker.name, "Joseph R. Biden Jr.")
        self.assertEqual(turns[1].speaker.name, "President Chaves")
        self.assertNotEqual(turns[1].speaker, turns[0].speaker)
        self.assertEqual(turns[3].speaker_label, "THE PRESIDENT")

    def test_roles_stay_roles_and_an_interviewer_is_resolved_only_in_their_interview(self):
        interview = load(transcript(
            [("QUESTION", "I'm Jake Tapper in Washington."), ("SECRETARY BLINKEN", "Good morning.")],
            speakers={"QUESTION": Person("Jake Tapper")},
        ))
        briefing = load(transcript(
            [("MODERATOR", "First question."), ("QUESTION", "Olivia Gazis with CBS News."), ("SECRETARY RUBIO", "Sure.")],
            title="Press availability", date=datetime.date(2026, 10, 7), kind="press-availability",
        ))
        tapper = interview.transcript.turns.get(position=1).speaker
        self.assertEqual((tapper.name, tapper.kind), ("Jake Tapper", "person"))
        question = briefing.transcript.turns.get(position=2).speaker
        self.assertEqual((question.name, question.kind), ("Question", "role"))
        self.assertEqual(briefing.transcript.turns.get(position=1).speaker.name, "Moderator")
        self.assertEqual(briefing.transcript.turns.get(position=3).speaker.name, "Marco Rubio")

    def test_participant_from_header_names_the_label(self):
        result = load(transcript(
            [("FOREIGN MINISTER GERAPETRITIS", "(In Greek.)", ["(In Greek.)"])],
            participants=[Person("Giorgos Gerapetritis", "Greek Foreign Minister")],
            title="Joint press availability", date=datetime.date(2026, 10, 7),
        ))
        speaker = result.transcript.turns.get().speaker
        self.assertEqual((speaker.name, speaker.title), ("Giorgos Gerapetritis", "Greek Foreign Minister"))

    def test_unlabelled_remarks_are_attributed_from_metadata_or_left_unattributed(self):
        named = load(transcript([("", "Good afternoon.")], speakers={"": Person("Secretary Blinken")}, title="Remarks"))
        anonymous = load(transcript([("", "A readout.")], title="Readout"))
        self.assertEqual(named.transcript.turns.get().speaker.name, "Antony J. Blinken")
        self.assertIsNone(anonymous.transcript.turns.get().speaker)


class AnswerLinkTests(TestCase):
    def test_answers_point_at_the_latest_question(self):
        result = load(transcript([
            ("SECRETARY RUBIO", "Opening statement."),
            ("MODERATOR", "Questions now."),
            ("QUESTION", "First question?"),
            ("SECRETARY RUBIO", "First answer."),
            ("FOREIGN MINISTER GERAPETRITIS", "Also an answer."),
            ("MODERATOR", "Next."),
            ("QUESTION", "Second question?"),
            ("SECRETARY RUBIO", "— and interrupted,"),
            ("SECRETARY RUBIO", "— continued."),
        ], date=datetime.date(2026, 10, 7)))
        turns = {t.position: t for t in result.transcript.turns.all()}
        self.assertIsNone(turns[1].answers)
        self.assertIsNone(turns[2].answers)
        self.assertIsNone(turns[3].answers)
        self.assertEqual(turns[4].answers, turns[3])
        self.assertEqual(turns[5].answers, turns[3])
        self.assertIsNone(turns[6].answers)
        self.assertEqual(turns[8].answers, turns[7])
        self.assertEqual(turns[9].answers, turns[7])


class StableNumberTests(TestCase):
    original = [
        ("QUESTION", "Where do the talks stand?"),
        ("SECRETARY BLINKEN", "There are two paths before us, dialogue and diplomacy or confrontation."),
        ("QUESTION", "Would you consider limits on exercises?"),
        ("SECRETARY BLINKEN", "Any progress has to happen on a reciprocal basis."),
        ("QUESTION", "Is an invasion likely?"),
        ("SECRETARY BLINKEN", "I cannot tell you whether it is likely or not."),
    ]

    def test_reingesting_the_same_text_changes_nothing(self):
        first = load(transcript(self.original))
        modified = first.transcript.modified
        again = load(transcript(self.original))
        self.assertEqual(again.status, "unchanged")
        self.assertEqual(Turn.objects.count(), 6)
        self.assertEqual(Transcript.objects.get().modified, modified)

    def test_corrected_version_keeps_every_address_on_its_words(self):
        first = load(transcript(self.original))
        numbers = {t.text: t.number for t in first.transcript.turns.all()}
        corrected = [
            ("QUESTION", "Good morning and welcome."),  # inserted before everything
            *self.original[:3],
            ("SECRETARY BLINKEN", "Any progress will have to happen on a reciprocal basis."),  # edited
            # the question "Is an invasion likely?" was removed
            self.original[5],
        ]
        result = load(transcript(corrected))
        self.assertEqual((result.status, result.added, result.changed, result.withdrawn), ("updated", 1, 1, 1))

        turns = Turn.objects.filter(transcript=result.transcript)
        self.assertEqual(turns.get(number=numbers["Where do the talks stand?"]).position, 2)
        edited = turns.get(number=numbers["Any progress has to happen on a reciprocal basis."])
        self.assertEqual(edited.text, "Any progress will have to happen on a reciprocal basis.")
        self.assertEqual(edited.revisions.get().text, "Any progress has to happen on a reciprocal basis.")
        removed = turns.get(number=numbers["Is an invasion likely?"])
        self.assertIsNone(removed.position)
        self.assertIsNotNone(removed.withdrawn)
        inserted = turns.get(text="Good morning and welcome.")
        self.assertEqual((inserted.number, inserted.position), (7, 1))
        self.assertEqual(list(turns.live().order_by("position").values_list("position", flat=True)), [1, 2, 3, 4, 5, 6])
        last = turns.get(number=numbers["I cannot tell you whether it is likely or not."])
        self.assertEqual(last.answers, turns.get(number=numbers["Would you consider limits on exercises?"]))

    def test_numbers_of_removed_turns_are_never_reused(self):
        load(transcript(self.original))
        load(transcript(self.original[:4]))
        result = load(transcript([*self.original[:4], ("QUESTION", "A new closing question?")]))
        numbers = sorted(Turn.objects.filter(transcript=result.transcript).values_list("number", flat=True))
        self.assertEqual(numbers, [1, 2, 3, 4, 5, 6, 7])
        self.assertEqual(Turn.objects.get(text="A new closing question?").number, 7)


class AllOrNothingTests(TestCase):
    def test_failure_while_writing_a_new_transcript_leaves_nothing(self):
        with mock.patch.object(loader, "_link_answers", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                load(transcript([("QUESTION", "Hello?"), ("SECRETARY BLINKEN", "Hello.")]))
        self.assertFalse(Transcript.objects.exists())
        self.assertFalse(Turn.objects.exists())
        self.assertFalse(Speaker.objects.exists())

    def test_failure_while_updating_leaves_the_previous_version(self):
        load(transcript([("QUESTION", "Hello?"), ("SECRETARY BLINKEN", "Hello.")]))
        with mock.patch.object(loader, "_link_answers", side_effect=RuntimeError("disk full")):
            with self.assertRaises(RuntimeError):
                load(transcript([("QUESTION", "Hello?"), ("SECRETARY BLINKEN", "Hello, Jake, good to be here.")]))
        self.assertEqual(Turn.objects.get(position=2).text, "Hello.")
        self.assertFalse(TurnRevision.objects.exists())

    def test_transcript_without_title_or_turns_is_refused(self):
        with self.assertRaisesMessage(TranscriptError, "no title"):
            load(transcript([("Q", "Hi")], title=""))
        with self.assertRaisesMessage(TranscriptError, "no turns"):
            load(transcript([]))
        self.assertFalse(Transcript.objects.exists())
