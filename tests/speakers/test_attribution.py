"""Who said it, across transcripts: the speakers a reader finds after ingesting small texts
in the shapes that split or confused people in real archives."""

import pytest

from archive import citations
from archive.ingest.loader import load_transcript
from archive.ingest.parsing import parse
from archive.models import Speaker, Transcript, Turn

pytestmark = pytest.mark.django_db


def ingest(text, filename="t.txt"):
    return load_transcript(parse(text, filename=filename), text)


def speakers_by_label(result):
    return {t.speaker_label: (t.speaker.name if t.speaker else None) for t in result.transcript.turns.live()}


def briefing(title, date, body):
    return f"{title}\n{date}\n\n{body}"


def test_a_press_secretary_is_one_speaker_whatever_the_headline_says_around_her_name():
    for title, date in [
        ("Press Briefing by Press Secretary Karine Jean-Pierre", "May 3, 2024"),
        ("Press Gaggle by Press Secretary Karine Jean-Pierre En Route Los Angeles", "June 14, 2024"),
        ("Press Gaggle by Principal Deputy Press Secretary Karine Jean-Pierre Aboard Air Force One En Route Plains", "March 1, 2022"),
    ]:
        ingest(briefing(title, date, "MS. JEAN-PIERRE:  Hi, everybody.\n\nQ  Thank you.\n"))
    people = Speaker.objects.filter(kind=Speaker.Kind.PERSON)
    assert list(people.values_list("name", flat=True)) == ["Karine Jean-Pierre"]
    assert Turn.objects.filter(speaker__name="Karine Jean-Pierre").count() == 3


def test_coordinator_and_adviser_headlines_and_a_bare_surname_label_are_one_person():
    ingest(briefing(
        "Press Briefing by Press Secretary Karine Jean-Pierre and NSC Coordinator for Strategic Communications John Kirby",
        "June 7, 2023", "MS. JEAN-PIERRE:  John is here.\n\nMR. KIRBY:  Thanks.\n\nQ  John, a question.\n",
    ))
    ingest(briefing("Press Gaggle by APNSA Jake Sullivan", "May 1, 2023", "MR. SULLIVAN:  Hello.\n\nQ  Jake?\n"))
    # No headline names him: the officeholder list does, on the day.
    ingest(briefing("Press Briefing on the Middle East", "October 10, 2023", "MR. KIRBY:  Good afternoon.\n\nQ  Admiral?\n"))
    names = sorted(Speaker.objects.filter(kind=Speaker.Kind.PERSON).values_list("name", flat=True))
    assert names == ["Jake Sullivan", "John Kirby", "Karine Jean-Pierre"]
    assert Turn.objects.filter(speaker__name="John Kirby").count() == 2


def test_roles_stay_roles_and_an_outlet_asks_a_question():
    result = ingest(briefing(
        "Remarks by President Biden", "July 4, 2023",
        "THE PRESIDENT:  Thank you.\n\nAIDE:  This way, sir.\n\nMILITARY AIDE:  Sir.\n\n"
        "AUDIENCE MEMBERS:  (Inaudible.)\n\nCHILD:  Hi!\n\nFBI OFFICIAL:  Clear.\n\n"
        "SENIOR ADMINISTRATION OFFICIAL NUMBER ONE:  Briefly.\n\nPolitico:  A question, sir?\n\n"
        "THE PRESIDENT:  Go ahead.\n",
    ))
    by_label = {t.speaker_label: t.speaker for t in result.transcript.turns.live()}
    assert by_label["THE PRESIDENT"].name == "Joseph R. Biden Jr."
    for label, role in [
        ("AIDE", "Aide"), ("MILITARY AIDE", "Military Aide"), ("AUDIENCE MEMBERS", "Audience member"),
        ("CHILD", "Child"), ("FBI OFFICIAL", "FBI Official"),
        ("SENIOR ADMINISTRATION OFFICIAL NUMBER ONE", "Senior Administration Official"), ("Politico", "Question"),
    ]:
        assert (by_label[label].name, by_label[label].kind) == (role, "role"), label
    # The outlet's question is a question the President answers.
    answer = result.transcript.turns.live().get(position=9)
    assert answer.answers.speaker_label == "Politico"


def test_a_name_known_only_from_a_label_keeps_its_case_and_parts_in_citations():
    result = ingest(briefing(
        "Press Call on the Summit of the Americas", "March 3, 2023",
        "MR. FERNÁNDEZ HERNÁNDEZ:  Buenos días.\n\nMS. O’CONNELL:  Thanks.\n\nAMBASSADOR DE LA CRUZ:  Good morning.\n",
    ))
    people = {s.name: s for s in Speaker.objects.filter(kind=Speaker.Kind.PERSON)}
    assert set(people) == {"Mr. Fernández Hernández", "Ms. O’Connell", "Ambassador de la Cruz"}
    parts = {name: (s.given_name, s.family_name, s.honorific) for name, s in people.items()}
    assert parts["Mr. Fernández Hernández"] == ("", "Fernández Hernández", "Mr.")
    assert parts["Ambassador de la Cruz"] == ("", "de la Cruz", "Ambassador")
    turn = result.transcript.turns.live().get(position=1)
    assert citations.speaker_name(turn).inverted() == "Fernández Hernández"


def test_the_same_label_only_name_in_three_transcripts_is_one_speaker():
    for day in ("March 3, 2023", "March 10, 2023", "April 1, 2023"):
        ingest(briefing(f"Press Call on {day}", day, "MR. FERNÁNDEZ HERNÁNDEZ:  Buenos días.\n\nQ  Hola.\n"))
    assert Speaker.objects.filter(name="Mr. Fernández Hernández").count() == 1


def test_a_label_only_speaker_joins_the_full_name_a_later_text_gives():
    ingest(briefing("Press Call on Health Costs", "March 3, 2023", "MR. MUNOZ:  Thanks, everyone.\n\nQ  Hi.\n"))
    ingest(briefing(
        "Press Call on Drug Prices", "March 14, 2023",
        "MR. MUNOZ:  Hi, I am Kevin Munoz, and thanks for joining.\n\nQ  Hi.\n",
    ))
    ingest(briefing("Press Call on Insulin", "April 4, 2023", "MR. MUNOZ:  Thanks again.\n\nQ  Hi.\n"))
    people = Speaker.objects.filter(kind=Speaker.Kind.PERSON)
    assert list(people.values_list("name", flat=True)) == ["Kevin Munoz"]
    assert Turn.objects.filter(speaker__name="Kevin Munoz").count() == 3
    # The old address of the label-only speaker leads to him.
    assert people.get().old_slugs.filter(old_slug="mr-munoz").exists()


def test_a_compound_family_name_from_two_labels_is_one_person():
    result = ingest(briefing(
        "Press Call on Health Costs", "March 14, 2023",
        "MR. MUNOZ:  Joining us is Christen Linke Young.\n\nMS. LINKE YOUNG:  Thanks, Kevin.\n\n"
        "Q  A question.\n\nMS. YOUNG:  An answer.\n",
    ))
    by_label = {t.speaker_label: t.speaker for t in result.transcript.turns.live()}
    assert by_label["MS. LINKE YOUNG"] == by_label["MS. YOUNG"]
    assert (by_label["MS. YOUNG"].given_name, by_label["MS. YOUNG"].family_name) == ("Christen", "Linke Young")


def test_an_office_in_the_label_must_fit_the_person():
    # Susan Rice, not Condoleezza Rice (Secretary of State, never "Ambassador").
    result = ingest(briefing("Press Briefing on Equity", "June 1, 2022", "AMBASSADOR RICE:  Good afternoon.\n\nQ  Hi.\n"))
    assert speakers_by_label(result)["AMBASSADOR RICE"] == "Susan E. Rice"
    # "PRESIDENT BIDEN" is not the First Lady the headline names.
    result = ingest(briefing(
        "Remarks by President Biden and First Lady Jill Biden at a Holiday Reception", "December 12, 2022",
        "THE FIRST LADY:  Welcome.\n\nPRESIDENT BIDEN:  Thank you, Jill.\n",
    ))
    by_label = speakers_by_label(result)
    assert by_label == {"THE FIRST LADY": "Jill Biden", "PRESIDENT BIDEN": "Joseph R. Biden Jr."}


def test_nicknames_and_honorifics_resolve_to_the_listed_person():
    result = ingest(briefing(
        "Press Briefing by Press Secretary Jen Psaki and Dr. Anthony Fauci", "January 21, 2021",
        "MS. PSAKI:  Dr. Fauci is here.\n\nDR. FAUCI:  Thank you.\n\nQ  Tony Blinken said yesterday...\n",
    ))
    assert speakers_by_label(result)["DR. FAUCI"] == "Anthony S. Fauci"


def test_interview_questions_are_the_interviewers_and_the_citation_names_them():
    result = ingest(
        "Secretary Antony J. Blinken With Norah O’Donnell of CBS Evening News\nFebruary 23, 2022\n\n"
        "Antony J. Blinken, Secretary of State\n\nWashington, D.C.\n\n"
        "QUESTION:  Mr. Secretary, thank you.\n\nSECRETARY BLINKEN:  Good to be with you.\n"
    )
    transcript = result.transcript
    assert speakers_by_label(result) == {"QUESTION": "Norah O’Donnell", "SECRETARY BLINKEN": "Antony J. Blinken"}
    assert (transcript.kind, transcript.location, transcript.outlet) == ("interview", "Washington, D.C.", "CBS Evening News")
    data = citations.citation_for_transcript(transcript, root="https://example.org")
    assert data.interviewer.inverted() == "O’Donnell, Norah"


def test_bibtex_puts_a_suffix_where_reference_managers_read_it():
    result = ingest(briefing("Remarks by President Biden", "July 4, 2023", "THE PRESIDENT:  Thank you.\n"))
    data = citations.citation_for_turn(result.transcript.turns.live().get(), root="https://example.org")
    assert "author = {Biden, Jr., Joseph R.}" in citations.bibtex(data)


def test_a_compound_surname_from_a_label_is_cited_whole():
    result = ingest(briefing(
        "Remarks by President Biden and President Rodrigo Chaves Robles of Costa Rica", "August 29, 2023",
        "PRESIDENT CHAVES:  Gracias.\n\nPRESIDENT BIDEN:  Thank you.\n",
    ))
    chaves = result.transcript.turns.live().get(position=1)
    assert chaves.speaker.name == "Rodrigo Chaves Robles"
    assert citations.speaker_name(chaves).inverted() == "Chaves Robles, Rodrigo"


def test_one_release_under_one_address_in_two_versions_is_unchanged_on_every_later_run():
    front = "---\ntitle: Remarks by President Trump at Executive Order Signing\nsource_url: https://www.whitehouse.gov/remarks/2025/01/signing/\ndate: '{day}'\n---\n\n"
    body = "THE PRESIDENT:  Thank you.\n\nQ  Sir?\n"
    first = front.format(day="2025-01-23") + body
    second = front.format(day="2025-01-24") + "For Immediate Release    January 24, 2025\n\n" + body
    assert ingest(first, "a.md").status == "created"
    assert ingest(second, "b.md").status == "updated"
    for _ in range(2):
        assert [ingest(first, "a.md").status, ingest(second, "b.md").status] == ["unchanged", "unchanged"]
    assert Transcript.objects.count() == 1


def test_an_officeholders_title_is_the_office_of_their_newest_transcript():
    def kjp_on(title, day):
        ingest(briefing(title, day, "MS. JEAN-PIERRE:  Hi, everybody.\n\nQ  Thank you.\n"))

    kjp_on("Press Gaggle by Principal Deputy Press Secretary Karine Jean-Pierre", "March 1, 2022")
    assert Speaker.objects.get(name="Karine Jean-Pierre").title == "White House Principal Deputy Press Secretary"
    kjp_on("Press Briefing by Press Secretary Karine Jean-Pierre", "May 3, 2024")
    kjp_on("Press Gaggle by Principal Deputy Press Secretary Karine Jean-Pierre on Tuesday", "March 8, 2022")
    assert Speaker.objects.get(name="Karine Jean-Pierre").title == "White House Press Secretary"


def test_a_president_elect_is_the_president_he_became():
    result = ingest(briefing(
        "Remarks by President-Elect Trump at a Press Conference", "December 16, 2024",
        "PRESIDENT-ELECT TRUMP:  Thank you.\n\nQ  Sir?\n",
    ))
    assert speakers_by_label(result)["PRESIDENT-ELECT TRUMP"] == "Donald J. Trump"
