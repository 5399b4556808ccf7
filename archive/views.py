"""Pages for browsing the archive: the home page, transcripts, single turns and speakers.

Views stay thin: read and validate the query string, run a fixed number of queries, render.
Every page runs the same number of queries however long the transcript or list is.
"""

import re
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, F, Max, Min, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from archive import tallies
from archive.charts import timeline
from archive.models import SlugRedirect, Speaker, Transcript, Turn, TurnRevision
from archive.search.within import find_in
from archive.speakers.addresses import moved_speaker_redirect

TRANSCRIPTS_PER_PAGE = 25
SPEAKER_TURNS_PER_PAGE = 20
HOME_LATEST = 8
# The speaker page lists this many of the speaker's latest transcripts; all are on the list of
# transcripts filtered to the speaker.
RECENT_TRANSCRIPTS = 10
# The transcript page's list of speakers links this many of each speaker's turns; the rest
# are one link away, on the page filtered to that speaker.
ROSTER_NUMBERS = 12
# Turn numbers are stored as 32-bit integers; larger numbers in an address cannot exist.
MAX_TURN_NUMBER = 2**31 - 1
UNKNOWN_YEAR = "unknown"

_YEAR_RE = re.compile(r"\d{4}", re.ASCII)


def paginate(request, object_list, per_page):
    """Return page ``?page=N`` of ``object_list``.

    A page number that is not a positive whole number, or lies beyond the last page, is a
    404: such addresses were never linked from the archive, and clamping would serve the
    same list under many addresses.
    """
    paginator = Paginator(object_list, per_page)
    try:
        page = paginator.page(request.GET.get("page", "1"))
    except InvalidPage as exc:
        raise Http404("There is no such page.") from exc
    page.page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def find_transcript(slug):
    """Return ``(transcript, None)`` for a current slug, ``(None, transcript)`` for an old one.

    Raises Http404 when the slug never belonged to a transcript.
    """
    # No page shows the raw text, which may be megabytes.
    transcript = Transcript.objects.defer("raw_text").filter(slug=slug).first()
    if transcript is not None:
        return transcript, None
    moved = SlugRedirect.objects.select_related("transcript").defer("transcript__raw_text").filter(old_slug=slug).first()
    if moved is None:
        raise Http404("No transcript has this address.")
    return None, moved.transcript


def attach_people(transcripts):
    """Set ``people`` on each transcript: the named people who speak in it, most turns first;
    and ``roles_phrase``, the roles it has instead when it names nobody ("a senior
    administration official and reporters").

    One query for the whole page.
    """
    transcripts = list(transcripts)
    by_id = {transcript.pk: transcript for transcript in transcripts}
    roles = {}
    for transcript in transcripts:
        transcript.people = []
        transcript.roles_phrase = ""
        roles[transcript.pk] = []
    if not by_id:
        return transcripts
    rows = (
        Turn.objects.live()
        .filter(transcript__in=list(by_id), speaker__isnull=False)
        .values("transcript_id", "speaker__name", "speaker__slug", "speaker__kind")
        .annotate(turns=Count("id"))
        .order_by("transcript_id", "-turns", "speaker__name")
    )
    for row in rows:
        if row["speaker__kind"] == Speaker.Kind.PERSON:
            by_id[row["transcript_id"]].people.append(
                {"name": row["speaker__name"], "slug": row["speaker__slug"], "turns": row["turns"]}
            )
        else:
            roles[row["transcript_id"]].append(row["speaker__name"])
    for transcript in transcripts:
        if not transcript.people:
            transcript.roles_phrase = roles_phrase(roles[transcript.pk])
    return transcripts


# Roles a reader knows by another word than the label's.
ROLE_WORDS = {"question": "reporters", "questions": "reporters", "reporter": "reporters", "participant": "participants"}


def roles_phrase(names):
    """The roles of a transcript as words in a sentence: ["Senior Administration Official",
    "Question"] → "a senior administration official and reporters"."""
    phrases, plural = [], []
    for name in names:
        word = ROLE_WORDS.get(name.casefold())
        if word:
            if word not in plural:
                plural.append(word)
            continue
        lowered = name.lower()
        phrases.append(("an " if lowered[:1] in "aeiou" else "a ") + lowered)
    phrases += plural
    if len(phrases) < 2:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def speakers_of(turns):
    """Who speaks in ``turns``, in order of first appearance, with the numbers of their turns.

    Turns whose label was never resolved to a speaker are grouped by the label as printed.
    """
    found = {}
    for turn in turns:
        key = ("speaker", turn.speaker_id) if turn.speaker_id else ("label", turn.speaker_label.casefold())
        entry = found.get(key)
        if entry is None:
            entry = found[key] = {"speaker": turn.speaker, "name": turn.display_speaker, "labels": [], "numbers": []}
        entry["numbers"].append(turn.number)
        if turn.speaker_label and turn.speaker_label not in entry["labels"]:
            entry["labels"].append(turn.speaker_label)
    for entry in found.values():
        entry["turns"] = len(entry["numbers"])
        entry["first_numbers"] = entry["numbers"][:ROSTER_NUMBERS]
        entry["more_numbers"] = entry["turns"] - len(entry["first_numbers"])
    return list(found.values())


def home(request):
    """What the archive holds, its latest transcripts and a search box."""
    totals = Transcript.objects.order_by().aggregate(transcripts=Count("id"), first=Min("date"), last=Max("date"))
    latest = attach_people(Transcript.objects.with_turn_counts().newest_first()[:HOME_LATEST])
    context = {
        "totals": totals,
        "turn_total": Turn.objects.live().count(),
        # Counted as /speakers/ counts them: who still speaks in a stored transcript, people
        # apart from roles.
        "speakers": Speaker.objects.order_by()
        .filter(tallies.speaks_somewhere())
        .aggregate(
            people=Count("id", filter=Q(kind=Speaker.Kind.PERSON)), roles=Count("id", filter=Q(kind=Speaker.Kind.ROLE))
        ),
        "latest": latest,
    }
    return render(request, "archive/home.html", context)


def _year_from(value):
    """A four-digit year, "unknown" (no date), or None for anything else (ignored)."""
    value = (value or "").strip()
    if value == UNKNOWN_YEAR:
        return UNKNOWN_YEAR
    if _YEAR_RE.fullmatch(value):
        return int(value)
    return None


def _filter_year(queryset, year):
    if year == UNKNOWN_YEAR:
        return queryset.filter(date__isnull=True)
    if year is not None:
        return queryset.filter(date__year=year)
    return queryset


def transcript_list(request):
    """Transcripts newest first, 25 a page, filtered by ``year``, ``kind`` and ``speaker``
    (the transcripts a speaker has turns in).

    A year, kind or speaker that is not valid is ignored (the list is shown unfiltered)
    rather than answered with an error: the filters are conveniences, not addresses.
    """
    kind_labels = dict(Transcript.Kind.choices)
    year = _year_from(request.GET.get("year"))
    kind = request.GET.get("kind")
    if kind not in kind_labels:
        kind = None
    speaker_slug = request.GET.get("speaker", "").strip()
    speaker = Speaker.objects.filter(slug=speaker_slug).first() if speaker_slug else None

    stored = Transcript.objects.order_by()
    if speaker is not None:
        stored = stored.filter(speaker_tallies__speaker=speaker)
    # Each facet counts within the other filters, so the numbers match what a click shows.
    by_kind = stored
    if kind:
        by_kind = by_kind.filter(kind=kind)
    by_year = _filter_year(stored, year)

    year_counts = {
        row["year"]: row["n"]
        for row in by_kind.annotate(year=ExtractYear("date")).values("year").annotate(n=Count("id")).order_by()
    }
    years = [
        {"value": y, "label": str(y), "count": year_counts[y]}
        for y in sorted(filter(None, year_counts), reverse=True)
    ]
    if None in year_counts:
        years.append({"value": UNKNOWN_YEAR, "label": "Date unknown", "count": year_counts[None]})

    kind_counts = {row["kind"]: row["n"] for row in by_year.values("kind").annotate(n=Count("id")).order_by()}
    kinds = [
        {"value": value, "label": label, "count": kind_counts.get(value, 0)}
        for value, label in Transcript.Kind.choices
        if kind_counts.get(value) or value == kind
    ]

    transcripts = Transcript.objects.with_turn_counts().newest_first()
    if speaker is not None:
        # One tally per speaker and transcript: the join cannot repeat a transcript.
        transcripts = transcripts.filter(speaker_tallies__speaker=speaker).annotate(
            speaker_turns=F("speaker_tallies__turns")
        )
    transcripts = _filter_year(transcripts, year)
    if kind:
        transcripts = transcripts.filter(kind=kind)
    page = paginate(request, transcripts, TRANSCRIPTS_PER_PAGE)
    attach_people(page.object_list)

    context = {
        "page_obj": page,
        "transcripts": page.object_list,
        "years": years,
        "kinds": kinds,
        "year": year,
        "year_label": "Date unknown" if year == UNKNOWN_YEAR else (str(year) if year else ""),
        "kind": kind,
        "kind_label": kind_labels.get(kind, ""),
        "speaker": speaker,
    }
    return render(request, "archive/transcript_list.html", context)


def transcript_detail(request, slug):
    """A whole transcript: its metadata, its speakers and every live turn, in order.

    ``?speaker=<slug>`` shows only that speaker's turns; ``?find=words`` marks the turns that
    hold the words (the search box's syntax and word forms) and lists them at the top.
    """
    transcript, moved = find_transcript(slug)
    if moved is not None:
        return redirect(moved, permanent=True)
    # The related manager hands each turn its transcript, so no query per turn for it.
    turns = list(
        transcript.turns.live()
        .select_related("speaker", "answers__speaker")
        # Newest first without the default ordering's joins back to turn and transcript.
        .prefetch_related(Prefetch("revisions", queryset=TurnRevision.objects.order_by("-replaced")))
        .order_by("position")
    )
    speakers = speakers_of(turns)
    speaker_slug = request.GET.get("speaker", "").strip()
    chosen = None
    if speaker_slug:
        chosen = next((e for e in speakers if e["speaker"] is not None and e["speaker"].slug == speaker_slug), None)
    shown = [t for t in turns if t.speaker_id == chosen["speaker"].pk] if chosen else turns
    find = None
    if "find" in request.GET:
        find = find_in(shown, request.GET.get("find", ""))
        for item in find.found:
            item.turn.found_paragraphs = item.paragraphs
    context = {
        "transcript": transcript,
        "turns": shown,
        "turn_total": len(turns),
        "speakers": speakers,
        "people": [e for e in speakers if e["speaker"] is not None and not e["speaker"].is_role],
        "roles": [e for e in speakers if e["speaker"] is None or e["speaker"].is_role],
        "chosen": chosen,
        "speaker_slug": speaker_slug,
        "find": find,
        # Filtered to one speaker, the questions they answer are not on the page.
        "same_page": chosen is None,
    }
    return render(request, "archive/transcript_detail.html", context)


def turn_detail(request, slug, number):
    """One turn at its permanent address, with the question it answers and its neighbours.

    A turn that a corrected version of the transcript removed answers 410 Gone and still
    shows what it said, so a citation of it can be checked.
    """
    transcript, moved = find_transcript(slug)
    if moved is not None:
        response = redirect("turn_detail", slug=moved.slug, number=number, permanent=True)
        if request.META.get("QUERY_STRING"):
            # A quote link (?quote=…) keeps its quote through the redirect.
            response["Location"] += "?" + request.META["QUERY_STRING"]
        return response
    if number > MAX_TURN_NUMBER:
        raise Http404("No turn has this number.")
    turn = get_object_or_404(
        transcript.turns.select_related("speaker", "answers__speaker", "answers__transcript").defer(
            "answers__transcript__raw_text"
        ),
        number=number,
    )
    context = {
        "transcript": transcript,
        "turn": turn,
        "revisions": list(turn.revisions.order_by("-replaced")),
    }
    if not turn.is_live:
        return render(request, "archive/turn_withdrawn.html", context, status=410)

    neighbours = transcript.turns.live().select_related("speaker")
    context.update(
        previous_turn=neighbours.filter(position__lt=turn.position).order_by("-position").first(),
        next_turn=neighbours.filter(position__gt=turn.position).order_by("position").first(),
        answered_by=list(turn.answered_by.live().select_related("speaker").order_by("position")),
    )
    return render(request, "archive/turn_detail.html", context)


def search_link(**filters):
    """A function making the search address of ``filters`` narrowed to a period."""

    def link(start, end):
        return reverse("search") + "?" + urlencode({**filters, "from": start.isoformat(), "to": end.isoformat()})

    return link


def speaker_list(request):
    """Named people first, then roles such as "Question" or "Moderator"; only who still speaks
    in a stored transcript (a speaker whose transcripts were all deleted is not listed)."""
    people, roles = [], []
    for speaker in tallies.speakers_with_counts().order_by("name"):
        (roles if speaker.is_role else people).append(speaker)
    return render(request, "archive/speaker_list.html", {"people": people, "roles": roles})


def speaker_detail(request, slug):
    """Who a speaker is, when and where they spoke, and their turns, newest transcript first.

    The address of a speaker merged into another answers with a permanent redirect to it.
    Everything counted is read from the speaker's tallies, one row per transcript.
    """
    speaker = Speaker.objects.prefetch_related("labels").filter(slug=slug).first()
    if speaker is None:
        moved = moved_speaker_redirect(request, slug)
        if moved is None:
            raise Http404("No speaker has this address.")
        return moved
    spoken_in = tallies.speaker_transcripts(speaker)
    recent = {t.transcript_id: t.turns for t in spoken_in[:RECENT_TRANSCRIPTS]}
    by_id = Transcript.objects.defer("raw_text").in_bulk(list(recent))
    transcripts = [by_id[pk] for pk in recent if pk in by_id]  # in the order of the turns below
    for transcript in transcripts:
        transcript.speaker_turns = recent[transcript.pk]
    turns = tallies.TurnsInTranscriptOrder(
        spoken_in,
        Turn.objects.by_speaker(speaker).with_transcript().select_related("speaker", "answers__speaker"),
    )
    page = paginate(request, turns, SPEAKER_TURNS_PER_PAGE)
    months, undated = tallies.by_month(spoken_in)
    context = {
        "speaker": speaker,
        "chart": timeline(months, search_link(speaker=speaker.slug), undated=undated),
        "labels": [label.label for label in speaker.labels.all()],
        "transcripts": transcripts,
        "transcript_count": len(spoken_in),
        "page_obj": page,
        "turns": page.object_list,
    }
    return render(request, "archive/speaker_detail.html", context)
