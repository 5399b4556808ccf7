"""Where staff correct what ingest got wrong: metadata, speakers, turn text, topics.

Work that must follow an edit (such as updating the search index) belongs in each admin's
save_model/delete_model (and delete_queryset for the bulk delete action). Merging speakers and
splitting a label off go through ``archive.speakers.curation``, which schedules its own re-index.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Max, Min, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from archive.models import (
    HarvestedItem,
    Source,
    SlugRedirect,
    Speaker,
    SpeakerLabel,
    SpeakerRedirect,
    Topic,
    Transcript,
    Turn,
    TurnRevision,
)
from archive.search import hooks as search_hooks
from archive.speakers import curation
from archive.topics import tag_turns

# The admin speaks with the archive's own name rather than "Django administration".
admin.site.site_header = f"{settings.ARCHIVE_NAME}: staff"
admin.site.site_title = settings.ARCHIVE_NAME
admin.site.index_title = "Transcripts, speakers and topics"


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
            .with_turn_counts(name="live_turn_count")
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


def counted(number, noun):
    """ "1 turn", "3 turns"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class SpeakerLabelInline(admin.TabularInline):
    model = SpeakerLabel
    extra = 1
    fields = ["label", "pinned", "split_link"]
    readonly_fields = ["split_link"]

    @admin.display(description="split off")
    def split_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:archive_speaker_split", args=[obj.speaker_id]) + "?" + urlencode({"label": obj.label})
        return format_html('<a href="{}">Give these turns to another speaker…</a>', url)


class SpeakerForm(forms.ModelForm):
    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        taken = SpeakerRedirect.objects.filter(old_slug=slug).exclude(speaker=self.instance.pk).first()
        if taken is not None:
            # The address of a speaker merged into another: reusing it would take its citations.
            raise forms.ValidationError(
                f"This address used to belong to “{taken.old_name or taken.old_slug}” and leads to “{taken.speaker}”. "
                "Choose another."
            )
        return slug


class MergeSpeakersForm(forms.Form):
    """Which of the selected speakers stays; the others are merged into it."""

    kept = forms.ModelChoiceField(queryset=Speaker.objects.none(), widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, speakers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].queryset = Speaker.objects.filter(pk__in=[s.pk for s in speakers])


class SplitLabelForm(forms.Form):
    """A label of one speaker, and who should have the turns printed under it."""

    label = forms.ChoiceField(label="Turns printed as", widget=forms.RadioSelect)
    into = forms.ModelChoiceField(
        queryset=Speaker.objects.none(),
        required=False,
        label="Give them to",
        help_text="An existing speaker; leave empty to make a new person named from the label.",
    )

    def __init__(self, *args, speaker, label_counts, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].choices = [
            (label, f"{label or '(no label)'} ({counted(count, 'turn')})") for label, count in label_counts
        ]
        # Thousands of speakers: search them as the turn form does rather than list them all.
        self.fields["into"].widget = AutocompleteSelect(Turn._meta.get_field("speaker"), admin_site)
        # Set after the widget, which takes its choices from the queryset.
        self.fields["into"].queryset = Speaker.objects.exclude(pk=speaker.pk)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    form = SpeakerForm
    list_display = ["name", "title", "kind", "slug", "turn_count"]
    list_filter = ["kind"]
    search_fields = ["name", "title", "slug", "labels__label"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["old_addresses", "split_link", "created", "modified"]
    inlines = [SpeakerLabelInline]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        # Aggregating drops the model's default ordering; autocomplete pages need one.
        return (
            super()
            .get_queryset(request)
            .annotate(live_turn_count=Count("turns", filter=Q(turns__position__isnull=False), distinct=True))
            .order_by("kind", "name")
        )

    def get_urls(self):
        split = path(
            "<path:object_id>/split/", self.admin_site.admin_view(self.split_view), name="archive_speaker_split"
        )
        return [split, *super().get_urls()]

    @admin.display(description="turns", ordering="live_turn_count")
    def turn_count(self, obj):
        return getattr(obj, "live_turn_count", None)

    @admin.display(description="old addresses (they redirect here)")
    def old_addresses(self, obj):
        if obj.pk is None:
            return "—"
        rows = [(r.old_slug, r.old_name) for r in obj.old_slugs.all()]
        return format_html_join(", ", "{} ({})", rows) if rows else "—"

    @admin.display(description="Split")
    def split_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:archive_speaker_split", args=[obj.pk])
        return format_html('<a href="{}">Give the turns of one label to another speaker…</a>', url)

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

    @admin.action(description="Merge selected speakers…", permissions=["change"])
    def merge_selected(self, request, queryset):
        """Ask which of the selected speakers stays, then merge the others into it."""
        speakers = list(
            queryset.annotate(
                first=Min("turns__transcript__date", filter=Q(turns__position__isnull=False)),
                last=Max("turns__transcript__date", filter=Q(turns__position__isnull=False)),
            ).prefetch_related("labels")
        )
        if len(speakers) < 2:
            self.message_user(request, "Select two or more speakers to merge.", messages.WARNING)
            return None
        try:
            curation.check_merge(speakers[0], speakers[1:])
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        form = MergeSpeakersForm(request.POST if request.POST.get("post") else None, speakers=speakers)
        if form.is_valid():
            kept = form.cleaned_data["kept"]
            try:
                result = curation.merge_speakers(kept, [s for s in speakers if s.pk != kept.pk])
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            merged = ", ".join(f"“{name}”" for name in result.merged)
            self.message_user(
                request,
                f"Merged {merged} into “{kept}”: {counted(result.turns_moved, 'turn')} and "
                f"{counted(result.labels_moved, 'label')} moved; the old addresses now lead to its page.",
                messages.SUCCESS,
            )
            return None
        # Offered first: a full name ("John Kirby" over "Mr. Kirby"), then the most turns.
        default = max(speakers, key=lambda s: (bool(s.given_name), s.live_turn_count, len(s.name)))
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge speakers",
            "opts": self.opts,
            "speakers": speakers,
            "default": default.pk,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive/speaker/merge_confirmation.html", context)

    def split_view(self, request, object_id):
        """Give the turns one label printed to another speaker, or to a new person."""
        speaker = self.get_object(request, object_id)
        if speaker is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, speaker):
            raise PermissionDenied
        label_counts = list(
            Turn.objects.filter(speaker=speaker)
            .values_list("speaker_label")
            .annotate(n=Count("id"))
            .order_by("speaker_label")
        )
        form = SplitLabelForm(
            request.POST if request.method == "POST" else None,
            initial={"label": request.GET.get("label")},
            speaker=speaker,
            label_counts=label_counts,
            admin_site=self.admin_site,
        )
        if form.is_valid():
            label, into = form.cleaned_data["label"], form.cleaned_data["into"]
            try:
                result = curation.split_label(speaker, label, into=into)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                new = " (a new speaker: check its name)" if result.created else ""
                turns = counted(result.turns_moved, "turn")
                self.message_user(
                    request,
                    f"Gave {turns} printed as “{label}” from “{speaker}” to “{result.speaker}”{new}.",
                    messages.SUCCESS,
                )
                return redirect("admin:archive_speaker_change", result.speaker.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Split a label off “{speaker}”",
            "opts": self.opts,
            "original": speaker,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/archive/speaker/split_label.html", context)


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
        # Once the turn and its topics are saved, so that what is counted and indexed is the edit.
        search_hooks.transcripts_changed([turn.transcript_id])

    def delete_model(self, request, obj):
        transcript_id = obj.transcript_id
        super().delete_model(request, obj)
        search_hooks.transcripts_changed([transcript_id])

    def delete_queryset(self, request, queryset):
        transcript_ids = set(queryset.values_list("transcript_id", flat=True))
        super().delete_queryset(request, queryset)
        search_hooks.transcripts_changed(transcript_ids)


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


class HarvestedItemInline(admin.TabularInline):
    model = HarvestedItem
    fields = ["url", "status", "error", "failures", "transcript", "last_seen"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Items that failed (retried next run)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=HarvestedItem.Status.FAILED)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """Feeds and listings that ``manage.py harvest`` keeps up with."""

    list_display = ["name", "url", "publisher", "every", "enabled", "last_run", "last_status"]
    list_filter = ["enabled", "publisher"]
    search_fields = ["name", "url", "publisher"]
    readonly_fields = ["etag", "last_modified", "last_run", "last_status"]
    fieldsets = [
        (None, {"fields": ["name", "url", "publisher", "link_pattern", "every", "enabled"]}),
        ("Last run", {"fields": ["last_run", "last_status", "etag", "last_modified"]}),
    ]
    inlines = [HarvestedItemInline]


@admin.register(HarvestedItem)
class HarvestedItemAdmin(admin.ModelAdmin):
    list_display = ["url", "status", "failures", "transcript", "source", "last_seen"]
    list_filter = ["status", "source"]
    search_fields = ["url", "canonical_url", "title", "error"]
    list_select_related = ["transcript", "source"]
    readonly_fields = [f.name for f in HarvestedItem._meta.fields]

    def has_add_permission(self, request):
        return False
