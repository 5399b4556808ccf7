"""The fast Whoosh search paths give exactly what a plain check of the texts and Whoosh's own
matching and scoring give: phrases, counts, facets and pages, cold or from decoded postings
kept between searches, across segments and postings blocks."""

import datetime
import random

import pytest

from archive.models import Speaker, Topic, Transcript
from archive.search import backend as whoosh_backend
from archive.search import indexing, whoosh_postings, whoosh_ranking
from archive.search import whoosh_saved_tables as saved_tables
from archive.search.analysis import words
from archive.search.backend import get_backend
from archive.search.engine import FACET_FIELDS, Filters
from archive.search.query import parse
from tests.search_support import add_turns, search_index, speaker, transcript  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]

# Few words, so that common ones fill many postings blocks (Whoosh's hold 128 documents)
# and phrases of them occur both in order and scattered.
VOCABULARY = (
    "we are going to talk about the sanctions on russia and the talks with china "
    "it is not clear what they will do next week our allies agree running runs ran"
).split()
SORTS = ("relevance", "newest", "oldest")


@pytest.fixture(params=["blocks", "saved"])
def many_turns(request, search_index, monkeypatch):
    """~500 turns in two segments; with "saved", their frequent terms' postings are saved
    beside the segments as arrays (a term of 16 postings counts as frequent here, and a
    saved term's blocks hold 8), and searches read those instead of Whoosh's blocks."""
    if request.param == "saved":
        monkeypatch.setattr(whoosh_postings, "SAVED_FROM", 16)
        monkeypatch.setattr(whoosh_postings, "SAVED_BLOCK", 8)
    else:
        monkeypatch.setattr(whoosh_postings, "SAVED_FROM", 10**9)
    rng = random.Random(20261201)
    people = [speaker(name) for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing")]
    people.append(speaker("Question", "question", kind=Speaker.Kind.ROLE))
    topics = [Topic.objects.create(name=n, slug=n.lower(), kind="theme") for n in ("Trade", "Climate")]
    kinds = list(Transcript.Kind.values)[:3]
    texts = {}

    def fill(count, first_day):
        made = []
        for n in range(count):
            record = transcript(
                f"Record {first_day + n}", datetime.date(2020, 1, 1) + datetime.timedelta(days=first_day + n),
                rng.choice(kinds),
            )
            specs = []
            for _ in range(rng.randint(3, 8)):
                sentence = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(4, 30)))
                specs.append((rng.choice(people), sentence.capitalize() + "."))
            for turn in add_turns(record, *specs):
                texts[turn.pk] = turn.text
                if rng.random() < 0.3:
                    turn.topics.add(rng.choice(topics))
            made.append(record.pk)
        return made

    fill(60, 0)
    indexing.rebuild()
    # A second segment, written after the first: document numbers there start further on.
    indexing.index_transcripts(fill(25, 100))
    saved = _saved_terms()
    assert len(saved) > 20 if request.param == "saved" else not saved
    return texts


def _saved_terms():
    """(segment id, field, text) of every term whose postings are saved beside its segment."""
    found = set()
    _name, ix = get_backend().store.live_index()
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            for fieldname in ("text", "text_exact", "speaker_name", "title"):
                saved = saved_tables.load(ix.storage, leaf.segment(), ("postings", fieldname), leaf.doc_count_all())
                found |= {(leaf.segment().segid, fieldname, text) for text in (saved[0] if saved else ())}
    return found


def _phrase_in(text, query_words) -> bool:
    stems = [w.stemmed for w in words(text)]
    n = len(query_words)
    return any(all(stems[i + k] in query_words[k].stems for k in range(n)) for i in range(len(stems) - n + 1))


def _answer(parsed, sort, filters=Filters(), start=0, end=20):
    """(count, facets, page, ids): the page's turn ids, or for relevance its (score, id)
    pairs ordered by score then id, the scores rounded far below any real difference (sums
    in another order differ in the last bits); and the page's turn ids in the order given."""
    hits = get_backend().search_documents(parsed, filters, sort, start, end, FACET_FIELDS)
    if sort == "relevance":
        page = sorted(((round(score, 8), int(s["django_id"])) for s, score in hits.page), key=lambda p: (-p[0], p[1]))
    else:
        page = [int(s["django_id"]) for s, _ in hits.page]
    return hits.total, {k: dict(v) for k, v in hits.facets.items()}, page, [int(s["django_id"]) for s, _ in hits.page]


def _tied_groups(ranking):
    """The ids of a relevance ranking, each run of equal scores as one set."""
    groups, last = [], None
    for score, pk in ranking:
        if score != last:
            groups.append(set())
            last = score
        groups[-1].add(pk)
    return groups


def _queries(texts, rng):
    chosen = [w for w in VOCABULARY if len(w) > 3][:8] + ["the", "we are going to", "it is not", "talks OR allies"]
    chosen += ["sanctions -russia", "running", '"ran"']
    spoken = [t.rstrip(".").lower().split() for t in texts.values()]
    for size in (2, 3, 4, 6):
        for _ in range(3):
            sentence = rng.choice([s for s in spoken if len(s) > size])
            start = rng.randrange(len(sentence) - size)
            chosen.append('"' + " ".join(sentence[start : start + size]) + '"')
    for _ in range(3):
        chosen.append(" ".join(rng.sample(VOCABULARY, 2)) + ' "' + " ".join(rng.sample(VOCABULARY, 2)) + '"')
    for _ in range(4):
        sentence = rng.choice([s for s in spoken if len(s) > 9])
        chosen.append(" ".join(sentence[:9]))  # a remembered quote, typed without quotes
    return chosen


def test_phrases_find_exactly_the_turns_whose_words_run_in_that_order(many_turns):
    rng = random.Random(7)
    phrases = [q for q in _queries(many_turns, rng) if q.startswith('"') and q.endswith('"') and " " in q]
    assert len(phrases) >= 10
    for q in phrases:
        parsed = parse(q)
        expected = sorted(pk for pk, text in many_turns.items() if _phrase_in(text, parsed.groups[0][0].words))
        hits = get_backend().search_documents(parsed, Filters(), "newest", 0, len(many_turns), ())
        assert hits.total == len(expected), q
        assert sorted(int(s["django_id"]) for s, _ in hits.page) == expected, q
    # The scattered words match many more turns than the phrase: the check is not vacuous.
    assert get_backend().search_documents(parse("talk about the"), Filters(), "newest", 0, 0, ()).total > len(
        [pk for pk, t in many_turns.items() if _phrase_in(t, parse('"talk about the"').groups[0][0].words)]
    )


# Phrases checked a few documents at a time: a first batch and then the rest, or a first
# batch large enough to fill a page (the batches growing between is tested on its own below).
@pytest.mark.parametrize("batches", [(4, 2), (24, 2)], ids=["first-4", "first-24"])
def test_fast_paths_equal_whoosh_matching_and_scoring_everything(many_turns, monkeypatch, settings, batches):
    rng = random.Random(11)
    queries = _queries(many_turns, rng)
    filters = [Filters(), Filters(speaker="grace-hopper"), Filters(topic="trade"), Filters(days=(737425, 737500))]
    cases = [(q, sort, f) for q in queries for sort in SORTS for f in (filters if sort == "relevance" else filters[:1])]
    # Two pages of 20, every match at once, and the first three (a page short enough for
    # a batch of checked phrases to fill it).
    pages = [(0, 20), (20, 40), (0, len(many_turns)), (0, 3)]
    monkeypatch.setattr(whoosh_ranking, "FIRST_CHECKED", batches[0])
    monkeypatch.setattr(whoosh_ranking, "BATCH_GROWTH", batches[1])

    def answers():
        return {case: [_answer(parse(case[0]), case[1], case[2], *page) for page in pages] for case in cases}

    fast = answers()
    # Again, with every term's decoded postings kept from the searches before.
    again = answers()
    settings.ARCHIVE_SEARCH_CACHE_MB = 0
    cold = answers()
    # Whoosh's own matchers match and score every document (the slow path).
    monkeypatch.setattr(whoosh_backend, "needs_whoosh", lambda q: True)
    slow = answers()

    assert sum(1 for found in slow.values() if found[0][0] > 40) > 20  # many cases fill two pages
    for case in cases:
        assert fast[case] == again[case] == cold[case], case
        first, second, everything, three = fast[case]
        expected_first, expected_second, expected_everything, _three = slow[case]
        assert first[:2] == expected_first[:2] and second[:2] == expected_second[:2], case
        assert three[:2] == first[:2] and three[3] == everything[3][:3], case
        # Pages as given, equal scores in the order turns were added by either path, and
        # pages 1 and 2 are the first 40 places of the whole ranking.
        assert first[3] == expected_first[3] and everything[3] == expected_everything[3], case
        assert first[3] == everything[3][:20] and second[3] == everything[3][20:40], case
        if case[1] == "relevance":
            # The same order, tie for tie (Whoosh's filtered scores all carry one more point).
            assert everything[:2] == expected_everything[:2], case
            assert _tied_groups(everything[2]) == _tied_groups(expected_everything[2]), case
            # Each page holds the scores of its places in the whole ranking.
            ranking = everything[2]
            assert [p[0] for p in first[2]] == [p[0] for p in ranking[:20]], case
            assert [p[0] for p in second[2]] == [p[0] for p in ranking[20:40]], case
            assert [p[0] for p in three[2]] == [p[0] for p in ranking[:3]], case
        else:
            assert everything == expected_everything, case
            assert first[2] == everything[2][:20] and second[2] == everything[2][20:40], case


@pytest.mark.parametrize("many_turns", ["saved"], indirect=True)
def test_words_typed_without_quotes_are_checked_in_order_only_where_the_page_needs_it(many_turns, monkeypatch):
    """The word-order boost is a phrase: a page of common words checks it in the documents
    that could reach the page, not in every match, and ranks as checking every match does."""
    record = transcript("Spheres", datetime.date(2021, 6, 1))
    rng = random.Random(3)
    # A few short turns say it in order (of different lengths, so that they do not all
    # tie); many longer ones have the words apart.
    said = [" ".join(["A sphere of influence", *VOCABULARY[:n]]) for n in range(40)]
    for _ in range(200):
        filler = rng.sample(VOCABULARY, 12)
        said.append(" ".join(["Sphere", *filler[:6], "influence", *filler[6:]]))
    add_turns(record, *((speaker("Ada Lovelace"), text.capitalize() + ".") for text in said))
    indexing.index_transcripts([record.pk])
    checked = []
    original = whoosh_ranking._Sums._check

    def check(sums, chosen):
        checked.append(len(chosen))
        return original(sums, chosen)

    monkeypatch.setattr(whoosh_ranking._Sums, "_check", check)
    monkeypatch.setattr(whoosh_ranking, "FIRST_CHECKED", 24)
    query = parse("sphere of influence")
    count, _facets, page, _ids = _answer(query, "relevance", end=20)
    # The turns saying it in order come first; the many with the words apart are not checked.
    assert count == 240 and checked == [24]
    checked.clear()
    everything = _answer(query, "relevance", end=count)[2]
    # Every match's place is wanted: every turn holding all three words is checked.
    assert sum(checked) == 40
    assert page == everything[:20]
    monkeypatch.setattr(whoosh_backend, "needs_whoosh", lambda q: True)
    assert _answer(query, "relevance", end=20)[2] == page  # Whoosh scoring every match


def test_phrase_checks_stop_once_no_unchecked_turn_can_reach_the_page(monkeypatch):
    """The batches of ``_Sums.check_phrases`` over many matches and two phrases that match
    at random: each page is the best of the exact sums, found in growing batches."""
    import numpy as np

    rng = np.random.default_rng(5)
    size = 5000
    without = rng.random(size) * 10
    adds = [rng.random(size) * 5 * (rng.random(size) < 0.9), rng.random(size) * 5]
    matches = [rng.random(size) < 0.5, rng.random(size) < 0.05]
    exact = without + sum(np.where(found, add, 0.0) for found, add in zip(matches, adds))
    monkeypatch.setattr(whoosh_ranking, "FIRST_CHECKED", 16)
    batches = {}
    for end in (3, 20, 200):
        sums = whoosh_ranking._Sums(None, whoosh_ranking._Matches(np.arange(size), None))
        sums.phrases = [whoosh_ranking._Phrase(None, add) for add in adds]

        def check(chosen, sums=sums, end=end):
            # What phrase_mask would say of these documents.
            batches.setdefault(end, []).append(len(chosen))
            added = np.zeros(len(chosen))
            for phrase, found in zip(sums.phrases, matches):
                phrase.found[chosen] = found[chosen]
                added += np.where(found[chosen], phrase.adds[chosen], 0.0)
            return added

        monkeypatch.setattr(sums, "_check", check)
        summed = sums.check_phrases(without, end)
        best = np.argsort(-exact, kind="stable")[:end]
        assert np.argsort(-summed, kind="stable")[:end].tolist() == best.tolist()
        assert np.array_equal(summed[best], exact[best])
    # A first batch holding a page of 3 phrase matches, then one 8 times larger, and no more
    # needed; a first batch with fewer than a page of them (20, 200): the rest at once.
    assert batches[3] == [16, 128]
    assert batches[20] == batches[200] == [16, size - 16]


def test_decoded_postings_stay_within_the_budget_and_go_with_the_searcher(many_turns, settings):
    from archive.search.store import _slot, forget_searchers

    backend = get_backend()
    slot = _slot(backend.store.root)
    _answer(parse("we are going to talk"), "relevance")
    kept = dict(slot.tables["postings"])
    assert ("text", "talk") in kept
    settings.ARCHIVE_SEARCH_CACHE_MB = 0
    _answer(parse("allies"), "relevance")
    assert not slot.tables["postings"]
    settings.ARCHIVE_SEARCH_CACHE_MB = 256
    _answer(parse("allies"), "relevance")
    assert slot.tables["postings"]
    # A new transcript adds a segment: the others' decoded postings are kept, renumbered if
    # the segments before them changed, and answers stay those of a cold search.
    queries = [parse(q) for q in ("allies agree", '"allies agree"', "talks OR allies", "the -china")]
    for q in queries:
        _answer(q, "relevance")
    decoded_before = {k: p.blocks[0].ids for k, p in slot.decoded.items() if p.blocks and p.blocks[0].ids is not None}
    record = transcript("Later", datetime.date(2021, 6, 1))
    add_turns(record, (speaker("Ada Lovelace"), "Allies agree on everything."))
    indexing.index_transcripts([record.pk])
    warm = [_answer(q, sort, end=500) for q in queries for sort in ("relevance", "newest")]
    assert any(key in slot.decoded and slot.decoded[key].blocks[0].ids is ids for key, ids in decoded_before.items())
    # A correction deletes documents in an older segment.
    (first, *_rest) = Transcript.objects.order_by("pk")
    turn = first.turns.order_by("position").first()
    turn.text = "Allies agree, our allies agree, running late."
    turn.save()
    indexing.index_transcripts([first.pk])
    corrected = [_answer(q, sort, end=500) for q in queries for sort in ("relevance", "newest")]
    # What a process that never searched before answers.
    settings.ARCHIVE_SEARCH_CACHE_MB = 0
    forget_searchers()
    cold = [_answer(q, sort, end=500) for q in queries for sort in ("relevance", "newest")]
    assert corrected == cold
    assert warm != corrected  # the correction is found
    assert _answer(parse("allies"), "newest", end=500)[0] == 2 + sum(1 for t in many_turns.values() if "allies" in t.lower())


@pytest.mark.parametrize("many_turns", ["saved"], indirect=True)
def test_saved_terms_are_searched_without_reading_a_whoosh_block(many_turns, monkeypatch, settings):
    """Each search reads a saved term from its mapped arrays, cold or warm; a term that is
    not saved is read from Whoosh's blocks, and the answers are those of the texts."""
    read = []
    original = whoosh_postings._Block._read

    def reading(block):
        read.append(block.owner.key)
        return original(block)

    monkeypatch.setattr(whoosh_postings._Block, "_read", reading)
    # A third segment, too small for any of its terms to be saved.
    record = transcript("Later", datetime.date(2021, 6, 1))
    add_turns(record, (speaker("Ada Lovelace"), "Our allies agree."), (speaker("Alan Turing"), "Allies agree."))
    indexing.index_transcripts([record.pk])
    many_turns.update({turn.pk: turn.text for turn in record.turns.all()})
    saved = _saved_terms()
    assert {fieldname_text for *_segment, fieldname_text in saved} >= {"the", "alli"}
    settings.ARCHIVE_SEARCH_CACHE_MB = 0
    for q in ('"we are going to"', "the allies -china", "talks OR allies", "we are going to talk about"):
        _answer(parse(q), "relevance", end=500)
    assert ("text", "alli") in {key[1:] for key in read}  # the third segment's, from its blocks
    assert not set(read) & saved
    phrase = parse('"our allies agree"')
    expected = sorted(pk for pk, text in many_turns.items() if _phrase_in(text, phrase.groups[0][0].words))
    hits = get_backend().search_documents(phrase, Filters(), "newest", 0, len(many_turns), ())
    assert expected and sorted(int(s["django_id"]) for s, _ in hits.page) == expected


@pytest.mark.parametrize("many_turns", ["blocks"], indirect=True)
def test_stored_positions_are_let_go_after_each_search_and_read_again_for_a_phrase(many_turns):
    """A worker keeps a term's decoded document numbers, not its stored positions (millions
    of small objects at size): a phrase of words searched before reads them again."""
    from archive.search.store import _slot

    slot = _slot(get_backend().store.root)
    _answer(parse("our allies agree"), "newest", end=500)
    blocks = [b for key, part in slot.decoded.items() if key[2] in ("alli", "agre") for b in part.blocks]
    read = [b for b in blocks if b.where]  # blocks of the postings file, not kept with the term
    assert read and all(b.ids is not None and b.values is None and b.keys is None for b in read)
    phrase = parse('"allies agree"')
    expected = sorted(pk for pk, text in many_turns.items() if _phrase_in(text, phrase.groups[0][0].words))
    hits = get_backend().search_documents(phrase, Filters(), "newest", 0, len(many_turns), ())
    assert expected and sorted(int(s["django_id"]) for s, _ in hits.page) == expected
    assert all(b.values is None for b in blocks)  # let go again once the phrase search ended


def test_a_block_is_read_when_its_first_or_last_document_is_asked_for():
    import numpy as np

    from archive.search.whoosh_postings import SegmentTerm, TermPostings, _Block

    segment = SegmentTerm(postfile=None, offset=0, values=False)

    def block(first, last):
        made = _Block(segment, first, last, None)
        made.ids = np.arange(first, last + 1, 3)
        made.weights = np.ones(len(made.ids))
        return made

    segment.blocks = [block(0, 9), block(10, 19), block(20, 29)]
    term = TermPostings([segment])
    for asked, expected in (([9], [0]), ([10], [1]), ([19, 20], [1, 2]), ([], []), ([0, 29], [0, 2])):
        within = np.zeros(30, dtype=bool)
        within[asked] = True
        assert [term.blocks.index(b) for b in term.blocks_within(within)] == expected, asked
    within = np.zeros(30, dtype=bool)
    within[[3, 13, 14]] = True
    assert term.within(within)[0].tolist() == [3, 13]


def test_decoded_postings_follow_their_segment_to_new_document_numbers():
    import numpy as np

    from archive.search.whoosh_postings import POSITION_SPAN, SegmentTerm, _Block, _position_keys

    segment = SegmentTerm(postfile=None, offset=10, values=True)
    block = _Block(segment, 10, 14, None)
    block.ids, block.weights = np.array([10, 12, 14]), np.ones(3)
    block.keys, block.counts = _position_keys(block.ids, [b"\x00\x00\x00\x01\x80\x04]q\x00K\x03a"] * 3)
    segment.blocks = [block]
    assert block.keys.tolist() == [d * POSITION_SPAN + 3 for d in (10, 12, 14)]
    segment.move_to(4)  # the segments before it lost six documents to a merge
    assert (block.first, block.last, block.ids.tolist()) == (4, 8, [4, 6, 8])
    assert block.keys.tolist() == [d * POSITION_SPAN + 3 for d in (4, 6, 8)]
