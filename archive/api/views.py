"""The read-only JSON API: transcripts with their turns, speakers and topics.

Every endpoint runs a fixed number of queries, whatever the size of a transcript.
"""

from django.db.models import Count, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from archive import tallies
from archive.api.serializers import (
    SpeakerDetailSerializer,
    SpeakerListSerializer,
    TopicDetailSerializer,
    TopicListSerializer,
    TranscriptDetailSerializer,
    TranscriptFilterSerializer,
    TranscriptListSerializer,
)
from archive.models import SlugRedirect, Speaker, Transcript, Turn
from archive.speakers.addresses import moved_speaker_redirect

def index(request):
    """A page for people: what the API offers and where its schema is."""
    return render(request, "archive/api_index.html", {"kinds": Transcript.Kind.choices})


@extend_schema(parameters=[TranscriptFilterSerializer])
class TranscriptList(generics.ListAPIView):
    """Transcripts, newest first (undated ones last)."""

    serializer_class = TranscriptListSerializer

    def get_queryset(self):
        filters = TranscriptFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        transcripts = Transcript.objects.with_turn_counts().newest_first()
        year = filters.validated_data.get("year")
        if year == "unknown":
            transcripts = transcripts.filter(date__isnull=True)
        elif year:
            transcripts = transcripts.filter(date__year=int(year))
        if filters.validated_data.get("kind"):
            transcripts = transcripts.filter(kind=filters.validated_data["kind"])
        return transcripts


class TranscriptDetail(generics.RetrieveAPIView):
    """One transcript: metadata, speakers and every turn of its current version, in order."""

    serializer_class = TranscriptDetailSerializer
    lookup_field = "slug"
    moves = True  # an old slug answers 301

    def get_queryset(self):
        turns = Turn.objects.live().select_related("speaker", "answers").prefetch_related("topics").order_by("position")
        return Transcript.objects.with_turn_counts().prefetch_related(
            Prefetch("turns", queryset=turns, to_attr="live_turn_list")
        )

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # An address the transcript used to have keeps working, as on the web pages.
            moved = SlugRedirect.objects.select_related("transcript").filter(old_slug=kwargs["slug"]).first()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(reverse("api_transcript_detail", args=[moved.transcript.slug]))




class SpeakerList(generics.ListAPIView):
    """People and roles, by name."""

    serializer_class = SpeakerListSerializer

    def get_queryset(self):
        # Only who still speaks somewhere: deleting transcripts can leave a speaker with none.
        return tallies.speakers_with_counts().order_by("kind", "name")


class SpeakerDetail(generics.RetrieveAPIView):
    """One speaker, the labels they were printed under and the transcripts they speak in."""

    serializer_class = SpeakerDetailSerializer
    lookup_field = "slug"
    moves = True  # a merged or renamed speaker answers 301

    def get_queryset(self):
        # A speaker whose transcripts were all deleted still answers, with no turns.
        return Speaker.objects.annotate(
            turn_count=Coalesce(Sum("tallies__turns"), 0), transcript_count=Count("tallies")
        ).prefetch_related("labels")

    def get_object(self):
        speaker = super().get_object()
        speaker.transcript_list = list(
            Transcript.objects.spoken_in_by(speaker).newest_first()
        )
        return speaker

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # A speaker merged into another answers at its old address, as on the web pages.
            moved = moved_speaker_redirect(request, kwargs["slug"])
            if moved is None:
                raise
            return moved


class TopicList(generics.ListAPIView):
    """Countries, organisations and themes, by name, with how many turns speak about each."""

    serializer_class = TopicListSerializer

    def get_queryset(self):
        return tallies.topics_with_counts().order_by("name")


class TopicDetail(generics.RetrieveAPIView):
    """One topic, the words that tag a turn with it, and the search that lists its turns."""

    serializer_class = TopicDetailSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return tallies.topics_with_counts()
