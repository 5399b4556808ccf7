"""Where staff correct what ingest got wrong: metadata, speakers, turn text, topics.

Work that must follow an edit (such as updating the search index) belongs in each admin's
save_model/delete_model (and delete_queryset for the bulk delete action).
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from archive.models import SlugRedirect, Speaker, SpeakerLabel, Topic, Transcript, Turn, TurnRevision
from archive.search import hooks as search_hooks
from archive.topics import tag_turns


class SlugRedirectInline(admin.TabularInline):
    model = SlugRedirect
    extra = 0
    fields = ["old_slug", "created"]
    readonly_fields = ["created"]
    verbose_name = "old address"
    verbose_name_plural = "old addresses (they redirect here)"


class TranscriptForm(forms.ModelForm):
    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        taken = SlugRedirect.objects.filter(old_slug=slug).exclude(transcript=self.instance.pk).first()
        if taken is not None:
            # Reusing it would silently send old citations of that transcript here.
            raise forms.ValidationError(
                f"This address used to belong to “{taken.transcript}” and still leads there. Choose another."
            )
        return slug


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    form = TranscriptForm
    list_display = ["title", "date", "kind", "location", "source_name", "turn_count", "turns_link"]
    list_filter = ["kind", ("date", admin.DateFieldListFilter), "source_name"]
    search_fields = ["title", "slug", "location", "venue", "outlet", "program", "source_url"]
    date_hierarchy = "date"
    readonly_fields = ["turns_link", "content_hash", "source_key", "raw_text", "created", "modified"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "kind", "turns_link"]}),
        ("Where", {"fields": ["location", "venue"]}),
        ("Source", {"fields": ["source_name", "source_url", "outlet", "program"]}),
        (
            "Provenance",
            {"classes": ["collapse"], "fields": ["source_key", "content_hash", "created", "modified", "raw_text"]},
        ),
    ]
    inlines = [SlugRedirectInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        # Transcripts come from `manage.py ingest`, which keeps the raw text and source key.
        return False

    def get_queryset(self, request):
        # Aggregating drops the model's default ordering; autocomplete pages need one.
        return (
            super()
            .get_queryset(request)
            .annotate(live_turn_count=Count("turns", filter=Q(turns__position__isnull=False)))
            .newest_first()
        )

    @admin.display(description="turns", ordering="live_turn_count")
    def turn_count(self, obj):
        return getattr(obj, "live_turn_count", None)

    @admin.display(description="Turns")
    def turns_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:archive_turn_changelist") + f"?transcript__id__exact={obj.pk}"
        return format_html('<a href="{}">Edit the turns of this transcript</a>', url)

    def save_model(self, request, obj, form, change):
        # Transcript.save() itself records a changed slug in SlugRedirect, so renames made
        # anywhere else (ingest, shell) keep old addresses working too.
        super().save_model(request, obj, form, change)
        search_hooks.transcripts_changed([obj.pk])

    def delete_model(self, request, obj):
        search_hooks.transcripts_deleted([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        search_hooks.transcripts_deleted(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)


class SpeakerLabelInline(admin.TabularInline):
    model = SpeakerLabel
    extra = 1


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "kind", "slug", "turn_count"]
    list_filter = ["kind"]
    search_fields = ["name", "title", "slug", "labels__label"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "modified"]
    inlines = [SpeakerLabelInline]

    def get_queryset(self, request):
        # Aggregating drops the model's default ordering; autocomplete pages need one.
        return (
            super()
            .get_queryset(request)
            .annotate(live_turn_count=Count("turns", filter=Q(turns__position__isnull=False)))
            .order_by("kind", "name")
        )

    @admin.display(description="turns", ordering="live_turn_count")
    def turn_count(self, obj):
        return getattr(obj, "live_turn_count", None)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The index holds each turn's speaker name and slug.
        search_hooks.speakers_changed([obj.pk])

    def delete_model(self, request, obj):
        search_hooks.speakers_changed([obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        search_hooks.speakers_changed(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)


class TurnRevisionInline(admin.TabularInline):
    """Earlier wordings are history: shown, never edited here."""

    model = TurnRevision
    extra = 0
    fields = ["replaced", "speaker_label", "text", "notes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = ["number", "position", "transcript", "speaker_display", "excerpt", "withdrawn"]
    list_display_links = ["number", "excerpt"]
    list_filter = [
        "transcript",
        ("withdrawn", admin.EmptyFieldListFilter),
        "speaker__kind",
    ]
    list_select_related = ["transcript", "speaker"]
    search_fields = ["text", "speaker_label", "speaker__name", "transcript__title", "transcript__slug"]
    autocomplete_fields = ["speaker", "topics"]
    raw_id_fields = ["answers"]
    ordering = ["transcript", "position", "number"]
    # Where a turn sits and its permanent number are set by ingest; changing them here
    # would break addresses that are already cited.
    readonly_fields = ["transcript", "number", "position", "withdrawn", "created", "modified"]
    fields = [
        "transcript", "number", "position", "withdrawn",
        "speaker", "speaker_label", "text", "notes", "answers", "topics", "topics_by_hand",
        "created", "modified",
    ]
    inlines = [TurnRevisionInline]

    def has_add_permission(self, request):
        # Turns come from ingest; a turn added by hand would have no number or position.
        return False

    @admin.display(description="speaker", ordering="speaker__name")
    def speaker_display(self, obj):
        return obj.display_speaker

    @admin.display(description="text")
    def excerpt(self, obj):
        return Truncator(obj.text).chars(90)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Runs after commit, so the topics saved with the form are indexed too.
        search_hooks.transcripts_changed([obj.transcript_id])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        turn, changed = form.instance, set(form.changed_data)
        # Topics chosen here are the staff's decision: automatic tagging leaves them alone from
        # now on (unless the same edit says otherwise through the box itself).
        if "topics" in changed and "topics_by_hand" not in changed and not turn.topics_by_hand:
            turn.topics_by_hand = True
            Turn.objects.filter(pk=turn.pk).update(topics_by_hand=True)
        # Otherwise corrected words, or the box unticked, mean tagging from the words again.
        if not turn.topics_by_hand and changed & {"text", "topics_by_hand"}:
            tag_turns([turn])

    def delete_model(self, request, obj):
        search_hooks.transcripts_changed([obj.transcript_id])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        search_hooks.transcripts_changed(set(queryset.values_list("transcript_id", flat=True)))
        super().delete_queryset(request, queryset)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # New or changed aliases are applied to every turn, then the index follows.
        search_hooks.topics_changed([obj.pk])

    def delete_model(self, request, obj):
        search_hooks.topics_changed([obj.pk], retag=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        search_hooks.topics_changed(list(queryset.values_list("pk", flat=True)), retag=False)
        super().delete_queryset(request, queryset)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "transcript", "created"]
    search_fields = ["old_slug", "transcript__title", "transcript__slug"]
    autocomplete_fields = ["transcript"]
    list_select_related = ["transcript"]
