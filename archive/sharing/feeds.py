"""Atom feeds: newest transcripts, a speaker's, a topic's, and a saved search (an alert).

A feed instance serves every request, so nothing request-specific is kept on it: the
object a feed gets is a ``Scope`` carrying the origin and the filter, and items are plain
``Entry`` values built with absolute links.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from archive import citations
from archive.models import Speaker, Topic, TopicTally, Transcript, Turn
from archive.speakers.addresses import moved_speaker_redirect

FEED_ITEMS = 30
# How many of a search's newest matches the search feed looks at to find the latest added.
SEARCH_WINDOW = 200
SUMMARY_CHARS = 400


@dataclass
class Scope:
    root: str
    title: str
    link: str
    feed_url: str
    feed_id: str = ""
    subtitle: str = ""
    entries: list = field(default_factory=list)


@dataclass
class Entry:
    title: str
    link: str
    guid: str
    summary: str
    published: datetime.datetime
    updated: datetime.datetime
    author: str = ""
    categories: tuple = ()


def _tag(kind, pk):
    """A permanent entry id that survives slug corrections and a change of address.

    Built from ``ARCHIVE_BASE_URL``, never from the request: an entry reached through
    another host name is still the same entry to a feed reader.
    """
    host = urlsplit(settings.ARCHIVE_BASE_URL or "").hostname or "localhost"
    return f"tag:{host},2024:{kind}/{pk}"


def _aware(value):
    if value is None:
        return None
    if timezone.is_naive(value):
        return timezone.make_aware(value, datetime.timezone.utc)
    return value


def _transcript_summary(transcript, people):
    bits = []
    if transcript.kind != Transcript.Kind.OTHER:
        bits.append(transcript.get_kind_display())
    if people:
        bits.append("with " + ", ".join(people))
    text = " ".join(bits) or "Transcript"
    where = ", ".join(p for p in (transcript.program, transcript.outlet, transcript.location) if p)
    if where:
        text += f" ({where})"
    text += ", " + (citations.long_date(transcript.date) if transcript.date else "date unknown") + "."
    return text


def transcript_entries(transcripts, root, *, extra=None):
    """Entries for transcripts; ``extra`` maps a transcript id to a line added to its summary."""
    transcripts = list(transcripts)
    rows = (
        Turn.objects.live()
        .filter(transcript__in=[t.pk for t in transcripts], speaker__kind=Speaker.Kind.PERSON)
        .values("transcript_id", "speaker__name")
        .annotate(n=Count("id"), answering=Count("id", filter=Q(answers__isnull=False)))
        .order_by("transcript_id", "-n", "speaker__name")
    )
    speaking = {}
    for row in rows:
        speaking.setdefault(row["transcript_id"], []).append(row)
    people = {}
    for transcript_id, found in speaking.items():
        # Where questions were linked to answers, the people are those who answer; the
        # interviewer who only asks is not who a reader follows.
        answering = [row for row in found if row["answering"]]
        people[transcript_id] = [row["speaker__name"] for row in (answering or found)]
    entries = []
    for transcript in transcripts:
        summary = _transcript_summary(transcript, people.get(transcript.pk, [])[:4])
        if extra and extra.get(transcript.pk):
            summary += "\n\n" + extra[transcript.pk]
        entries.append(
            Entry(
                title=transcript.title,
                link=citations.absolute(transcript.get_absolute_url(), root),
                guid=_tag("transcript", transcript.pk),
                summary=summary,
                published=_aware(transcript.created),
                updated=_aware(transcript.modified),
                author=", ".join(people.get(transcript.pk, [])[:4]),
                categories=(transcript.get_kind_display(),),
            )
        )
    return entries


def turn_entries(turns, root):
    entries = []
    for turn in turns:
        transcript = turn.transcript
        date = citations.long_date(transcript.date) if transcript.date else "date unknown"
        entries.append(
            Entry(
                title=f"{turn.display_speaker}: {citations.short_quote(citations.turn_text(turn), 90)}",
                link=citations.absolute(turn.get_absolute_url(), root),
                guid=_tag("turn", turn.pk),
                summary=f"“{citations.short_quote(citations.turn_text(turn), SUMMARY_CHARS)}”\n\n"
                f"— {turn.display_speaker}, {transcript.title}, {date}.",
                published=_aware(turn.created),
                updated=_aware(turn.modified),
                # A role ("Question") is no author; the feed's own author stands instead.
                author=turn.speaker.name if turn.speaker_id and turn.speaker.kind == Speaker.Kind.PERSON else "",
            )
        )
    return entries


class ArchiveFeed(Feed):
    """Common ground: Atom, absolute links from ``site_root``, items from the scope."""

    feed_type = Atom1Feed
    speaker_in_path = False  # the path's slug names a speaker (a speaker's feed)

    def __call__(self, request, *args, **kwargs):
        # A saved search or a speaker's feed naming a speaker merged since follows them.
        moved = moved_speaker_redirect(request, kwargs.get("slug") if self.speaker_in_path else None)
        if moved:
            return moved
        try:
            return super().__call__(request, *args, **kwargs)
        except (ValueError, TypeError) as error:
            # Filters that cannot be read are the reader's typo, not our failure.
            raise Http404(str(error)) from error

    def scope(self, request, root, **kwargs):
        raise NotImplementedError

    def get_object(self, request, **kwargs):
        return self.scope(request, citations.site_root(request), **kwargs)

    def title(self, scope):
        return scope.title

    def subtitle(self, scope):
        return scope.subtitle

    def link(self, scope):
        return scope.link

    def feed_url(self, scope):
        return scope.feed_url

    def feed_guid(self, scope):
        return scope.feed_id or scope.feed_url

    def author_name(self):
        return settings.ARCHIVE_NAME

    def items(self, scope):
        return scope.entries

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        return item.categories


def _scope(request, root, title, link_path, subtitle=""):
    return Scope(
        root=root,
        title=f"{title} · {settings.ARCHIVE_NAME}",
        link=citations.absolute(link_path, root),
        feed_url=citations.absolute(request.get_full_path(), root),
        feed_id=_tag("feed", request.get_full_path().lstrip("/")),
        subtitle=subtitle,
    )


class NewestTranscriptsFeed(ArchiveFeed):
    """The transcripts most recently added to the archive."""

    def scope(self, request, root):
        scope = _scope(request, root, "Newest transcripts", reverse("transcript_list"),
                       "Transcripts as they are added to the archive.")
        transcripts = Transcript.objects.order_by("-created", "-pk")[:FEED_ITEMS]
        scope.entries = transcript_entries(transcripts, root)
        return scope


class SpeakerFeed(ArchiveFeed):
    """Transcripts in which one speaker speaks, newest added first."""

    speaker_in_path = True

    def scope(self, request, root, slug):
        speaker = get_object_or_404(Speaker, slug=slug)
        scope = _scope(request, root, f"{speaker.name}: new transcripts", speaker.get_absolute_url(),
                       f"Transcripts in which {speaker.name} speaks, as they are added to the archive.")
        transcripts = (
            Transcript.objects.filter(speaker_tallies__speaker=speaker).order_by("-created", "-pk")[:FEED_ITEMS]
        )
        transcripts = list(transcripts)
        extra = {}
        first_turns = (
            Turn.objects.by_speaker(speaker)
            .filter(transcript__in=[t.pk for t in transcripts])
            .order_by("transcript_id", "position")
        )
        for turn in first_turns:
            if turn.transcript_id not in extra:
                extra[turn.transcript_id] = f"“{citations.short_quote(citations.turn_text(turn), 300)}”"
        scope.entries = transcript_entries(transcripts, root, extra=extra)
        return scope


class TopicFeed(ArchiveFeed):
    """Transcripts that discuss one topic, newest added first."""

    def scope(self, request, root, slug):
        topic = get_object_or_404(Topic, slug=slug)
        try:
            link = topic.get_absolute_url()
        except Exception:  # noqa: BLE001 - the topic pages may not be routed in every deployment
            link = reverse("transcript_list")
        scope = _scope(request, root, f"{topic.name}: new transcripts", link,
                       f"Transcripts that discuss {topic.name}, as they are added to the archive.")
        transcripts = list(
            Transcript.objects.filter(Exists(TopicTally.objects.filter(topic=topic, transcript=OuterRef("pk"))))
            .order_by("-created", "-pk")[:FEED_ITEMS]
        )
        extra = {}
        for turn in (
            Turn.objects.live()
            .filter(topics=topic, transcript__in=[t.pk for t in transcripts])
            .select_related("speaker")
            .order_by("transcript_id", "position")
        ):
            if turn.transcript_id not in extra:
                extra[turn.transcript_id] = (
                    f"{turn.display_speaker}: “{citations.short_quote(citations.turn_text(turn), 300)}”"
                )
        scope.entries = transcript_entries(transcripts, root, extra=extra)
        return scope


class SearchFeed(ArchiveFeed):
    """A saved search: the newest answers that match it. Subscribing to it is an alert."""

    def scope(self, request, root):
        from archive.sharing.exports import search_turns

        query = request.GET.get("q", "").strip()
        label = f"Search: {query}" if query else "Search: all answers"
        params = request.GET.copy()
        params["sort"] = "added"
        params.pop("page", None)
        link = reverse("search") + "?" + params.urlencode()
        scope = _scope(request, root, label, link, "New answers matching this search, newest first.")
        # An alert is about what arrived lately, whatever the date of the event (an old
        # transcript added today is news to a subscriber): the search orders by transcript
        # added, and the window is ordered by when each answer arrived.
        turns = search_turns(params, limit=SEARCH_WINDOW, sort="added")
        turns.sort(key=lambda turn: (turn.created, turn.pk), reverse=True)
        scope.entries = turn_entries(turns[:FEED_ITEMS], root)
        return scope
