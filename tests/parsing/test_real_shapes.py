"""Small texts in each shape that broke attribution on real State Department and White
House transcripts: the turns and labels a reader should get from each."""

import datetime

from archive.ingest.parsing import parse
from archive.ingest.types import Person

from tests.parsing.support import NBSP, labels


def turn_texts(parsed):
    return [(t.speaker_label, t.text) for t in parsed.turns]


# Header block -----------------------------------------------------------------------------


def test_feed_text_header_after_the_date_is_not_a_turn():
    parsed = parse(
        "Secretary Antony J. Blinken and Costa Rican President Carlos Alvarado at a Joint Press Availability\n"
        "June 1, 2021\n\n"
        "Antony J. Blinken, Secretary of State\n\n"
        "San Jose, Costa Rica\n\n"
        "Casa Presidencial\n\n"
        f"MODERATOR:{NBSP} {NBSP}Good afternoon.\n\n"
        f"PRESIDENT ALVARADO:{NBSP} Welcome, Mr. Secretary.\n"
    )
    assert labels(parsed) == ["MODERATOR", "PRESIDENT ALVARADO"]
    assert (parsed.location, parsed.venue, parsed.date) == ("San Jose, Costa Rica", "Casa Presidencial", datetime.date(2021, 6, 1))
    assert parsed.participants == [Person("Antony J. Blinken", "Secretary of State")]
    assert parsed.kind == "press-availability"


def test_header_lines_in_another_order_and_a_second_participant():
    parsed = parse(
        "Secretary Antony J. Blinken and French Foreign Minister Jean-Yves Le Drian Before Their Meeting\n"
        "June 25, 2021\n\n"
        "Antony J. Blinken, Secretary of State\n\n"
        "French Foreign Minister Jean-Yves Le Drian\n\n"
        "Paris, France\n\n"
        "Quai d’Orsay\n\n"
        "FOREIGN MINISTER LE DRIAN:  (In French.)\n\n"
        "SECRETARY BLINKEN:  Merci.\n"
    )
    assert labels(parsed) == ["FOREIGN MINISTER LE DRIAN", "SECRETARY BLINKEN"]
    assert parsed.location == "Paris, France"
    assert parsed.venue == "Quai d’Orsay"
    assert Person("Jean-Yves Le Drian", "French Foreign Minister") in parsed.participants
    assert parsed.kind == "remarks"


def test_a_headline_longer_than_two_hundred_characters_is_the_title():
    title = (
        "Secretary Antony J. Blinken, Kosovo President Vjosa Osmani, Kosovo Prime Minister Albin Kurti, "
        "Serbian President Aleksandar Vucic and European Union High Representative Josep Borrell at a "
        "Joint Press Availability Following Their Meeting"
    )
    assert len(title) > 200
    parsed = parse(f"{title}\nMarch 3, 2022\n\nSECRETARY BLINKEN:  Good afternoon.\n")
    assert parsed.title == title
    assert parsed.date == datetime.date(2022, 3, 3)


# Questions ----------------------------------------------------------------------------------


def test_q_followed_by_a_space_and_a_non_breaking_space_starts_a_question():
    parsed = parse(
        "Press Briefing by Press Secretary Karine Jean-Pierre\nMay 3, 2024\n\n"
        f"MS. JEAN-PIERRE:  Good afternoon, everybody.\n\nQ {NBSP} {NBSP} Good afternoon.\n\n"
        f"MS. JEAN-PIERRE:  Happy Friday.\n\nQ{NBSP} One question.\n\nQ\n\nA lone Q question.\n"
    )
    assert labels(parsed) == ["MS. JEAN-PIERRE", "Q", "MS. JEAN-PIERRE", "Q", "Q"]
    assert parsed.turns[1].text == "Good afternoon."
    assert parsed.turns[4].text == "A lone Q question."


def test_a_label_on_the_line_of_the_start_time():
    parsed = parse("Background Press Call\nMay 5, 2022\n\n5:19 P.M. EDT MODERATOR:  Thanks, everyone.\n\nQ  Hi.\n")
    assert turn_texts(parsed) == [("MODERATOR", "Thanks, everyone."), ("Q", "Hi.")]


def test_a_zero_width_space_before_the_end_marker():
    parsed = parse("Remarks\nMay 5, 2022\n\nMR. KIRBY:  Thanks.\n\n\u200bEND 2:11 P.M. EDT\n\nRelated content\n")
    assert turn_texts(parsed) == [("MR. KIRBY", "Thanks.")]


# What is not a label --------------------------------------------------------------------


def test_addressees_and_salutations_stay_in_the_question():
    parsed = parse(
        "Joint Press Availability\nMay 5, 2022\n\n"
        "MODERATOR:  First question.\n\n"
        "QUESTION:  Thank you.\n\nTo Secretary Blinken:  how will you respond?\n\n"
        "First, for Secretary Blinken:  what comes next?\n\n"
        "Mr. President, Dear Joe:  a letter I read.\n\n"
        "SECRETARY BLINKEN:  Thank you.\n"
    )
    assert labels(parsed) == ["MODERATOR", "QUESTION", "SECRETARY BLINKEN"]
    assert parsed.turns[1].paragraphs == [
        "Thank you.",
        "To Secretary Blinken: how will you respond?",
        "First, for Secretary Blinken: what comes next?",
        "Mr. President, Dear Joe: a letter I read.",
    ]


def test_a_mixed_case_quotation_in_an_all_caps_briefing_is_not_a_speaker():
    parsed = parse(
        "Press Briefing\nMay 5, 2022\n\n"
        "MS. PSAKI:  Good afternoon.\n\nQ  A question.\n\nMS. PSAKI:  Let me read what he said.\n\n"
        "Senator Kevin Kramer:  We will not support this bill.\n\nThat is what he said.\n\n"
        "Q  Another.\n\nMS. PSAKI:  Sure.\n\nQ  Last.\n\nMS. PSAKI:  Thanks.\n"
    )
    assert "Senator Kevin Kramer" not in labels(parsed)
    assert "Senator Kevin Kramer: We will not support this bill." in parsed.turns[2].text


def test_a_field_list_is_not_a_series_of_speakers():
    parsed = parse(
        "State Department Actions\nMay 8, 2022\n\n"
        "The Department is designating the following vessels:\n\n"
        "VESSEL NAME:  Sun Ship\n\nVESSEL TYPE:  Bulk carrier\n\nVESSEL FLAG:  Panama\n\n"
        "VESSEL NAME:  Moon Ship\n\nVESSEL TYPE:  Tanker\n\nVESSEL FLAG:  Liberia\n"
    )
    assert labels(parsed) == [""]
    assert "VESSEL TYPE: Tanker" in parsed.turns[0].text


def test_a_headline_with_a_colon_is_not_a_speaker():
    parsed = parse(
        "ON-THE-RECORD BRIEFING:  Secretary Blinken’s Upcoming Travel to Panama\nApril 15, 2022\n\n"
        "Via Teleconference\n\nMODERATOR:  Good afternoon.\n\nASSISTANT SECRETARY NICHOLS:  Thank you.\n"
    )
    assert labels(parsed) == ["MODERATOR", "ASSISTANT SECRETARY NICHOLS"]
    assert parsed.title.startswith("ON-THE-RECORD BRIEFING")
    assert parsed.kind == "press-briefing"


# Who speaks -------------------------------------------------------------------------------


def test_remarks_as_prepared_for_delivery_name_their_speaker():
    parsed = parse(
        "Remarks as Prepared for Delivery by First Lady Jill Biden at North Carolina A&T University\n"
        "April 1, 2022\n\nThank you. It is wonderful to be here.\n\nLet me begin with a story.\n"
    )
    assert labels(parsed) == [""]
    assert parsed.speakers[""].name == "Jill Biden"
    assert parsed.kind == "remarks"


def test_interview_questions_belong_to_the_interviewer_the_headline_names():
    parsed = parse(
        "Secretary Antony J. Blinken With Norah O’Donnell of CBS Evening News\nFebruary 23, 2022\n\n"
        "QUESTION:  Mr. Secretary, thank you.\n\nSECRETARY BLINKEN:  Good to be with you.\n"
    )
    assert parsed.kind == "interview"
    assert parsed.speakers["QUESTION"] == Person("Norah O’Donnell", "CBS Evening News")
    assert (parsed.outlet, parsed.program) == ("CBS Evening News", "")


def test_an_interviewer_on_a_programme():
    parsed = parse(
        "Secretary Antony J. Blinken on ABC’s This Week with George Stephanopoulos\nMay 23, 2021\n\n"
        "QUESTION:  Good morning, Mr. Secretary.\n\nSECRETARY BLINKEN:  Thanks, George.\n"
    )
    assert parsed.kind == "interview"
    assert parsed.speakers["QUESTION"].name == "George Stephanopoulos"
    assert (parsed.outlet, parsed.program) == ("ABC", "This Week")


def test_a_headline_interviewer_the_guest_does_not_thank_is_not_trusted():
    parsed = parse(
        "Secretary Antony J. Blinken On NBC Meet the Press with Jake Tapper\nMarch 6, 2022\n\n"
        "QUESTION:  Welcome back to Meet the Press.\n\nSECRETARY BLINKEN:  Thanks, Chuck.\n"
    )
    assert "QUESTION" not in parsed.speakers


def test_a_full_name_the_text_gives_for_a_surname_label():
    parsed = parse(
        "Press Briefing by Press Secretary Karine Jean-Pierre\nMay 3, 2024\n\n"
        "MS. JEAN-PIERRE:  Mark Hamill has decided to join us today.\n\n"
        "MR. HAMILL:  Thank you.\n\nQ  Thank you, Mark Hamill, for being here.\n"
    )
    assert parsed.mentions["MR. HAMILL"] == Person("Mark Hamill", "")


def test_two_people_of_one_surname_in_the_text_name_nobody():
    parsed = parse(
        "Press Call\nMay 3, 2024\n\nMS. YOUNG:  Christen Linke Young and Shalanda Young are here.\n\nQ  Hi.\n"
    )
    assert "MS. YOUNG" not in parsed.mentions
