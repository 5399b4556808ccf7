"""Every citation of the sample archive, read by the programs readers import them into.

The five sample transcripts go in through the real ingest command; every transcript's and
every live turn's BibTeX, RIS and CSL-JSON are then joined into one bibliography each and
read by bibtexparser, rispy and citeproc-py, as a reader's reference manager would.
"""

import datetime
import json
import re
from io import StringIO

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.core.management import call_command

from archive import citations
from archive.models import Transcript, Turn
from archive.sharing.share import TurnShare, turn_ld
from tests.search_support import FIXTURES, search_index  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

ROOT = "https://archive.example.org"
ACCESSED = datetime.date(2026, 5, 3)
ROLES = {"Question", "Moderator", "Senior Administration Official"}


@pytest.fixture
def records(search_index):  # noqa: F811
    call_command("ingest", str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    assert Transcript.objects.count() == 5
    found = []
    for transcript in Transcript.objects.order_by("slug"):
        found.append(citations.citation_for_transcript(transcript, root=ROOT, accessed=ACCESSED))
        for turn in transcript.turns.live().select_related("speaker", "transcript").order_by("position"):
            found.append(citations.citation_for_turn(turn, root=ROOT, accessed=ACCESSED))
    return found


def test_every_record_has_its_own_key(records):
    keys = [data.key for data in records]
    assert len(records) == 226
    assert len(set(keys)) == len(keys)
    rubio = [data for data in records if data.slug.startswith("2026-07-19") and data.number == 2]
    assert [data.key for data in rubio] == ["rubio:2026-07-19-secretary-of-state-marco-rubio-remarks-to-the-press:t2"]


def test_bibtexparser_reads_one_entry_per_record_with_name_parts_and_publisher(records):
    joined = "\n".join(citations.bibtex(data) for data in records)
    library = bibtexparser.parse_string(
        joined, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert library.failed_blocks == []
    assert len(library.entries) == len(records)
    assert {entry.key for entry in library.entries} == {data.key for data in records}
    people = {}
    for entry in library.entries:
        assert entry.fields_dict["publisher"].value, entry.key
        for name in entry.fields_dict["author"].value if "author" in entry.fields_dict else []:
            people[" ".join(name.last).strip("{}")] = (name.first, name.von, name.jr)
    assert people["Biden"] == (["Joseph", "R."], [], ["Jr."])
    assert people["Chaves Robles"] == (["Rodrigo"], [], [])
    assert people["Blinken"] == (["Antony", "J."], [], [])
    assert not ROLES & set(people)
    assert "author = {Biden, Jr., Joseph R. and {Chaves Robles}, Rodrigo}" in joined


def test_rispy_reads_one_record_each_with_authors_and_publisher(records):
    joined = "".join(citations.ris(data) for data in records)
    # Every line ends with CRLF, as the RIS specification asks.
    assert joined.endswith("\r\n") and "\n" not in joined.replace("\r\n", "")
    read = rispy.loads(joined)
    assert len(read) == len(records)
    assert all(entry.get("publisher") for entry in read)
    authors = {name for entry in read for name in entry.get("authors", [])}
    assert "Biden, Joseph R., Jr." in authors and "Chaves Robles, Rodrigo" in authors
    assert not ROLES & authors
    assert [url for entry in read for url in entry["urls"]] == [data.url for data in records]


def test_citeproc_renders_one_entry_each_with_its_publisher(records):
    items = [citations.csl_item(data) for data in records]
    source = CiteProcJSON(json.loads(json.dumps(items)))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(records)
    by_url = {re.search(r"Available at: (\S+)", text).group(1): text for text in rendered}
    for data in records:
        text = by_url[data.url]
        assert data.publisher in text, text
        assert not any(text.startswith(role) for role in ROLES), text
    costa_rica = by_url[f"{ROOT}/transcripts/2023-08-29-remarks-by-president-biden-and-president-rodrigo-chaves-robles-of/"]
    assert costa_rica.startswith("Biden, J.R., Jr. and Chaves Robles, R. (2023)")
    assert "The White House" in costa_rica


def test_turns_of_roles_are_cited_under_the_principal(records):
    question = next(d for d in records if d.slug.startswith("2026-07-19") and d.number == 7)
    assert question.speaker_role == "Question"
    assert [name.full for name in question.authors] == ["Marco Rubio"]
    assert citations.chicago(question).text.startswith(
        "Rubio, Marco. “Secretary of State Marco Rubio Remarks to the Press.” Remarks"
    )
    assert "Turn 7 (Question), Diplomatic Transcript Archive." in citations.chicago(question).text
    official = next(d for d in records if d.slug.startswith("2021-06-15") and d.speaker_role)
    assert official.authors == ()
    assert citations.chicago(official).text.startswith("“Background Press Gaggle by Senior Administration Officials")


def test_json_ld_names_no_role_as_a_person(records):
    people = set()
    for turn in Turn.objects.live().select_related("speaker", "transcript"):
        share = TurnShare(turn, root=ROOT, accessed=ACCESSED)
        ld = turn_ld(turn, share.data, share.transcript_data)
        for key in ("creator", "spokenByCharacter"):
            if key in ld:
                people.add(ld[key]["name"])
        if turn.speaker and turn.speaker.kind == "role":
            assert "creator" not in ld
            assert ld["description"].startswith(f"Turn {turn.number} (")
    assert people == {
        "Marco Rubio", "Giorgos Gerapetritis", "Antony J. Blinken", "Jake Tapper", "Joseph R. Biden Jr.",
        "Rodrigo Chaves Robles",
    }


def test_a_turn_that_is_only_a_note_is_not_quoted(records, client):
    note = Turn.objects.get(transcript__slug__startswith="2026-10-07", number=1)
    assert note.text == "(In Greek.)"
    data = next(d for d in records if d.slug == note.transcript.slug and d.number == 1)
    assert data.quote == "" and data.note_only == "(In Greek.)"
    assert "AB  -" not in citations.ris(data)
    assert "abstract" not in citations.csl_item(data)
    share = TurnShare(note, root=ROOT)
    assert share.card_description == "No words to quote: the transcript gives only the note (In Greek.)"
    assert share.embed_paragraphs == ["No words to quote: the transcript gives only the note (In Greek.)"]
    assert not share.with_citation.startswith("“")
    page = client.get(note.get_absolute_url()).content.decode()
    assert '"text": "(In Greek.)"' not in page
    assert 'content="No words to quote: the transcript gives only the note (In Greek.)"' in page
