"""sitemap.xml: an index of sections, each section paginated (a sitemap holds 50,000 URLs
at most; turns are many, so they come 10,000 to a page).

Django's sitemap views take the host from the request; when ``ARCHIVE_BASE_URL`` is set the
sitemap gives the canonical origin instead, like every other absolute link here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404
from django.template.response import TemplateResponse
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from archive.citations import site_root
from archive import tallies
from archive.models import Speaker, Topic, TopicTally, Transcript, Turn


class OriginSitemap(Sitemap):
    """A sitemap whose addresses use ``ARCHIVE_BASE_URL`` when it is set."""

    def _origin(self):
        from django.conf import settings

        return urlsplit(settings.ARCHIVE_BASE_URL) if settings.ARCHIVE_BASE_URL else None

    def get_protocol(self, protocol=None):
        origin = self._origin()
        return origin.scheme if origin else super().get_protocol(protocol)

    def get_domain(self, site=None):
        origin = self._origin()
        if origin:
            return origin.netloc + origin.path.rstrip("/")
        return super().get_domain(site)


class PageSitemap(OriginSitemap):
    """The list pages a visitor starts from."""

    changefreq = "daily"
    names = ("home", "transcript_list", "speaker_list", "topic_list")

    def items(self):
        found = []
        for name in self.names:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            found.append(name)
        return found

    def location(self, item):
        return reverse(item)


class TranscriptSitemap(OriginSitemap):
    limit = 10000

    def items(self):
        return Transcript.objects.only("slug", "modified").order_by("pk")

    def lastmod(self, item):
        return item.modified


class TurnSitemap(OriginSitemap):
    """Every live turn: each is a page of its own and the thing people cite."""

    limit = 10000

    def items(self):
        return Turn.objects.live().select_related("transcript").only("number", "modified", "transcript__slug").order_by("pk")

    def location(self, item):
        return reverse("turn_detail", kwargs={"slug": item.transcript.slug, "number": item.number})

    def lastmod(self, item):
        return item.modified


class SpeakerSitemap(OriginSitemap):
    limit = 10000

    def items(self):
        return Speaker.objects.filter(tallies.speaks_somewhere()).only("slug", "modified").order_by("pk")

    def lastmod(self, item):
        return item.modified


class TopicSitemap(OriginSitemap):
    limit = 10000

    def items(self):
        try:
            reverse("topic_detail", kwargs={"slug": "x"})
        except NoReverseMatch:
            return Topic.objects.none()
        return Topic.objects.filter(Exists(TopicTally.objects.filter(topic=OuterRef("pk")))).only("slug").order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "transcripts": TranscriptSitemap,
    "turns": TurnSitemap,
    "speakers": SpeakerSitemap,
    "topics": TopicSitemap,
}


@require_safe
def index(request):
    """sitemap.xml: one ``<sitemap>`` per page of each non-empty section."""
    root = site_root(request)
    locations = []
    for section, cls in SITEMAPS.items():
        sitemap = cls()
        pages = sitemap.paginator.num_pages if sitemap.paginator.count else 0
        url = root + reverse("sitemap_section", kwargs={"section": section})
        for page in range(1, pages + 1):
            locations.append(url if page == 1 else f"{url}?p={page}")
    response = TemplateResponse(
        request, "archive/sitemap_index.xml", {"locations": locations}, content_type="application/xml"
    )
    return response


@require_safe
def section(request, section):
    """One section of the sitemap, ``?p=N`` for its later pages."""
    if section not in SITEMAPS:
        raise Http404("No such sitemap section.")
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
