"""Every public address of the archive. Keep them stable: citations depend on them."""

from django.contrib import admin
from django.urls import include, path

from archive import health, topic_views, views
from archive.search import views as search_views

urlpatterns = [
    path("", views.home, name="home"),
    path("transcripts/", views.transcript_list, name="transcript_list"),
    path("transcripts/<slug:slug>/", views.transcript_detail, name="transcript_detail"),
    path("transcripts/<slug:slug>/<int:number>/", views.turn_detail, name="turn_detail"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("topics/", topic_views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", topic_views.topic_detail, name="topic_detail"),
    path("search/", search_views.search_page, name="search"),
    path("api/search/", search_views.api_search, name="api_search"),
    path("api/", include("archive.api.urls")),
    # Short links, embeds, citation files, downloads, feeds, sitemap.xml and robots.txt.
    path("", include("archive.sharing.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]
