"""Addresses of the JSON API, under /api/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from archive.api import errors, views

urlpatterns = [
    path("", views.index, name="api_index"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("transcripts/", views.TranscriptList.as_view(), name="api_transcript_list"),
    path("transcripts/<slug:slug>/", views.TranscriptDetail.as_view(), name="api_transcript_detail"),
    path("speakers/", views.SpeakerList.as_view(), name="api_speaker_list"),
    path("speakers/<slug:slug>/", views.SpeakerDetail.as_view(), name="api_speaker_detail"),
    path("topics/", views.TopicList.as_view(), name="api_topic_list"),
    path("topics/<slug:slug>/", views.TopicDetail.as_view(), name="api_topic_detail"),
    # Anything else under /api/ answers the API's own 404, not the HTML page.
    re_path(r"^[\s\S]*$", errors.unknown_address),
]
