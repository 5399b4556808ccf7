"""Properties that must hold for any input: Hypothesis looks for the text that breaks them.

The parser never fails but with a reason and never loses a spoken word; the query parser never raises and
the search page always renders.
"""

import string

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.ingest.parsing import parse
from archive.ingest.types import TranscriptError
from archive.search.query import parse as parse_query
from archive.search.whoosh_query import compile_query
from tests.search_support import load_seed, search_index  # noqa: F401 - fixture

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a tester would paste: any characters, weighted towards the ones transcripts use.
transcript_like = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(string.ascii_letters + string.digits + " .,:;?!()[]-–—'’\"“”#\n\t\u00a0")),
        st.characters(codec="utf-8"),
    ),
    max_size=2000,
)


@PROPERTY_SETTINGS
@given(transcript_like)
@example("QUESTION:\n\n:\n(\n")
@example("---\ntitle: [\n---\n")
def test_the_parser_fails_only_with_a_reason(text):
    """Nothing but a TranscriptError, which ingest reports as the file's reason."""
    try:
        parsed = parse(text)
    except TranscriptError as error:
        assert str(error)
        return
    for turn in parsed.turns:
        assert isinstance(turn.text, str)
        assert all(isinstance(note, str) for note in turn.notes)


# A transcript as publishers print it: a title, a date line, then labelled turns.
LABELS = ["QUESTION", "SECRETARY BLINKEN", "MR. PRICE", "MODERATOR", "PRESIDENT BIDEN", "Q", "FOREIGN MINISTER DENDIAS"]
WORDS = st.one_of(
    st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=9),
    # Words the header, kind and site-chrome rules look for: said inside a turn, they are speech.
    st.sampled_from(
        ["remarks", "interview", "briefing", "press", "availability", "official", "website", "share", "january",
         "question", "secretary", "moderator", "print", "email", "twitter", "facebook", "subscribe", "background"]
    ),
)
sentence = st.lists(WORDS, min_size=3, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
turn = st.tuples(st.sampled_from(LABELS), st.lists(paragraph, min_size=1, max_size=3))


def _words(text):
    return {w.lower() for w in "".join(c if c.isalpha() else " " for c in text).split()}


@PROPERTY_SETTINGS
@given(st.lists(turn, min_size=2, max_size=12))
def test_every_spoken_word_ends_up_in_a_turn(turns):
    lines = ["Secretary Antony J. Blinken With Reporters", "January 9, 2022", ""]
    for label, paragraphs in turns:
        lines.append(f"{label}:  {paragraphs[0]}")
        lines.extend(f"\n{p}" for p in paragraphs[1:])
        lines.append("")
    parsed = parse("\n".join(lines))
    kept = set()
    for parsed_turn in parsed.turns:
        kept |= _words(parsed_turn.text) | _words(" ".join(parsed_turn.notes))
    kept |= _words(" ".join([parsed.title, parsed.location, parsed.venue]))
    spoken = set().union(*(_words(" ".join(ps)) for _label, ps in turns))
    assert spoken - kept == set()
    # Each label change starts a turn; a label repeated in a row may continue one.
    assert len(parsed.turns) >= len({label for label, _ps in turns})


queries = st.text(
    alphabet=st.one_of(st.sampled_from(list('abc russia "-()*?:^~OR AND NOT|&+\\/')), st.characters(codec="utf-8")),
    max_size=300,
)


@PROPERTY_SETTINGS
@given(queries)
@example('"')
@example("-")
@example('OR OR -"" NOT')
def test_the_query_parser_never_raises(q):
    parsed = parse_query(q)
    compile_query(parsed)
    parsed.without_words({"russia"})


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(q=queries, sort=st.sampled_from(["relevance", "newest", "oldest", "added", "bogus"]))
@example(q="<", sort="relevance")
@example(q="<script>alert(1)</script>", sort="newest")
def test_a_search_page_always_renders(client, search_index, q, sort):
    from archive.models import Transcript

    if not Transcript.objects.exists():
        load_seed()
    response = client.get("/search/", {"q": q, "sort": sort})
    assert response.status_code == 200
    api = client.get("/api/search/", {"q": q, "sort": sort if sort != "bogus" else "newest"})
    # A query the form refuses (a NUL character) is a 400 that says why, never a 500.
    assert api.status_code in (200, 400)
    assert ("count" if api.status_code == 200 else "error") in api.json()
    # Whatever was typed comes back as text, never as markup: the search box holds it escaped, and a tag
    # typed into it is no tag in the page (checked on a marker, since a lone "<" is in any page).
    page = response.content.decode()
    if "\x00" not in q:
        assert f'value="{escape(q.strip())}"' in page
    marked = client.get("/search/", {"q": f"<b data-typed>{q}"}).content.decode()
    assert "<b data-typed>" not in marked
