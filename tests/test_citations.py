"""Citations of a turn and of a transcript: every style and format, with full and with
missing metadata, and the citation files a reader downloads."""

import datetime
import json

import pytest
from django.test import override_settings

from archive import citations
from archive.models import Speaker, Turn
from tests import sharing_data

pytestmark = pytest.mark.django_db

ROOT = "https://archive.example.org"
ACCESSED = datetime.date(2026, 5, 3)
PERMALINK = f"{ROOT}/transcripts/2022-01-09-blinken-tapper-cnn/4/"


@pytest.fixture
def seed():
    return sharing_data.interview()


@pytest.fixture
def seed_data(seed):
    _, _, answer = seed
    return citations.citation_for_turn(answer, root=ROOT, accessed=ACCESSED)


@pytest.fixture
def bare_data():
    _, turn = sharing_data.bare_transcript()
    return citations.citation_for_turn(turn, root=ROOT, accessed=ACCESSED)


def all_outputs(data):
    texts = [formatted.text for _, _, formatted in citations.all_styles(data)]
    texts += [str(formatted.html) for _, _, formatted in citations.all_styles(data)]
    texts += [citations.bibtex(data), citations.ris(data), citations.csl_json(data)]
    return texts


# Names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "full, family, given, suffix",
    [
        ("Antony J. Blinken", "Blinken", "Antony J.", ""),
        ("Ursula von der Leyen", "von der Leyen", "Ursula", ""),
        ("Martin Luther King Jr.", "King", "Martin Luther", "Jr."),
        ("Jean-Yves Le Drian", "Drian", "Jean-Yves Le", ""),
    ],
)
def test_names_split_into_family_and_given(full, family, given, suffix):
    name = citations.split_name(full)
    assert (name.family, name.given, name.suffix) == (family, given, suffix)


def test_apa_initials_keep_hyphens():
    assert citations.split_name("Jean-Yves Dupont").initials() == "Dupont, J.-Y."
    assert citations.split_name("Antony J. Blinken").initials() == "Blinken, A. J."


def test_roles_and_single_names_stay_whole():
    assert citations.split_name("Senior Administration Official", literal=True).inverted() == (
        "Senior Administration Official"
    )
    assert citations.split_name("Lula").literal


# The seed answer, full metadata ---------------------------------------------------------


def test_seed_answer_speaker_interviewer_and_source(seed_data):
    assert [n.full for n in seed_data.authors] == ["Antony J. Blinken"]
    assert seed_data.interviewer.full == "Jake Tapper"
    assert seed_data.url == PERMALINK
    assert seed_data.quote.startswith("I think that’s right.")


def test_chicago_for_the_seed_answer(seed_data):
    text = citations.chicago(seed_data).text
    assert text == (
        "Blinken, Antony J. “Secretary Antony J. Blinken With Jake Tapper of CNN’s State of the Union.” "
        "Interview by Jake Tapper, Washington, D.C. State of the Union, CNN, January 9, 2022. "
        "Transcript, U.S. Department of State, "
        "https://www.state.gov/secretary-antony-j-blinken-with-jake-tapper-of-cnns-state-of-the-union/. "
        "Turn 4, Diplomatic Transcript Archive. Accessed May 3, 2026. "
        f"{PERMALINK}."
    )


def test_chicago_html_sets_the_programme_in_italics_and_escapes(seed_data):
    html = str(citations.chicago(seed_data).html)
    assert "<i>State of the Union</i>, CNN, January 9, 2022." in html
    assert "<" not in html.replace("<i>", "").replace("</i>", "")


def test_apa_for_the_seed_answer(seed_data):
    text = citations.apa(seed_data).text
    assert text.startswith("Blinken, A. J. (2022, January 9). Secretary Antony J. Blinken With Jake Tapper")
    assert "[Interview by Jake Tapper, State of the Union, CNN, Washington, D.C.]" in text
    assert "U.S. Department of State." in text
    assert text.endswith(f"Retrieved May 3, 2026, from {PERMALINK}")


def test_mla_for_the_seed_answer(seed_data):
    text = citations.mla(seed_data).text
    assert text.startswith("Blinken, Antony J. “Secretary Antony J. Blinken")
    assert "Interview by Jake Tapper. State of the Union, CNN, 9 Jan. 2022, Washington, D.C." in text
    # MLA gives the address without its scheme.
    assert "archive.example.org/transcripts/2022-01-09-blinken-tapper-cnn/4/" in text
    assert "https://archive.example.org" not in text
    assert text.endswith("Accessed 3 May 2026.")


def test_bibtex_for_the_seed_answer(seed_data):
    bib = citations.bibtex(seed_data)
    assert bib.startswith("@misc{blinken:2022-01-09-blinken-tapper-cnn:t4,")
    assert "  author = {Blinken, Antony J.}," in bib
    assert "  editor = {Tapper, Jake}," in bib
    assert "  month = jan," in bib
    assert "  date = {2022-01-09}," in bib
    assert f"  url = {{{PERMALINK}}}," in bib
    assert "  urldate = {2026-05-03}," in bib
    assert bib.count("{") == bib.count("}")


def test_ris_for_the_seed_answer(seed_data):
    record = citations.ris(seed_data)
    lines = record.split("\r\n")
    assert lines[0] == "TY  - GEN"
    assert "AU  - Blinken, Antony J." in lines
    assert "A2  - Tapper, Jake" in lines
    assert "T2  - State of the Union" in lines
    assert "PB  - CNN" in lines
    assert "DA  - 2022/01/09" in lines
    assert f"UR  - {PERMALINK}" in lines
    assert "Y2  - 2026/05/03" in lines
    assert lines[-2] == "ER  - " and lines[-1] == ""
    assert all(len(line) >= 6 and line[2:6] == "  - " for line in lines[:-1])


def test_csl_json_for_the_seed_answer(seed_data):
    [item] = json.loads(citations.csl_json(seed_data))
    assert item["type"] == "interview"
    assert item["author"] == [{"family": "Blinken", "given": "Antony J."}]
    assert item["interviewer"] == [{"family": "Tapper", "given": "Jake"}]
    assert item["container-title"] == "State of the Union"
    assert item["publisher"] == "CNN"
    assert item["issued"] == {"date-parts": [[2022, 1, 9]]}
    assert item["accessed"] == {"date-parts": [[2026, 5, 3]]}
    assert item["URL"] == PERMALINK
    assert item["archive_location"] == "Turn 4"


def test_the_interviewers_own_turn_names_the_interviewee(seed):
    _, question, _ = seed
    data = citations.citation_for_turn(question, root=ROOT, accessed=ACCESSED)
    assert data.authors[0].full == "Jake Tapper"
    assert "Interview with Antony J. Blinken, Washington, D.C." in citations.chicago(data).text


def test_quote_with_citation_puts_the_words_first(seed):
    _, _, answer = seed
    data = citations.citation_for_turn(answer, root=ROOT, accessed=ACCESSED, quote="a recipe for conflict")
    text = citations.quote_with_citation(data)
    assert text.startswith("“a recipe for conflict”\n\nBlinken, Antony J.")


# Missing metadata -------------------------------------------------------------------------


def test_missing_fields_are_left_out_of_every_format(bare_data):
    for text in all_outputs(bare_data):
        assert "None" not in text
        assert "null" not in text
        assert ", ," not in text and ". ." not in text and ".." not in text.replace("...", "")


def test_chicago_without_speaker_date_or_source_starts_with_the_title(bare_data):
    text = citations.chicago(bare_data).text
    assert text == (
        "“Background Press Call.” Turn 1, Diplomatic Transcript Archive. Accessed May 3, 2026. "
        f"{ROOT}/transcripts/background-press-call/1/."
    )


def test_apa_without_author_or_date_uses_nd(bare_data):
    assert citations.apa(bare_data).text.startswith("Background Press Call. (n.d.).")


def test_bibtex_and_csl_without_author_or_date(bare_data):
    bib = citations.bibtex(bare_data)
    assert "author =" not in bib and "year =" not in bib and "  date =" not in bib
    assert bib.startswith("@misc{transcript:background-press-call:t1,")
    [item] = json.loads(citations.csl_json(bare_data))
    assert "author" not in item and "issued" not in item and "interviewer" not in item
    assert item["type"] == "document"


def test_a_role_is_never_an_author_and_is_named_beside_the_turn():
    transcript, turn = sharing_data.bare_transcript(kind="press-briefing")
    turn.speaker = sharing_data.role("Senior Administration Official", "senior-administration-official")
    turn.save()
    data = citations.citation_for_turn(turn, root=ROOT, accessed=ACCESSED)
    assert citations.chicago(data).text.startswith(
        "“Background Press Call.” Press briefing. Turn 1 (Senior Administration Official), Diplomatic Transcript Archive."
    )
    assert "author =" not in citations.bibtex(data)
    [item] = json.loads(citations.csl_json(data))
    assert "author" not in item
    assert item["archive_location"] == "Turn 1 (Senior Administration Official)"


def test_a_question_is_cited_with_the_principal_as_author_and_the_outlet_that_asked():
    transcript, turn = sharing_data.bare_transcript(kind="press-availability", date=datetime.date(2026, 7, 19))
    rubio = sharing_data.person("Marco Rubio", "marco-rubio")
    question = sharing_data.role("Question", "question")
    turn.speaker, turn.speaker_label = rubio, "SECRETARY RUBIO"
    turn.save()
    asked = Turn.objects.create(
        transcript=transcript, position=2, number=2, speaker=question, speaker_label="POLITICO",
        text="Is the MOU dead?",
    )
    data = citations.citation_for_turn(asked, root=ROOT, accessed=ACCESSED)
    assert citations.chicago(data).text.startswith(
        "Rubio, Marco. “Background Press Call.” Press availability. July 19, 2026. "
        "Turn 2 (Question from Politico), Diplomatic Transcript Archive."
    )
    [item] = json.loads(citations.csl_json(data))
    assert item["author"] == [{"family": "Rubio", "given": "Marco"}]
    assert item["id"] == "rubio:background-press-call:t2"


def test_an_unresolved_label_is_used_as_the_author():
    _, turn = sharing_data.bare_transcript()
    turn.speaker_label = "MR. PRICE"
    turn.save()
    data = citations.citation_for_turn(turn, root=ROOT, accessed=ACCESSED)
    assert citations.chicago(data).text.startswith("Mr. Price. “Background Press Call.”")


def test_an_interview_without_a_resolved_interviewer_says_interview():
    transcript, question, answer = sharing_data.interview()
    question.speaker = Speaker.objects.create(name="Question", slug="question", kind=Speaker.Kind.ROLE)
    question.save()
    Turn.objects.filter(number=1).update(speaker=question.speaker)
    data = citations.citation_for_turn(answer, root=ROOT, accessed=ACCESSED)
    assert data.interviewer is None
    assert " Interview, Washington, D.C. " in citations.chicago(data).text


def test_bibtex_escapes_latex_specials():
    _, turn = sharing_data.bare_transcript(title="Q&A on 100% of {budget} #1_draft ~ $5")
    data = citations.citation_for_turn(turn, root=ROOT, accessed=ACCESSED)
    bib = citations.bibtex(data)
    assert r"title = {{Q\&A on 100\% of \{budget\} \#1\_draft \textasciitilde{} \$5}}," in bib


def test_hostile_title_is_escaped_in_the_html_form():
    _, turn = sharing_data.bare_transcript(title="<script>alert(1)</script>")
    data = citations.citation_for_turn(turn, root=ROOT, accessed=ACCESSED)
    html = str(citations.chicago(data).html)
    assert "<script>" not in html and "&lt;script&gt;" in html


# A whole transcript ---------------------------------------------------------------------------


def test_transcript_citation_names_the_answering_person_not_the_interviewer(seed):
    transcript, _, _ = seed
    data = citations.citation_for_transcript(transcript, root=ROOT, accessed=ACCESSED)
    assert [n.full for n in data.authors] == ["Antony J. Blinken"]
    text = citations.chicago(data).text
    assert "Turn" not in text
    assert text.endswith(f"Diplomatic Transcript Archive. Accessed May 3, 2026. {ROOT}/transcripts/2022-01-09-blinken-tapper-cnn/.")


def test_two_principals_are_both_authors():
    transcript, turn = sharing_data.bare_transcript(kind="remarks", date=datetime.date(2023, 8, 29))
    biden = sharing_data.person("Joseph R. Biden Jr.", "joseph-r-biden")
    chaves = sharing_data.person("Rodrigo Chaves Robles", "rodrigo-chaves-robles")
    turn.speaker = biden
    turn.save()
    Turn.objects.create(transcript=transcript, position=2, number=2, speaker=chaves, text="Gracias.")
    data = citations.citation_for_transcript(transcript, root=ROOT, accessed=ACCESSED)
    assert citations.chicago(data).text.startswith("Biden, Joseph R., Jr., and Rodrigo Chaves Robles. ")
    assert citations.apa(data).text.startswith("Biden, J. R., Jr., & Robles, R. C. (2023, August 29).")


# Pages and files ---------------------------------------------------------------------------


@override_settings(ARCHIVE_BASE_URL="https://archive.example.org")
def test_turn_citation_files_download(client, seed):
    expected = {
        "bib": ("application/x-bibtex", "@misc{blinken:2022-01-09-blinken-tapper-cnn:t4,"),
        "ris": ("application/x-research-info-systems", "TY  - GEN"),
        "json": ("application/vnd.citationstyles.csl+json", "["),
    }
    for ext, (content_type, start) in expected.items():
        response = client.get(f"/transcripts/2022-01-09-blinken-tapper-cnn/4/cite.{ext}")
        assert response.status_code == 200, ext
        assert response["Content-Type"].startswith(content_type)
        assert f'filename="2022-01-09-blinken-tapper-cnn-4.{ext}"' in response["Content-Disposition"]
        body = response.content.decode()
        assert body.startswith(start)
        assert PERMALINK in body
        if ext == "ris":
            assert body.endswith("ER  - \r\n") and "\n" not in body.replace("\r\n", "")


def test_transcript_citation_file_and_unknown_format(client, seed):
    response = client.get("/transcripts/2022-01-09-blinken-tapper-cnn/cite.ris")
    assert response.status_code == 200
    assert "UR  - http://testserver/transcripts/2022-01-09-blinken-tapper-cnn/" in response.content.decode()
    assert client.get("/transcripts/2022-01-09-blinken-tapper-cnn/cite.doc").status_code == 404
    assert client.get("/transcripts/no-such-transcript/cite.ris").status_code == 404


def test_citation_file_of_a_quote_carries_the_quote(client, seed):
    response = client.get("/transcripts/2022-01-09-blinken-tapper-cnn/4/cite.json", {"quote": "a recipe for conflict"})
    [item] = json.loads(response.content)
    assert item["abstract"] == "a recipe for conflict"


def test_no_doubled_periods_after_abbreviations(seed_data):
    for _, _, formatted in citations.all_styles(seed_data):
        assert "D.C.." not in formatted.text
        assert "D.C.," not in formatted.text or formatted.style == "apa"


def test_programme_alone_keeps_its_italics_and_closing_period():
    _, turn = sharing_data.bare_transcript(program="Meet the Press")
    data = citations.citation_for_turn(turn, root=ROOT, accessed=ACCESSED)
    assert "<i>Meet the Press</i>. " in str(citations.chicago(data).html)
    assert "<i>Meet the Press</i>. " in str(citations.mla(data).html)
