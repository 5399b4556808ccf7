"""Quote search as the pages and the API see it: parameters in, one page of answers out."""

from __future__ import annotations

import datetime
import math
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from archive.models import Speaker, Topic, Transcript, Turn
from archive.search.analysis import fold
from archive.search.analysis import words as analyse
from archive.search.documents import spoken_text
from archive.search.engine import DERIVED_FACETS, FACET_FIELDS, SORTS, Filters, SearchTimeout, get_engine
from archive.search.highlight import highlight
from archive.search.query import STOPWORDS, ParsedQuery, parse

PER_PAGE = 20
MAX_PAGE = 10_000
# Facet values shown beside the results, most frequent first (years and kinds: all).
FACET_LIMITS = {"speaker": 12, "topics": 12, "year": None, "kind": None}


@dataclass
class SearchParams:
    """Validated search parameters; empty strings and None mean "not given"."""

    q: str = ""
    speaker: str = ""
    topic: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def has_filters(self) -> bool:
        return bool(self.speaker or self.topic or self.date_from or self.date_to or self.kind)


@dataclass
class Result:
    """One matching turn with its highlighted text and the question it answers."""

    turn: Turn
    highlighted: SafeString
    score: float
    question: Turn | None = None

    @property
    def question_excerpt(self) -> str:
        if self.question is None:
            return ""
        return Truncator(spoken_text(self.question.text, self.question.notes)).words(40)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    query: str = ""  # the query string that toggles this value (set by the page)


@dataclass
class SpeakerSuggestion:
    """A speaker whose name is in the query, offered as a filter ("only Antony Blinken?")."""

    speaker: Speaker
    q: str  # the query without the name's words


@dataclass
class SearchPage:
    params: SearchParams
    parsed: ParsedQuery
    total: int
    page: int
    num_pages: int
    sort: str
    results: list[Result] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestions: list[SpeakerSuggestion] = field(default_factory=list)
    speaker: Speaker | None = None
    topic: Topic | None = None
    # The search ran past ARCHIVE_SEARCH_TIME_LIMIT and was stopped: no results, no counts.
    timed_out: bool = False

    @property
    def notices(self) -> list[str]:
        """What the reader should know about how the query was read (limits applied)."""
        return self.parsed.notices
    # Matching turns per month ("2026-07"), for the picture of when they were said.
    months: dict[str, int] = field(default_factory=dict)

    @property
    def start_index(self) -> int:
        return (self.page - 1) * self.params.per_page + 1 if self.total else 0

    @property
    def end_index(self) -> int:
        return min(self.total, self.page * self.params.per_page)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def filters_for(params: SearchParams) -> Filters:
    """The engine-neutral restrictions of these parameters."""
    return Filters(
        speaker=params.speaker,
        topic=params.topic,
        kind=params.kind,
        days=Filters.day_range(params.date_from, params.date_to),
    )


def search(params: SearchParams, facets: bool = True, clamp_page: bool = True) -> SearchPage:
    """Run a quote search: exact count, one page of results, facet counts, name suggestions.

    An empty query lists the newest turns (filters still apply). With ``clamp_page`` a page
    past the end shows the last page; without it, it shows no results.
    """
    parsed = parse(params.q)
    q = None if parsed.is_empty else parsed
    sort = params.sort if params.sort in SORTS else "relevance"
    if q is None and sort == "relevance":
        sort = "newest"
    per_page = params.per_page
    page = max(1, min(params.page, MAX_PAGE))
    backend = get_engine()
    filters = filters_for(params)
    facet_names = FACET_FIELDS + DERIVED_FACETS if facets else ()
    limit = settings.ARCHIVE_SEARCH_TIME_LIMIT
    try:
        hits = backend.search_documents(
            q, filters, sort, (page - 1) * per_page, page * per_page, facet_names, time_limit=limit
        )
        num_pages = max(1, math.ceil(hits.total / per_page))
        if clamp_page and page > num_pages:
            page = num_pages
            counted = hits
            hits = backend.search_documents(
                q, filters, sort, (page - 1) * per_page, page * per_page, (), time_limit=limit
            )
            hits.facets = counted.facets
    except SearchTimeout:
        return SearchPage(params=params, parsed=parsed, total=0, page=1, num_pages=1, sort=sort, timed_out=True)
    result = SearchPage(params=params, parsed=parsed, total=hits.total, page=page, num_pages=num_pages, sort=sort)
    result.results = _results(hits.page, parsed)
    if facets:
        result.facets = _facets(hits.facets if hits.facets else {}, params)
        result.months = dict(hits.facets.get("month") or {})
    if params.speaker:
        result.speaker = Speaker.objects.filter(slug=params.speaker).first()
    if params.topic:
        result.topic = Topic.objects.filter(slug=params.topic).first()
    result.suggestions = speaker_suggestions(parsed, params)
    return result


def _results(page, parsed: ParsedQuery) -> list[Result]:
    ids = [int(stored["django_id"]) for stored, _score in page]
    turns = Turn.objects.with_context().prefetch_related("topics").in_bulk(ids)
    results = []
    for stored, score in page:
        turn = turns.get(int(stored["django_id"]))
        if turn is None:
            # The index is ahead of the database for a moment (a delete being indexed).
            continue
        results.append(
            Result(
                turn=turn,
                highlighted=highlight(spoken_text(turn.text, turn.notes), parsed),
                score=score,
                question=turn.answers if turn.answers_id else None,
            )
        )
    return results


def _facets(counts: dict, params: SearchParams) -> dict[str, list[FacetValue]]:
    facets: dict[str, list[FacetValue]] = {}
    speaker_counts = counts.get("speaker") or {}
    topic_counts = counts.get("topics") or {}
    top_speakers = _top(speaker_counts, FACET_LIMITS["speaker"], params.speaker)
    names = dict(Speaker.objects.filter(slug__in=top_speakers).values_list("slug", "name"))
    facets["speaker"] = [
        FacetValue(slug, names.get(slug, slug), speaker_counts[slug], slug == params.speaker) for slug in top_speakers
    ]
    top_topics = _top(topic_counts, FACET_LIMITS["topics"], params.topic)
    topic_names = dict(Topic.objects.filter(slug__in=top_topics).values_list("slug", "name"))
    facets["topic"] = [
        FacetValue(slug, topic_names.get(slug, slug), topic_counts[slug], slug == params.topic) for slug in top_topics
    ]
    years = sorted((counts.get("year") or {}).items(), reverse=True)
    selected_year = _selected_year(params)
    facets["year"] = [FacetValue(year, year, n, year == selected_year) for year, n in years]
    kind_labels = dict(Transcript.Kind.choices)
    kinds = sorted((counts.get("kind") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    facets["kind"] = [FacetValue(k, kind_labels.get(k, k), n, k == params.kind) for k, n in kinds]
    return facets


def _top(counts: dict, limit: int | None, selected: str) -> list[str]:
    ordered = [value for value, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    top = ordered if limit is None else ordered[:limit]
    if selected and selected in counts and selected not in top:
        top.append(selected)
    return top


def _selected_year(params: SearchParams) -> str:
    if (
        params.date_from
        and params.date_to
        and params.date_from.year == params.date_to.year
        and params.date_from == datetime.date(params.date_from.year, 1, 1)
        and params.date_to == datetime.date(params.date_to.year, 12, 31)
    ):
        return str(params.date_from.year)
    return ""


# -- "only Antony Blinken?" -------------------------------------------------------------------

_NAMES_LOCK = threading.Lock()
_NAMES: dict = {}


def _speaker_names() -> list[tuple[int, frozenset[str]]]:
    """(speaker id, folded words of the name) for every person, cached until speakers change."""
    signature = tuple(Speaker.objects.filter(kind=Speaker.Kind.PERSON).aggregate(n=Count("id"), m=Max("modified")).values())
    with _NAMES_LOCK:
        if _NAMES.get("signature") != signature:
            rows = Speaker.objects.filter(kind=Speaker.Kind.PERSON).values_list("id", "name")
            _NAMES["names"] = [(pk, frozenset(w.exact for w in analyse(name))) for pk, name in rows]
            _NAMES["signature"] = signature
        return _NAMES["names"]


def speaker_suggestions(parsed: ParsedQuery, params: SearchParams, limit: int = 3) -> list[SpeakerSuggestion]:
    """Speakers whose name the query mentions, best match first; none once a speaker is chosen."""
    if params.speaker:
        return []
    words = {fold(w) for w in parsed.plain_words() if len(w) > 2 and w not in STOPWORDS}
    if not words:
        return []
    scored = []
    for pk, name_words in _speaker_names():
        shared = words & name_words
        if shared:
            scored.append((-len(shared), pk, shared))
    scored.sort()
    speakers = Speaker.objects.in_bulk([pk for _n, pk, _s in scored[:limit]])
    suggestions = []
    for _n, pk, shared in scored[:limit]:
        if pk in speakers:
            suggestions.append(SpeakerSuggestion(speakers[pk], parsed.without_words(set(shared))))
    return suggestions
