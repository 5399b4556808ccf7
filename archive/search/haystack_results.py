"""What both engines' haystack entry points (``SearchQuerySet``) share: highlighted texts."""

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
