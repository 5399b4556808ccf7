"""Turn counts by speaker and by topic, kept per transcript for the reading pages.

A speaker page, a topic page and the lists of both need how many turns each speaker or
topic has, when they were said, and which transcripts hold them (each tally carries its
transcript's date for that). Counted from the turns,
that is work for every turn of the busiest speaker (a hundred thousand in a million-turn
archive) on every page view. Counted once per transcript (``SpeakerTally``, ``TopicTally``),
it is work for each transcript they speak in, a few thousand rows at most.

A transcript's tallies are a function of its live turns alone, and are written afresh by
``recount`` in the transaction that changes those turns:
- writes of many turns at once (ingest, merging speakers, retagging) call
  ``pending.request_index``, which lists the change for the search and recounts;
- a turn saved or deleted one at a time, or its topics changed through the relation, and a
  transcript saved with another date (the admin, a shell, a test), are recounted by the
  signals ``connect_signals`` registers;
- deleting a transcript, a speaker or a topic removes (or, for a speaker's topic tallies,
  unnames) their rows by cascade.
``differences`` and ``recount_all`` check and repair the whole archive
(``manage.py check_search_index``).
"""

from __future__ import annotations

import datetime
import itertools
from bisect import bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connections, transaction
from django.db.models import Count, F, Q, Sum

# Transcript ids per statement; keeps IN lists well inside every backend's limits.
CHUNK = 500


def _models(apps=None):
    """(Turn, SpeakerTally, TopicTally): the current models, or a migration's historical ones."""
    if apps is None:
        from archive.models import SpeakerTally, TopicTally, Turn
    else:
        Turn, SpeakerTally, TopicTally = (apps.get_model("archive", name) for name in ("Turn", "SpeakerTally", "TopicTally"))
    return Turn, SpeakerTally, TopicTally


def counted(transcript_ids: list[int], apps=None, lock: bool = False) -> tuple[list, list]:
    """What the tallies of these transcripts should be, from their live turns and dates:
    ``([(transcript, speaker, turns, day)], [(transcript, topic, speaker, turns, day)])``.

    With ``lock`` the transcripts' rows are locked first (in a transaction), so that two
    recounts of one transcript take turns rather than both inserting its tallies.
    """
    Turn, _, _ = _models(apps)
    Transcript = Turn._meta.get_field("transcript").related_model
    transcripts = Transcript.objects.filter(pk__in=transcript_ids).order_by("pk")
    if lock:
        transcripts = transcripts.select_for_update()
    days = dict(transcripts.values_list("pk", "date"))
    live = Turn.objects.filter(transcript_id__in=transcript_ids, position__isnull=False)
    speakers = (
        live.filter(speaker__isnull=False)
        .values_list("transcript_id", "speaker_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    topics = (
        Turn.topics.through.objects.filter(turn__transcript_id__in=transcript_ids, turn__position__isnull=False)
        .values_list("turn__transcript_id", "topic_id", "turn__speaker_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(*row, days[row[0]]) for row in speakers], [(*row, days[row[0]]) for row in topics]


def recount(transcript_ids: Iterable[int], apps=None) -> None:
    """Write the tallies of these transcripts afresh from their live turns (a transcript
    that no longer exists keeps none). Call in the transaction that changed the turns,
    after the change."""
    ids = sorted({int(pk) for pk in transcript_ids if pk is not None})
    _, SpeakerTally, TopicTally = _models(apps)
    with transaction.atomic():
        _recount(ids, SpeakerTally, TopicTally, apps)


def _recount(ids, SpeakerTally, TopicTally, apps) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        speakers, topics = counted(chunk, apps, lock=True)
        SpeakerTally.objects.filter(transcript_id__in=chunk).delete()
        TopicTally.objects.filter(transcript_id__in=chunk).delete()
        SpeakerTally.objects.bulk_create(
            [SpeakerTally(transcript_id=t, speaker_id=s, turns=n, day=day) for t, s, n, day in speakers],
            batch_size=1000,
        )
        TopicTally.objects.bulk_create(
            [
                TopicTally(transcript_id=t, topic_id=topic, speaker_id=s, turns=n, day=day)
                for t, topic, s, n, day in topics
            ],
            batch_size=1000,
        )


def recount_all(apps=None) -> None:
    """Write every transcript's tallies afresh (the migration that adds them; a repair)."""
    Turn, SpeakerTally, TopicTally = _models(apps)
    Transcript = Turn._meta.get_field("transcript").related_model
    # Rows of transcripts that no longer exist cannot remain (cascade), but a repair is thorough.
    SpeakerTally.objects.exclude(transcript__in=Transcript.objects.all()).delete()
    TopicTally.objects.exclude(transcript__in=Transcript.objects.all()).delete()
    recount(Transcript.objects.order_by("pk").values_list("pk", flat=True).iterator(), apps)


def differences() -> list[int]:
    """Transcripts whose stored tallies differ from their live turns (empty when all agree)."""
    from archive.models import SpeakerTally, TopicTally, Transcript

    differing = []
    ids = list(Transcript.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        speakers, topics = counted(chunk)
        stored_speakers = SpeakerTally.objects.filter(transcript_id__in=chunk).values_list(
            "transcript_id", "speaker_id", "turns", "day"
        )
        # A deleted speaker may leave a topic's rows unnamed and split: compare the sums.
        stored_topics = (
            TopicTally.objects.filter(transcript_id__in=chunk)
            .values_list("transcript_id", "topic_id", "speaker_id")
            .annotate(n=Sum("turns"))
            .values_list("transcript_id", "topic_id", "speaker_id", "n", "day")
            .order_by()
        )
        for wanted, stored in ((speakers, stored_speakers), (topics, stored_topics)):
            differing += {row[0] for row in set(wanted) ^ set(stored)}
    return sorted(set(differing))


# -- turns changed one at a time -------------------------------------------------------------


def _turn_saved_or_deleted(sender, instance, **kwargs):
    if not kwargs.get("raw"):  # loading a fixture: its tallies come with it
        recount([instance.transcript_id])


def _turn_topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from archive.models import Turn

    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            recount([instance.transcript_id])
        return
    # A topic's turns changed: recount the transcripts of those turns (all of them on a clear,
    # which must be read before the links go).
    if action == "pre_clear":
        instance._tally_transcripts = set(instance.turns.values_list("transcript_id", flat=True))
    elif action == "post_clear":
        recount(getattr(instance, "_tally_transcripts", ()))
    elif action in ("post_add", "post_remove"):
        recount(Turn.objects.filter(pk__in=pk_set).values_list("transcript_id", flat=True).distinct())


def _transcript_saved(sender, instance, created, raw=False, **kwargs):
    """A transcript's new date moves its turns in every chart and list: recount it."""
    from archive.models import SpeakerTally, TopicTally

    if created or raw:
        return
    if any(model.objects.filter(transcript=instance).exclude(day=instance.date).exists() for model in (SpeakerTally, TopicTally)):
        recount([instance.pk])


def connect_signals() -> None:
    """Recount a transcript when one of its turns is saved, deleted or retagged one at a time
    (``ArchiveConfig.ready``)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from archive.models import Transcript, Turn

    post_save.connect(_transcript_saved, sender=Transcript, dispatch_uid="tallies-transcript-saved")
    post_save.connect(_turn_saved_or_deleted, sender=Turn, dispatch_uid="tallies-turn-saved")
    post_delete.connect(_turn_saved_or_deleted, sender=Turn, dispatch_uid="tallies-turn-deleted")
    m2m_changed.connect(_turn_topics_changed, sender=Turn.topics.through, dispatch_uid="tallies-turn-topics")


# -- reading ----------------------------------------------------------------------------------


# The order of a speaker's or a topic's turns: newest transcript first (undated last; on one
# day, the later stored first), and each transcript's turns in order. The tallies' own copy of
# the day serves it from their index, without reading a transcript.
TRANSCRIPT_ORDER = [F("day").desc(nulls_last=True), F("transcript_id").desc()]
TURN_ORDER = [F("transcript__date").desc(nulls_last=True), F("transcript_id").desc(), "position"]


class TranscriptTurns(NamedTuple):
    """How many of the listed turns one transcript holds, with its day as the database gives
    it (a date, or on SQLite its ISO text): the month is all a page needs of it."""

    transcript_id: int
    turns: int
    day: datetime.date | str | None


def _as_stored(queryset) -> list[tuple]:
    """The rows of ``queryset`` as the database driver gives them, without Django converting
    each value (parsing a date from text on SQLite). A busy topic is spoken of in nearly
    every transcript, and its page reads all their rows: conversion was a third of its time."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class TurnsInTranscriptOrder:
    """The turns of many transcripts as one list a ``Paginator`` can page through, in the
    order of ``transcripts`` (each transcript's turns by position), with the count known.

    A page is read from only the transcripts it overlaps, found from the running total of
    their counts: the database never sorts the whole list, whatever the page number.
    ``turns`` is the queryset of the listed turns (a speaker's, a topic's).
    """

    def __init__(self, transcripts: list[TranscriptTurns], turns, order: list = TURN_ORDER):
        self.transcripts = transcripts
        self.turns = turns
        self.order = order
        self.ends = list(itertools.accumulate(t.turns for t in transcripts))

    def count(self) -> int:
        return self.ends[-1] if self.ends else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice) or window.step not in (None, 1):
            raise TypeError("Only a run of turns can be read.")
        start, stop, _ = window.indices(self.count())
        if start >= stop:
            return []
        first = bisect_right(self.ends, start)
        last = min(bisect_right(self.ends, stop - 1), len(self.ends) - 1)
        ids = [t.transcript_id for t in self.transcripts[first : last + 1]]
        before = self.ends[first - 1] if first else 0
        offset = start - before
        return list(self.turns.filter(transcript_id__in=ids).order_by(*self.order)[offset : offset + stop - start])


def by_month(transcripts: list[TranscriptTurns]) -> tuple[dict[str, int], int]:
    """``({"2026-07": n, …}, undated)``: how many of the turns were said in each month."""
    months: dict[str, int] = {}
    undated = 0
    for item in transcripts:
        if item.day is None:
            undated += item.turns
        else:
            key = str(item.day)[:7]  # "2026-07" of a date and of its ISO text alike
            months[key] = months.get(key, 0) + item.turns
    return months, undated


def speaker_transcripts(speaker) -> list[TranscriptTurns]:
    """Every transcript ``speaker`` has live turns in, in ``TRANSCRIPT_ORDER``, with how many
    (one query)."""
    from archive.models import SpeakerTally

    rows = SpeakerTally.objects.filter(speaker=speaker).order_by(*TRANSCRIPT_ORDER)
    return list(map(TranscriptTurns._make, _as_stored(rows.values_list("transcript_id", "turns", "day"))))


def topic_transcripts(topic) -> list[TranscriptTurns]:
    """Every transcript with live turns about ``topic``, in ``TRANSCRIPT_ORDER``, with how many
    (one query)."""
    from archive.models import TopicTally

    rows = (
        TopicTally.objects.filter(topic=topic)
        .values_list("day", "transcript_id")
        .annotate(n=Sum("turns"))
        .order_by(*TRANSCRIPT_ORDER)
        .values_list("transcript_id", "n", "day")
    )
    return list(map(TranscriptTurns._make, _as_stored(rows)))


def topic_speakers(topic) -> list[dict]:
    """Who speaks about ``topic``: slug, name, kind and turns, most turns first (two queries)."""
    from archive.models import Speaker, TopicTally

    counts = dict(
        TopicTally.objects.filter(topic=topic, speaker__isnull=False)
        .values_list("speaker_id")
        .annotate(n=Sum("turns"))
        .order_by()
    )
    speakers = Speaker.objects.filter(pk__in=counts).only("slug", "name", "kind")
    rows = [
        {"speaker__slug": s.slug, "speaker__name": s.name, "speaker__kind": s.kind, "count": counts[s.pk]}
        for s in speakers
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["speaker__name"]))


def speakers_with_counts(queryset=None):
    """Speakers annotated with ``turn_count`` and ``transcript_count`` (live turns), only
    those who still speak in a stored transcript."""
    from archive.models import Speaker

    queryset = Speaker.objects.all() if queryset is None else queryset
    return queryset.annotate(turn_count=Sum("tallies__turns"), transcript_count=Count("tallies")).filter(
        turn_count__gt=0
    )


def topics_with_counts(queryset=None):
    """Topics annotated with ``turn_count``, the live turns about them (0 for none)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from archive.models import Topic, TopicTally

    # Summed topic by topic from the tallies' index: a join and GROUP BY over every tally
    # took twice as long.
    total = TopicTally.objects.filter(topic=OuterRef("pk")).order_by().values("topic").annotate(n=Sum("turns"))
    queryset = Topic.objects.all() if queryset is None else queryset
    return queryset.annotate(turn_count=Coalesce(Subquery(total.values("n")), 0))


def speaks_somewhere():
    """A filter for speakers with a live turn in a stored transcript."""
    from django.db.models import Exists, OuterRef

    from archive.models import SpeakerTally

    return Q(Exists(SpeakerTally.objects.filter(speaker=OuterRef("pk"))))
