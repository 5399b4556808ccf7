"""A remembered quote typed without quotes: the turn that says it verbatim comes first."""

import pytest

from archive.search import indexing
from archive.search.query import ParsedQuery, parse
from archive.search.service import SearchParams, search
from tests.search_support import add_turns, search_index, speaker, transcript  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

FILLER = (
    "Let me say a word about the week ahead before I take your questions, because there is a great deal "
    "on the agenda and I want to be sure that everyone has the full picture of where things stand today. "
)

# (typed quote, the turn saying it verbatim, a shorter turn with the same words scattered)
QUOTES = [
    (
        "we are not going to telegraph our moves",
        FILLER + "We are not going to telegraph our moves to anyone, and that has been our approach.",
        "Moves? Our moves are ours. Telegraph nothing, we are going slowly, moves are not going to be telegraphed.",
    ),
    (
        "spheres of influence have no place in the twenty-first century",
        FILLER * 2 + "Spheres of influence have no place in the twenty-first century; that is the principle.",
        "Twenty-first? Place, century, influence, spheres: no influence, no place, no spheres, no century.",
    ),
    (
        "sanctions would bring massive consequences for their economy",
        FILLER + "These sanctions would bring massive consequences for their economy, as we have said.",
        "Their economy? Consequences, massive sanctions, and sanctions would bring more sanctions on it.",
    ),
]


def _without_proximity(monkeypatch):
    monkeypatch.setattr(ParsedQuery, "proximity_words", lambda self: [])


@pytest.fixture
def quotes(search_index):
    press = transcript("Press availability")
    official = speaker("Dana Official")
    pairs = []
    for _typed, verbatim, scattered in QUOTES:
        said, shuffled = add_turns(press, (official, verbatim), (official, scattered))
        pairs.append((said, shuffled))
    indexing.rebuild()
    return pairs


def _first(q, **options):
    return search(SearchParams(q=q, **options)).results[0].turn


def test_the_verbatim_turn_ranks_first(quotes):
    for (typed, _, _), (said, _shuffled) in zip(QUOTES, quotes):
        assert _first(typed) == said, typed


def test_without_the_boost_the_scattered_words_would_win(quotes, monkeypatch):
    # The texts above are made so that the words alone favour the scattered turn: the boost
    # is what puts the quote first.
    _without_proximity(monkeypatch)
    for (typed, _, _), (_said, shuffled) in zip(QUOTES, quotes):
        assert _first(typed) == shuffled, typed


def test_one_stray_word_still_counts_as_the_quote(quotes):
    said = quotes[0][0]
    assert _first("we are not going to telegraph moves") == said
    # Missing a word of the quote: the rest is still in order and nearly adjacent.
    assert _first("we not going to telegraph our moves") == said


def _snapshot(q, **options):
    pages = []
    for sort in ("relevance", "newest", "oldest"):
        for page in (1, 2):
            result = search(SearchParams(q=q, sort=sort, page=page, per_page=2, **options))
            facets = {name: [(f.value, f.count) for f in values] for name, values in result.facets.items()}
            pages.append((sort, page, result.total, facets, {r.turn.pk for r in result.results}))
    return pages


def test_counts_facets_and_matches_are_the_same_with_and_without_the_boost(quotes, monkeypatch):
    queries = [typed for typed, _, _ in QUOTES] + ["our moves -telegraph", "influence century"]
    with_boost = {q: _snapshot(q) for q in queries}
    everything = {q: {pk for *_, pks in with_boost[q] if _[0] != "relevance" for pk in pks} for q in queries}
    _without_proximity(monkeypatch)
    for q in queries:
        without = _snapshot(q)
        # Totals and facets on every page and order; the same turns on each date-sorted page.
        assert [(s, p, t, f) for s, p, t, f, _ in with_boost[q]] == [(s, p, t, f) for s, p, t, f, _ in without], q
        assert [x for x in with_boost[q] if x[0] != "relevance"] == [x for x in without if x[0] != "relevance"], q
        assert everything[q] == {pk for *_, pks in without if _[0] != "relevance" for pk in pks}, q


def test_highlights_are_the_same_with_and_without_the_boost(quotes, monkeypatch):
    typed = QUOTES[0][0]
    with_boost = {r.turn.pk: str(r.highlighted) for r in search(SearchParams(q=typed)).results}
    _without_proximity(monkeypatch)
    without = {r.turn.pk: str(r.highlighted) for r in search(SearchParams(q=typed)).results}
    assert with_boost == without
    said = quotes[0][0]
    assert "<mark>telegraph</mark>" in with_boost[said.pk] and "<mark>moves</mark>" in with_boost[said.pk]


def test_only_plain_word_queries_are_read_as_a_remembered_quote():
    assert [w.exact for w in parse("We are going to telegraph").typed_sequence] == [
        "we", "are", "going", "to", "telegraph",
    ]
    assert parse("telegraph our moves").proximity_words()
    # Quotes, OR and stopwords alone are left as they are.
    assert parse('"telegraph our" moves').proximity_words() == []
    assert parse("telegraph OR moves").proximity_words() == []
    assert parse("we are in the").proximity_words() == []
    assert parse("telegraph").proximity_words() == []
    assert parse("U.S.-Russia").proximity_words() == []
    assert parse("the U.S.-Russia talks").proximity_words()
