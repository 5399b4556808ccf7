"""What the archive stores: transcripts, the speakers in them, their turns, and topics."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import Truncator


class KeepsOldSlugs(models.Model):
    """A model whose address is its slug: renaming it leaves the old address answering.

    save() calls ``record_old_slug(old_slug)`` whenever a loaded object's slug changes (admin,
    ingest, shell), in the same transaction, so old citations and links keep working.
    """

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember the slug as loaded, so save() can tell that the address changed.
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance

    def save(self, *args, **kwargs):
        old_slug = getattr(self, "_loaded_slug", None)
        if old_slug and old_slug != self.slug:
            with transaction.atomic(using=kwargs.get("using")):
                super().save(*args, **kwargs)
                self.record_old_slug(old_slug)
        else:
            super().save(*args, **kwargs)
        self._loaded_slug = self.slug

    def record_old_slug(self, old_slug):
        raise NotImplementedError


class Speaker(KeepsOldSlugs):
    """A named person, or a role that is never merged into a person ("Question", "Moderator")."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ROLE = "role", "Role"

    name = models.CharField(max_length=200, help_text='Display name, e.g. "Antony J. Blinken" or "Moderator".')
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(
        max_length=300, blank=True, help_text='Office or affiliation where known, e.g. "Secretary of State".'
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERSON)
    # A person's name in parts, as citations and the API need it. A name known only from a
    # label ("MR. FERNÁNDEZ HERNÁNDEZ") has a family name and an honorific and no given name.
    given_name = models.CharField(max_length=200, blank=True, help_text='e.g. "Antony J."')
    family_name = models.CharField(
        max_length=200, blank=True, help_text='With its particles and every part of a compound name, e.g. "de la Cruz".'
    )
    name_suffix = models.CharField(max_length=20, blank=True, help_text='e.g. "Jr."')
    honorific = models.CharField(
        max_length=40, blank=True, help_text='How a label named someone whose given name is unknown, e.g. "Mr."'
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "name"], name="speaker_kind_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("speaker_detail", kwargs={"slug": self.slug})

    @property
    def is_role(self):
        return self.kind == self.Kind.ROLE

    def record_old_slug(self, old_slug):
        """Make ``old_slug`` answer with a permanent redirect to this speaker."""
        # The current slug is live again (a rename undone): it must not point elsewhere.
        SpeakerRedirect.objects.filter(old_slug=self.slug).delete()
        SpeakerRedirect.objects.update_or_create(old_slug=old_slug, defaults={"speaker": self})


class SpeakerRedirect(models.Model):
    """The address of a speaker merged into another; it answers with a permanent redirect."""

    old_slug = models.SlugField(max_length=200, unique=True)
    # The merged speaker's name: ingest that resolves a label to this name again finds the kept speaker.
    old_name = models.CharField(max_length=200, blank=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="old_slugs")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.speaker.slug}"


class SpeakerLabel(models.Model):
    """A label a speaker was printed under ("SECRETARY BLINKEN", "Secretary Blinken")."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="labels")
    label = models.CharField(max_length=200)
    pinned = models.BooleanField(
        default=False,
        help_text="Staff gave this label to this speaker by hand (a merge or a split): ingest follows it.",
    )

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["speaker", "label"], name="speakerlabel_unique_per_speaker")]

    def __str__(self):
        return self.label


class TranscriptQuerySet(models.QuerySet):
    def newest_first(self):
        # Transcripts of unknown date sort after dated ones.
        return self.order_by(models.F("date").desc(nulls_last=True), "-created")

    def with_turn_counts(self, speaker=None, name="turn_count"):
        """Count each transcript's live turns (only ``speaker``'s when given) as ``name``.

        A correlated subquery, not a join and GROUP BY: grouping by the transcript's columns
        would carry every stored raw text through the sort, which made list pages take
        seconds once one large transcript was stored. The raw text is not loaded either.
        """
        turns = Turn.objects.filter(transcript=models.OuterRef("pk"), position__isnull=False)
        if speaker is not None:
            turns = turns.filter(speaker=speaker)
        counted = turns.order_by().values("transcript").annotate(n=Count("pk")).values("n")
        return self.defer("raw_text").annotate(**{name: Coalesce(models.Subquery(counted), 0)})

    def spoken_in_by(self, speaker):
        """Transcripts where ``speaker`` has live turns, with that count as ``speaker_turns``
        (from the speaker's tallies, one per transcript, so the join repeats none)."""
        return (
            self.defer("raw_text")
            .filter(speaker_tallies__speaker=speaker)
            .annotate(speaker_turns=models.F("speaker_tallies__turns"))
        )


class Transcript(KeepsOldSlugs):
    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Interview"
        PRESS_BRIEFING = "press-briefing", "Press briefing"
        PRESS_AVAILABILITY = "press-availability", "Press availability"
        REMARKS = "remarks", "Remarks"
        OTHER = "other", "Other"

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    date = models.DateField(null=True, blank=True, help_text="Date of the event; empty when the source does not say.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    location = models.CharField(max_length=300, blank=True, help_text='Place, e.g. "Athens, Greece".')
    venue = models.CharField(max_length=300, blank=True, help_text='Building or setting, e.g. "Oval Office".')
    source_name = models.CharField(
        max_length=200, blank=True, help_text='Who published the transcript, e.g. "U.S. Department of State".'
    )
    source_url = models.URLField(max_length=1000, blank=True)
    outlet = models.CharField(max_length=200, blank=True, help_text='News organisation of an interview, e.g. "CNN".')
    program = models.CharField(max_length=200, blank=True, help_text='Programme of an interview, e.g. "State of the Union".')
    raw_text = models.TextField(help_text="The text exactly as ingested, kept for provenance.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the raw text; unchanged input is skipped.")
    # A publisher may serve one release under one address in two versions (a re-post with
    # another date line). Each version ever ingested is remembered, so that re-ingesting a
    # folder holding both keeps the stored one instead of swapping them on every run.
    version_hashes = models.JSONField(
        default=list, blank=True, help_text="SHA-256 of every version of the raw text ingested for this source."
    )
    source_key = models.CharField(
        max_length=1000,
        unique=True,
        help_text="Identifies the source across re-ingests: its URL, or its date and title.",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "-created"]
        indexes = [
            models.Index(fields=["date"], name="transcript_date_idx"),
            models.Index(fields=["kind", "date"], name="transcript_kind_date_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("transcript_detail", kwargs={"slug": self.slug})

    def live_turns(self):
        return self.turns.live()

    def record_old_slug(self, old_slug):
        """Make ``old_slug`` answer with a permanent redirect to this transcript.

        Called by save() whenever a loaded transcript's slug changes (admin, ingest, shell),
        so every path that renames a transcript keeps old citations working.
        """
        if not old_slug or old_slug == self.slug:
            return
        # The current slug is live again (a rename undone): it must not point elsewhere.
        SlugRedirect.objects.filter(old_slug=self.slug).delete()
        SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"transcript": self})


class SlugRedirect(models.Model):
    """An address a transcript used to have; it answers with a permanent redirect."""

    old_slug = models.SlugField(max_length=200, unique=True)
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="old_slugs")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.transcript.slug}"


class Topic(models.Model):
    """A country, an organisation or a theme that turns are tagged with."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country or territory"
        ORGANISATION = "organisation", "International organisation"
        THEME = "theme", "Theme"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    aliases = models.TextField(
        blank=True,
        help_text="Words and phrases that mean this topic, one per line (names, adjectives, demonyms, capitals).",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topic_detail", kwargs={"slug": self.slug})

    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class TurnQuerySet(models.QuerySet):
    def live(self):
        """Turns that are part of their transcript now (not withdrawn by a correction)."""
        return self.filter(position__isnull=False)

    def by_speaker(self, speaker):
        return self.live().filter(speaker=speaker)

    def with_context(self):
        return self.with_transcript().select_related("speaker", "answers", "answers__speaker")

    def with_transcript(self):
        """Turns with their transcript's fields, but not its raw text: a listing of turns
        from one large transcript would otherwise read its text once per turn."""
        return self.select_related("transcript").defer("transcript__raw_text")


class SearchLexemesField(models.Field):
    """A turn's words as PostgreSQL full-text lexemes (``tsvector``), written by the PostgreSQL
    search engine in the transaction that changes the turn (``archive/search/postgres.py``).
    On other databases it is an unused, empty column."""

    description = "Full-text lexemes"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchTopicsField(models.Field):
    """The ids of a turn's topics (``integer[]``, NULL for none), written beside its lexemes by
    the PostgreSQL search engine, so that a search counts its matches' topics from the rows it
    has read already rather than joining every topic link in the archive. Unused elsewhere."""

    description = "Topic ids for the search"

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"


class TurnManager(models.Manager.from_queryset(TurnQuerySet)):
    def get_queryset(self):
        # The lexemes are as large as the text and only the search engine reads them, in SQL.
        return super().get_queryset().defer("search_lexemes", "search_topics")


class Turn(models.Model):
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="turns")
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Order in the transcript, from 1. Empty when a corrected version no longer contains the turn.",
    )
    number = models.PositiveIntegerField(
        help_text="The turn's permanent address within its transcript: given at first ingest, never reused."
    )
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="turns")
    speaker_label = models.CharField(max_length=200, blank=True, help_text="The label exactly as printed.")
    text = models.TextField(help_text="The words as printed, paragraphs separated by a blank line; notes in place.")
    notes = models.JSONField(
        default=list, blank=True, help_text='Stage directions printed in the turn, e.g. ["(Laughter.)"].'
    )
    answers = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_by",
        help_text="The question this turn answers.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="turns")
    topics_by_hand = models.BooleanField(
        default=False,
        help_text="Staff chose this turn's topics: tagging from the vocabulary (at ingest, on "
        "retag_topics, after a topic is edited) leaves them alone. Untick to tag it from its words again.",
    )
    withdrawn = models.DateTimeField(
        null=True, blank=True, help_text="When a corrected version of the transcript removed this turn."
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    search_lexemes = SearchLexemesField(null=True, blank=True, editable=False)
    search_topics = SearchTopicsField(null=True, blank=True, editable=False)

    objects = TurnManager()

    class Meta:
        ordering = ["transcript", "position"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "number"], name="turn_unique_number"),
            models.UniqueConstraint(fields=["transcript", "position"], name="turn_unique_position"),
        ]
        indexes = [models.Index(fields=["speaker", "transcript"], name="turn_speaker_idx")]

    def __str__(self):
        return f"{self.transcript} #{self.number}: {Truncator(self.text).words(12)}"

    def get_absolute_url(self):
        return reverse("turn_detail", kwargs={"slug": self.transcript.slug, "number": self.number})

    @property
    def anchor(self):
        return f"t{self.number}"

    @property
    def paragraphs(self):
        return [p for p in self.text.split("\n\n") if p.strip()]

    @property
    def display_speaker(self):
        """Who spoke, as a reader should see it: the resolved speaker, else the label."""
        if self.speaker_id:
            return self.speaker.name
        return self.speaker_label.title() if self.speaker_label else "Unattributed"

    @property
    def is_live(self):
        return self.position is not None


class TurnRevision(models.Model):
    """The words a turn showed before a corrected re-ingest changed them."""

    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="revisions")
    speaker_label = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    notes = models.JSONField(default=list, blank=True)
    replaced = models.DateTimeField(auto_now_add=True, help_text="When these words were replaced.")

    class Meta:
        ordering = ["turn", "-replaced"]

    def __str__(self):
        return f"Earlier text of {self.turn}"


class SpeakerTally(models.Model):
    """How many live turns a speaker has in one transcript.

    Speaker pages, lists and charts add these up instead of counting turns: a busy speaker
    has a hundred thousand turns but a few thousand tallies. ``archive/tallies.py`` writes a
    transcript's tallies afresh in the transaction that changes its turns.
    """

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="speaker_tallies")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="tallies")
    turns = models.PositiveIntegerField()
    # The transcript's date, copied so that a page sorts and charts without reading transcripts.
    day = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "transcript"], name="speakertally_unique_per_transcript")
        ]
        indexes = [models.Index(fields=["speaker", "day", "transcript", "turns"], name="speakertally_speaker_idx")]

    def __str__(self):
        return f"{self.speaker_id} in {self.transcript_id}: {self.turns}"


class TopicTally(models.Model):
    """How many live turns of one speaker (or of unresolved labels) in one transcript speak
    about a topic: what topic pages, lists and charts add up. Kept like ``SpeakerTally``.

    A deleted speaker leaves its rows with no speaker, so a transcript may briefly hold two
    rows for one topic and no speaker until it is counted again; every reader sums.
    """

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="topic_tallies")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tallies", db_index=False)
    speaker = models.ForeignKey(Speaker, null=True, on_delete=models.SET_NULL, related_name="topic_tallies")
    turns = models.PositiveIntegerField()
    day = models.DateField(null=True)  # as in SpeakerTally

    class Meta:
        # Covers every question a topic page and the topic list ask, without reading the rows.
        indexes = [models.Index(fields=["topic", "day", "transcript", "speaker", "turns"], name="topictally_topic_idx")]

    def __str__(self):
        return f"{self.topic_id} in {self.transcript_id} by {self.speaker_id}: {self.turns}"


class PendingIndexUpdate(models.Model):
    """A transcript whose search documents must be rewritten from the database.

    Written in the same transaction as the change it announces (an ingest, an admin edit, a
    delete), and removed only once the index holds the new state: whatever a crash, a kill
    or a full disk interrupts between the two is still listed, and the next ingest or start
    indexes it. The transcript is named by number, not by a foreign key, so that a deleted
    transcript's entry survives to have its documents removed.
    """

    transcript_id = models.BigIntegerField(db_index=True)
    requested = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Re-index transcript {self.transcript_id}"


def validate_pattern(value):
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(f"not a regular expression: {error}") from None


class Source(models.Model):
    """A publisher's feed or listing page that ``manage.py harvest`` keeps up with."""

    name = models.CharField(max_length=200, help_text='What staff call it, e.g. "State Department press releases".')
    url = models.URLField(
        max_length=1000, help_text="A feed (RSS, Atom, JSON feed records) or a listing page of transcripts."
    )
    publisher = models.CharField(
        max_length=200,
        blank=True,
        help_text='Stored as each harvested transcript\'s source, e.g. "U.S. Department of State"; '
        "empty: the page's own site name.",
    )
    link_pattern = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_pattern],
        help_text="For a listing page: a regular expression the addresses of its transcript pages match.",
    )
    every = models.DurationField(
        default=datetime.timedelta(hours=6),
        help_text="How often to harvest it (HH:MM:SS, or days HH:MM:SS); `manage.py harvest` runs the sources due.",
    )
    enabled = models.BooleanField(default=True, help_text="Untick to stop harvesting it without deleting it.")
    # What the last run learnt, sent back as a conditional request next time.
    etag = models.CharField(max_length=500, blank=True, help_text="The feed's ETag at the last run.")
    last_modified = models.CharField(max_length=100, blank=True, help_text="The feed's Last-Modified at the last run.")
    last_run = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=500, blank=True, help_text="The summary line of the last run.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["url"], name="source_url_unique")]

    def __str__(self):
        return self.name

    def is_due(self, now):
        return self.last_run is None or self.last_run + self.every <= now


class HarvestedItem(models.Model):
    """One address a feed or listing named: what became of it, and what to send next time."""

    class Status(models.TextChoices):
        INGESTED = "ingested", "Ingested"
        FAILED = "failed", "Failed (retried next run)"

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    feed_url = models.URLField(max_length=1000, help_text="The feed or listing that named it.")
    url = models.URLField(max_length=1000, help_text="The address the feed gives.")
    canonical_url = models.URLField(max_length=1000, blank=True, help_text="The address the page names as its own.")
    title = models.CharField(max_length=500, blank=True)
    date = models.DateField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Of the feed's entry; a change means news.")
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    transcript = models.ForeignKey(
        Transcript, null=True, blank=True, on_delete=models.SET_NULL, related_name="harvested_items"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INGESTED)
    error = models.TextField(blank=True, help_text="Why the last attempt failed.")
    failures = models.PositiveIntegerField(default=0, help_text="Failed attempts in a row.")
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(fields=["url"], name="harvested_item_url_unique")]
        indexes = [models.Index(fields=["feed_url", "status"], name="harvested_item_feed_idx")]

    def __str__(self):
        return self.title or self.url
