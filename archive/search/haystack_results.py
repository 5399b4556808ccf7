"""What both engines' haystack entry points (``SearchQuerySet``) share: the sort, the shape
of the answer and its facets, highlighted texts."""

from __future__ import annotations

from haystack.constants import DJANGO_ID


def highlighted_texts(page, words: list[str]) -> dict[str, str]:
    """Highlighted spoken text of each result of ``page``, keyed by primary key, marking ``words``."""
    from archive.models import Turn
    from archive.search.documents import spoken_text
    from archive.search.highlight import highlight
    from archive.search.query import ParsedQuery, parse

    parsed = parse(" ".join(words)) if words else ParsedQuery()
    ids = [stored[DJANGO_ID] for stored, _ in page]
    rows = Turn.objects.filter(pk__in=ids).values_list("pk", "text", "notes")
    return {str(pk): highlight(spoken_text(text, notes), parsed) for pk, text, notes in rows}


def no_results() -> dict:
    return {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}


def sort_for(sort_by) -> str:
    """The archive's sort for haystack's ``order_by`` fields (by date, or by relevance)."""
    if not sort_by:
        return "relevance"
    return "oldest" if sort_by[0].lstrip("-") in ("day", "date") and not sort_by[0].startswith("-") else "newest"


def answer(results: list, hits, facet_names) -> dict:
    """Haystack's answer for a page of results and the ``Hits`` they came from."""
    fields = {name: sorted(hits.facets[name].items(), key=lambda kv: (-kv[1], kv[0])) for name in facet_names}
    return {
        "results": results,
        "hits": hits.total,
        "facets": {"fields": fields, "dates": {}, "queries": {}},
        "spelling_suggestion": None,
    }
