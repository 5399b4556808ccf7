"""Addresses for sharing: the short link, the embed, citation files, downloads and robots.txt.

Each view looks its transcript up the way the pages do: an old slug answers 301 to the
same address under the new slug, and a turn that a correction removed answers 410.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

from csp.decorators import csp_replace
from django.http import Http404, HttpResponse, HttpResponseGone, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from archive import citations
from archive.citations import site_root
from archive.models import Turn
from archive.sharing import cards, exports
from archive.sharing.share import QUOTE_PARAM, TurnShare
from archive.views import MAX_TURN_NUMBER, find_transcript
from archive.speakers.addresses import moved_speaker_redirect

# Share images change only when a turn or its transcript is corrected; a day's caching
# spares the drawing while a link is being unfurled by many readers.
CARD_MAX_AGE = 24 * 60 * 60
SITE_TAGLINE = "What diplomats said in interviews, press briefings and remarks, every answer at its own address."

# Row ids are 64-bit; a larger number in an address cannot exist (and would overflow a query).
MAX_ID = 2**63 - 1


def _moved(request, url_name, transcript, **kwargs):
    """A permanent redirect to the same address under the transcript's current slug."""
    url = reverse(url_name, kwargs={"slug": transcript.slug, **kwargs})
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(url)


def _turn(transcript, number):
    if number > MAX_TURN_NUMBER:
        raise Http404("No turn has this number.")
    return get_object_or_404(transcript.turns.with_transcript().select_related("speaker"), number=number)


def _live_turn(request, url_name, slug, number, *, plain=False, **kwargs):
    """``(turn, None)`` for the live turn at this address, else ``(None, response)``: a 301
    to a renamed transcript's address, or 410 for a turn a correction removed."""
    transcript, moved = find_transcript(slug)
    if moved is not None:
        return None, _moved(request, url_name, moved, number=number, **kwargs)
    turn = _turn(transcript, number)
    if not turn.is_live:
        return None, _gone(request, transcript, turn, plain=plain)
    return turn, None


def _gone(request, transcript, turn, *, plain=False):
    """410 for a turn a correction removed, pointing at the transcript."""
    url = request.build_absolute_uri(transcript.get_absolute_url())
    if plain:
        message = (
            f"Turn {turn.number} was removed from this transcript in a correction.\n"
            f"The corrected transcript: {url}\n"
        )
        return HttpResponseGone(message, content_type="text/plain; charset=utf-8")
    html = render_to_string("archive/embed_gone.html", {"transcript": transcript, "turn": turn}, request=request)
    return HttpResponseGone(html)


@require_safe
def short_link(request, pk):
    """``/t/<id>/``: the short form of a turn's address, redirecting to the canonical one."""
    if pk > MAX_ID:
        raise Http404("No turn has this number.")
    turn = get_object_or_404(Turn.objects.with_transcript(), pk=pk)
    url = turn.get_absolute_url()
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(url)


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def turn_embed(request, slug, number):
    """A turn as a self-contained quote card, for other sites to show in an iframe."""
    turn, answer = _live_turn(request, "turn_embed", slug, number)
    if answer is not None:
        return answer
    share = TurnShare(turn, root=site_root(request), quote=request.GET.get(QUOTE_PARAM, ""))
    return render(request, "archive/embed.html", {"share": share, "turn": turn, "transcript": turn.transcript})


def _png(request, etag, modified, draw):
    """A cacheable PNG response; a client holding the same version gets 304 without drawing."""
    etag = quote_etag(etag)
    last_modified = modified.timestamp() if modified else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(draw(), content_type="image/png")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=CARD_MAX_AGE)
    return response


@require_safe
def turn_card(request, slug, number):
    """``/transcripts/<slug>/<number>/card.png``: the turn's quote as a share image."""
    turn, answer = _live_turn(request, "turn_card", slug, number, plain=True)
    if answer is not None:
        return answer
    transcript = turn.transcript
    share = TurnShare(turn, root=site_root(request))
    # The date first: a long title is cut at the card's edge.
    where = [citations.long_date(share.data.date)] if share.data.date else []
    where.append(transcript.title)
    modified = max(turn.modified, transcript.modified)

    def draw():
        return cards.turn_card(
            quote=share.data.quote or turn.text,
            speaker=share.speaker,
            context=" · ".join(where),
            archive_name=settings.ARCHIVE_NAME,
        )

    return _png(request, f"turn-{turn.pk}-{modified.timestamp()}", modified, draw)


@require_safe
def site_card(request):
    """``/card.png``: the archive's own share image."""
    name = settings.ARCHIVE_NAME

    def draw():
        return cards.site_card(archive_name=name, tagline=SITE_TAGLINE)

    return _png(request, "site-" + hashlib.sha256(f"{name}\n{SITE_TAGLINE}".encode()).hexdigest()[:16], None, draw)


def _attachment(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def turn_citation(request, slug, number, fmt):
    """A turn's citation as a BibTeX, RIS or CSL-JSON file."""
    if fmt not in citations.DOWNLOADS:
        raise Http404("No such citation format.")
    turn, answer = _live_turn(request, "turn_citation", slug, number, plain=True, fmt=fmt)
    if answer is not None:
        return answer
    share = TurnShare(turn, root=site_root(request), quote=request.GET.get(QUOTE_PARAM, ""))
    _, content_type, build = citations.DOWNLOADS[fmt]
    return _attachment(build(share.data), content_type, f"{turn.transcript.slug}-{turn.number}.{fmt}")


@require_safe
def transcript_citation(request, slug, fmt):
    """A transcript's citation as a BibTeX, RIS or CSL-JSON file."""
    if fmt not in citations.DOWNLOADS:
        raise Http404("No such citation format.")
    transcript, moved = find_transcript(slug)
    if moved is not None:
        return _moved(request, "transcript_citation", moved, fmt=fmt)
    data = citations.citation_for_transcript(transcript, root=site_root(request))
    _, content_type, build = citations.DOWNLOADS[fmt]
    return _attachment(build(data), content_type, f"{transcript.slug}.{fmt}")


@require_safe
def transcript_download(request, slug, fmt):
    """A whole transcript as plain text or as JSON."""
    if fmt not in ("txt", "json"):
        raise Http404("No such download format.")
    transcript, moved = find_transcript(slug)
    if moved is not None:
        return _moved(request, "transcript_download", moved, fmt=fmt)
    root = site_root(request)
    if fmt == "txt":
        body = exports.transcript_text(transcript, root=root)
        return _attachment(body, "text/plain; charset=utf-8", f"{transcript.slug}.txt")
    body = json.dumps(exports.transcript_json(transcript, root=root), ensure_ascii=False, indent=2) + "\n"
    return _attachment(body, "application/json; charset=utf-8", f"{transcript.slug}.json")


@require_safe
def search_csv(request):
    """The answers a search finds, as CSV: date, speaker, transcript, quote, link."""
    moved = moved_speaker_redirect(request)
    if moved:
        return moved
    turns = exports.search_turns(request.GET, limit=exports.CSV_MAX_ROWS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(exports.csv_rows(turns, root=site_root(request)))
    name = exports.csv_filename(request.GET.get("q", ""))
    # A byte-order mark lets spreadsheet programs read the file as UTF-8.
    return _attachment("\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8", name)


@require_safe
def robots_txt(request):
    """What crawlers may visit, and where the sitemap is."""
    root = site_root(request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Result pages are endless combinations of the same turns; the turns are in the sitemap.
        "Disallow: /search/",
        "Disallow: /api/",
        "Allow: /",
        "",
        f"Sitemap: {root}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
