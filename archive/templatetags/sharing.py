"""Template tags for citing and sharing: ``{% load sharing %}``.

``turn_share`` and ``transcript_share`` build the objects behind the citation box, the
share-card tags and the embed code once per request (the head and the body of a page both
ask for them). ``feed_links`` writes the ``<link rel="alternate">`` tags for the page.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from archive.citations import site_root
from archive.sharing.quotes import searched_words_in
from archive.sharing.share import QUOTE_PARAM, TranscriptShare, TurnShare, quote_link

register = template.Library()


def _cache(context):
    request = context.get("request")
    if request is None:
        return {}, None
    if not hasattr(request, "_sharing_cache"):
        request._sharing_cache = {}
    return request._sharing_cache, request


@register.simple_tag(takes_context=True)
def turn_share(context, turn):
    """The TurnShare for ``turn``, reading the reader's ``?quote=`` from the request."""
    cache, request = _cache(context)
    key = ("turn", turn.pk)
    if key not in cache:
        quote = request.GET.get(QUOTE_PARAM, "") if request is not None else ""
        cache[key] = TurnShare(turn, root=site_root(request), quote=quote)
    return cache[key]


@register.simple_tag(takes_context=True)
def transcript_share(context, transcript):
    """The TranscriptShare for ``transcript``."""
    cache, request = _cache(context)
    key = ("transcript", transcript.pk)
    if key not in cache:
        cache[key] = TranscriptShare(transcript, root=site_root(request))
    return cache[key]


@register.simple_tag(takes_context=True)
def quote_url(context, turn, quote):
    """The address that opens ``turn`` with ``quote`` highlighted (absolute)."""
    return quote_link(turn, quote, site_root(context.get("request")))


@register.simple_tag(takes_context=True)
def result_href(context, turn):
    """A search result's link: the turn's address, with the searched phrase as its quote
    (highlighted when the page opens) when the turn contains that phrase word for word."""
    request = context.get("request")
    query = request.GET.get("q", "") if request is not None else ""
    phrase = searched_words_in(turn.text, query) if query else ""
    if not phrase:
        return turn.get_absolute_url()
    return f"{turn.get_absolute_url()}?{urlencode({QUOTE_PARAM: phrase})}#{turn.anchor}"


def page_feeds(context):
    """``[(title, url, invitation)]``: the feeds that follow what the current page shows,
    the page's own first; ``invitation`` is the text of a visible link to it."""
    request = context.get("request")
    feeds = [("Newest transcripts", reverse("feed_transcripts"), "Follow new transcripts")]
    match = getattr(request, "resolver_match", None) if request is not None else None
    if match is None:
        return feeds
    if match.url_name == "speaker_detail" and context.get("speaker") is not None:
        speaker = context["speaker"]
        feeds.insert(0, (
            f"{speaker.name}: new transcripts",
            reverse("feed_speaker", kwargs={"slug": speaker.slug}),
            f"Follow new transcripts with {speaker.name}",
        ))
    elif match.url_name == "topic_detail" and context.get("topic") is not None:
        topic = context["topic"]
        feeds.insert(0, (
            f"{topic.name}: new transcripts",
            reverse("feed_topic", kwargs={"slug": topic.slug}),
            f"Follow new transcripts about {topic.name}",
        ))
    elif match.url_name == "search" and request.GET.get("q", "").strip():
        query = request.GET["q"].strip()
        feeds.insert(0, (f"Search alert: {query}", search_feed_url(request), "Follow this search"))
    return feeds


def search_feed_url(request):
    """The feed address for the search the request shows (its filters kept, paging dropped)."""
    params = request.GET.copy()
    for name in ("page", "sort"):
        params.pop(name, None)
    query = params.urlencode()
    return reverse("feed_search") + (f"?{query}" if query else "")


@register.simple_tag(takes_context=True)
def feed_links(context):
    """``<link rel="alternate">`` tags for the feeds of the current page."""
    return format_html_join(
        "\n  ",
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        ((title, url) for title, url, _ in page_feeds(context)),
    )


@register.simple_tag(takes_context=True)
def follow_link(context):
    """A visible link to the feed of a speaker's or topic's page (empty elsewhere)."""
    feeds = page_feeds(context)
    if len(feeds) < 2:
        return ""
    _, url, invitation = feeds[0]
    return format_html(
        '<p class="feed-link"><a href="{}" type="application/atom+xml">{} (Atom feed)</a></p>', url, invitation
    )


@register.simple_tag(takes_context=True)
def search_alert_link(context, css_class="feed-link"):
    """A visible "follow this search" link for a search results page (empty without a query)."""
    request = context.get("request")
    if request is None or not request.GET.get("q", "").strip():
        return ""
    csv = reverse("search_csv") + "?" + request.GET.urlencode()
    return format_html(
        '<p class="{}"><a href="{}" type="application/atom+xml">Follow this search (Atom feed)</a>'
        ' · <a href="{}" download>Download results as CSV</a></p>',
        css_class,
        search_feed_url(request),
        csv,
    )


class CaptureNode(template.Node):
    """Renders its content once into a context variable (``{% capture name %}…{% endcapture %}``)."""

    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The content is rendered (and so escaped) already; keep it from being escaped twice.
        context.dicts[0][self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """Render a block of template once and keep it as a variable: the page's title and
    description are written once and used by ``<title>``, the description and the share tags."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("capture takes one variable name")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[1])


# Which query parameters make a page another page (a filter, a page number); any other
# parameter (a find, a quote, a tracking tag) leaves the canonical address unchanged.
CANONICAL_PARAMS = {
    "search": ("q", "speaker", "topic", "kind", "from", "to", "sort", "page"),
    "transcript_list": ("year", "kind", "page"),
    "speaker_detail": ("page",),
    "topic_detail": ("page",),
}


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's own absolute address: its path and only the parameters that make it
    another page (empty values and page 1 dropped)."""
    request = context.get("request")
    if request is None:
        return ""
    match = getattr(request, "resolver_match", None)
    kept = CANONICAL_PARAMS.get(match.url_name if match else "", ())
    params = [(k, v) for k in kept for v in request.GET.getlist(k) if v.strip() and not (k == "page" and v == "1")]
    query = f"?{urlencode(params)}" if params else ""
    return f"{site_root(request)}{request.path}{query}"


@register.simple_tag(takes_context=True)
def site_card_url(context):
    """The archive's own share image, for pages that have none of their own."""
    return f"{site_root(context.get('request'))}{reverse('site_card')}"
