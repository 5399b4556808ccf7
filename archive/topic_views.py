"""Topic pages: what was said about a country, an organisation or a theme, by whom, when."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, render
from django.utils.text import Truncator

from archive.models import Speaker, Topic, Turn
from archive.search.documents import spoken_text
from archive.search.highlight import mark_spans
from archive.topics import current_vocabulary
from archive.views import search_link, timeline_of

TURNS_PER_PAGE = 20
TOP_SPEAKERS = 15
LIVE = Q(turns__position__isnull=False)


def topic_list(request):
    """``/topics/``: every topic by kind with how many turns speak about it."""
    topics = Topic.objects.annotate(turn_count=Count("turns", filter=LIVE)).order_by("name")
    groups = []
    for kind, label in Topic.Kind.choices:
        of_kind = [t for t in topics if t.kind == kind]
        groups.append(
            {
                "kind": kind,
                "label": label,
                "used": [t for t in of_kind if t.turn_count],
                "unused": [t for t in of_kind if not t.turn_count],
            }
        )
    return render(request, "topics/topic_list.html", {"groups": groups, "nav_section": "topics"})


def topic_detail(request, slug):
    """``/topics/<slug>/``: the turns about a topic, newest first, with who spoke and when."""
    topic = get_object_or_404(Topic, slug=slug)
    turns = Turn.objects.live().filter(topics=topic)
    # People lead, most turns first; roles (questions, an official on background) follow apart.
    speakers = (
        turns.filter(speaker__isnull=False)
        .values("speaker__slug", "speaker__name", "speaker__kind")
        .annotate(count=Count("id"))
        .order_by("-count", "speaker__name")
    )
    people, roles = [], []
    for row in speakers:
        (people if row["speaker__kind"] == Speaker.Kind.PERSON else roles).append(row)
    chart = timeline_of(turns, search_link(topic=topic.slug))
    ordered = turns.with_context().prefetch_related("topics").order_by(
        F("transcript__date").desc(nulls_last=True), "-transcript_id", "position"
    )
    page_obj = Paginator(ordered, TURNS_PER_PAGE).get_page(request.GET.get("page"))
    vocabulary = current_vocabulary()
    return render(
        request,
        "topics/topic_detail.html",
        {
            "topic": topic,
            "aliases": topic.alias_list(),
            "people": people[:TOP_SPEAKERS],
            "more_people": max(0, len(people) - TOP_SPEAKERS),
            "roles": roles,
            "chart": chart,
            "page_obj": page_obj,
            "items": [_item(turn, topic, vocabulary) for turn in page_obj.object_list],
            "nav_section": "topics",
        },
    )


def _item(turn, topic, vocabulary) -> dict:
    """A turn with the words that name the topic marked (tags set by hand may have none)."""
    question = turn.answers if turn.answers_id else None
    text = spoken_text(turn.text, turn.notes)
    spans = [(start, end) for topic_id, start, end in vocabulary.matches(text) if topic_id == topic.pk]
    return {
        "turn": turn,
        "highlighted": mark_spans(text, spans),
        "question": question,
        "question_excerpt": Truncator(spoken_text(question.text, question.notes)).words(40) if question else "",
    }
