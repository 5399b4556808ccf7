"""Topic pages: what was said about a country, an organisation or a theme, by whom, when."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.utils.text import Truncator

from archive import tallies
from archive.charts import timeline
from archive.models import Speaker, Topic, Turn
from archive.search.documents import spoken_text
from archive.search.highlight import mark_spans
from archive.topics import current_vocabulary
from archive.views import search_link

TURNS_PER_PAGE = 20
TOP_SPEAKERS = 15


def topic_list(request):
    """``/topics/``: every topic by kind with how many turns speak about it."""
    topics = tallies.topics_with_counts().order_by("name")
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
    """``/topics/<slug>/``: the turns about a topic, newest first, with who spoke and when.

    Everything counted is read from the topic's tallies, one row per transcript and speaker.
    """
    topic = get_object_or_404(Topic, slug=slug)
    # People lead, most turns first; roles (questions, an official on background) follow apart.
    people, roles = [], []
    for row in tallies.topic_speakers(topic):
        (people if row["speaker__kind"] == Speaker.Kind.PERSON else roles).append(row)
    spoken_in = tallies.topic_transcripts(topic)
    months, undated = tallies.by_month(spoken_in)
    turns = tallies.TurnsInTranscriptOrder(
        spoken_in,
        # Tested turn by turn within the page's few transcripts: a join on the topic would walk
        # every link of a busy topic first.
        Turn.objects.live()
        .filter(Exists(Turn.topics.through.objects.filter(turn_id=OuterRef("pk"), topic=topic)))
        .with_context()
        .prefetch_related("topics"),
    )
    page_obj = Paginator(turns, TURNS_PER_PAGE).get_page(request.GET.get("page"))
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
            "chart": timeline(months, search_link(topic=topic.slug), undated=undated),
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
