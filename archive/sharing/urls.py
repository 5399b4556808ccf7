"""Addresses for citing, sharing and following the archive (included from archive/urls.py)."""

from django.urls import path

from archive.sharing import feeds, sitemaps, views

urlpatterns = [
    path("t/<int:pk>/", views.short_link, name="turn_short"),
    path("transcripts/<slug:slug>/<int:number>/embed/", views.turn_embed, name="turn_embed"),
    path("transcripts/<slug:slug>/<int:number>/card.png", views.turn_card, name="turn_card"),
    path("card.png", views.site_card, name="site_card"),
    path("transcripts/<slug:slug>/<int:number>/cite.<str:fmt>", views.turn_citation, name="turn_citation"),
    path("transcripts/<slug:slug>/cite.<str:fmt>", views.transcript_citation, name="transcript_citation"),
    path("transcripts/<slug:slug>/download.<str:fmt>", views.transcript_download, name="transcript_download"),
    path("search/results.csv", views.search_csv, name="search_csv"),
    path("feeds/transcripts/", feeds.NewestTranscriptsFeed(), name="feed_transcripts"),
    path("feeds/speakers/<slug:slug>/", feeds.SpeakerFeed(), name="feed_speaker"),
    path("feeds/topics/<slug:slug>/", feeds.TopicFeed(), name="feed_topic"),
    path("feeds/search/", feeds.SearchFeed(), name="feed_search"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
