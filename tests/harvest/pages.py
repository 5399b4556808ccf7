"""Pages and feeds in the shapes the publishers use, written for the tests.

``state_page`` wraps a transcript's header and paragraphs in the site chrome of a State
Department release page (banner, navigation, cookie notice, share widget, related links,
footer) with its metadata (canonical link, Open Graph and article tags, JSON-LD);
``whitehouse_page`` does the same for a White House briefing-room page. ``rss_feed``,
``atom_feed`` and ``feed_archive_record`` build the feed formats around items.
"""

from __future__ import annotations

import datetime
import html
import json
from dataclasses import dataclass, field
from email.utils import format_datetime


@dataclass
class Release:
    """One published transcript: what its page and its feed item say."""

    url: str
    title: str
    date: datetime.date
    paragraphs: list[str]
    byline: str = ""
    location: str = ""
    kind: str = "Remarks"
    # Lines inside a paragraph that the page breaks with <br>.
    extra_head: str = ""
    categories: list[str] = field(default_factory=list)


def release_from_state_text(text: str, url: str) -> Release:
    """A release whose page shows what a State Department page saved as text shows:
    byline, place, headline, kind and date above the transcript's paragraphs."""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    byline, location, title, kind, date_line, *paragraphs = blocks
    date = datetime.datetime.strptime(date_line, "%B %d, %Y").date()
    return Release(url=url, title=title, date=date, byline=byline, location=location, kind=kind, paragraphs=paragraphs)


def briefing(number: int, base: str) -> Release:
    """A small press briefing of its own for feeds of many items."""
    day = datetime.date(2026, 6, 1) + datetime.timedelta(days=number)
    return Release(
        url=f"{base}/briefings/{day.isoformat()}-briefing-{number}/",
        title=f"Department Press Briefing – {day:%B} {day.day}, {day.year}",
        date=day,
        paragraphs=[
            "Tommy Pigott, Principal Deputy Spokesperson",
            "2:05 p.m. EDT",
            f"MR PIGOTT:  Good afternoon, everyone.  Today is briefing number {number}, and I have one update at the top.",
            f"QUESTION:  Thank you.  Can you tell us about meeting number {number}?",
            "MR PIGOTT:  The Secretary met his counterpart and they discussed trade.\nThey agreed to meet again.",
            "QUESTION:  Thank you.",
            "(The briefing was concluded at 2:31 p.m.)",
        ],
    )


def _paragraph(text: str) -> str:
    lines = [html.escape(line, quote=False).replace("  ", "&nbsp; ") for line in text.split("\n")]
    return "<p>" + "<br>\n".join(lines) + "</p>"


def body_html(release: Release) -> str:
    return "\n".join(_paragraph(p) for p in release.paragraphs)


def _json_ld(release: Release, kind: str, publisher: str = "U.S. Department of State") -> str:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": kind,
                "@id": release.url + "#article",
                "headline": release.title,
                "datePublished": f"{release.date.isoformat()}T18:30:00-04:00",
                "dateModified": f"{release.date.isoformat()}T19:02:11-04:00",
                "mainEntityOfPage": {"@id": release.url},
                "publisher": {"@type": "Organization", "name": publisher},
            },
            {"@type": "WebPage", "@id": release.url, "url": release.url, "name": release.title},
        ],
    }
    return json.dumps(data)


def state_page(release: Release, *, canonical: str | None = None) -> str:
    """A State Department release page around ``release``."""
    url = canonical or release.url
    title = html.escape(release.title)
    date_text = release.date.strftime("%B %-d, %Y")
    meta_lines = "".join(
        f'<p class="article-meta__{css}">{html.escape(value)}</p>'
        for css, value in (("author-bureau", release.byline), ("location", release.location))
        if value
    )
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - United States Department of State</title>
<link rel="canonical" href="{html.escape(url)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{html.escape(url)}">
<meta property="og:site_name" content="United States Department of State">
<meta property="article:published_time" content="{release.date.isoformat()}T18:30:00+00:00">
<meta property="article:modified_time" content="{release.date.isoformat()}T19:02:11+00:00">
<script type="application/ld+json" class="yoast-schema-graph">{_json_ld(release, "NewsArticle")}</script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
{release.extra_head}
</head>
<body class="post-template-default single single-post">
<a class="skip-link" href="#content">Skip to content</a>
<section class="usa-banner" aria-label="Official website of the United States government">
  <div class="usa-banner__header"><p>An official website of the United States Government</p>
  <button class="usa-banner__button">Here’s how you know</button></div>
  <div class="usa-banner__content"><p><strong>Official websites use .gov</strong> A .gov website belongs to an official government organization in the United States.</p>
  <p><strong>Secure .gov websites use HTTPS</strong> A lock or https:// means you’ve safely connected to the .gov website.</p></div>
</section>
<div id="cookie-notice" role="dialog"><p>This site uses cookies to improve your experience. By continuing to browse you agree to our use of cookies.</p><button>Accept</button></div>
<header class="site-header">
  <a class="site-logo" href="https://www.state.gov/">U.S. Department of State</a>
  <nav class="primary-nav" aria-label="Primary"><ul>
    <li><a href="/policy-issues/">Policy Issues</a></li><li><a href="/countries-areas/">Countries &amp; Areas</a></li>
    <li><a href="/bureaus-offices/">Bureaus &amp; Offices</a></li><li><a href="/about/">About</a></li>
  </ul></nav>
  <form class="search-form" role="search"><input type="search" placeholder="Search State.gov"></form>
</header>
<main id="content">
<article class="post">
<div class="featured-content__header">
  <p class="article-meta__content-type">{html.escape(release.kind)}</p>
  <h1 class="featured-content__headline">{title}</h1>
  <div class="article-meta">{meta_lines}<p class="article-meta__publish-date">{date_text}</p></div>
</div>
<div class="share-tools"><span>Share</span><ul><li><a href="https://www.facebook.com/sharer/sharer.php?u={html.escape(url)}">Facebook</a></li><li><a href="https://twitter.com/intent/tweet?url={html.escape(url)}">X</a></li><li><a href="mailto:?subject={title}">Email</a></li><li><button class="print">Print</button></li></ul></div>
<div class="entry-content">
{body_html(release)}
</div>
<div class="related-tags"><p class="related-tags__title">Tags</p>
  <a href="/bureaus-offices/office-of-the-spokesperson/">Office of the Spokesperson</a>
  <a href="/secretary-of-state/">Secretary of State</a></div>
</article>
<aside class="related-content"><h2>Related Articles</h2><ul>
  <li><a href="/releases/other-1/">Secretary’s Remarks at the Ministerial Session on Regional Security</a><p>Remarks</p><p>July 18, 2026</p></li>
  <li><a href="/releases/other-2/">Joint Statement Following the Trilateral Meeting</a><p>Media Note</p><p>July 17, 2026</p></li>
</ul></aside>
</main>
<footer class="site-footer"><nav aria-label="Footer"><ul><li><a href="/privacy/">Privacy Policy</a></li><li><a href="/accessibility/">Accessibility Statement</a></li><li><a href="/copyright/">Copyright Information</a></li><li><a href="/foia/">FOIA</a></li><li><a href="/no-fear-act/">No FEAR Act</a></li></ul></nav>
<p>White House</p><p>USA.gov</p><p>Office of the Inspector General</p><p>Archives</p><p>Contact Us</p></footer>
<script src="/wp-content/themes/state/js/app.js"></script>
</body>
</html>
"""


def whitehouse_page(release: Release, *, canonical: str | None = None) -> str:
    """A White House briefing-room page around ``release``."""
    url = canonical or release.url
    title = html.escape(release.title)
    date_text = release.date.strftime("%B %-d, %Y")
    return f"""<!doctype html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<title>{title} – The White House</title>
<link rel="canonical" href="{html.escape(url)}">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{html.escape(url)}">
<meta property="og:site_name" content="The White House">
<meta property="article:published_time" content="{release.date.isoformat()}T22:10:00+00:00">
<script type="application/ld+json">{_json_ld(release, "WebPage", "The White House")}</script>
</head>
<body>
<div class="wp-site-blocks">
<header class="wp-block-template-part">
  <div class="usa-banner"><p>An official website of the United States government</p></div>
  <nav class="wp-block-navigation" aria-label="Main menu"><ul>
    <li><a href="/administration/">Administration</a></li><li><a href="/news/">News</a></li>
    <li><a href="/issues/">Issues</a></li><li><a href="/contact/">Contact</a></li></ul></nav>
</header>
<main class="wp-block-group">
  <div class="wp-block-whitehouse-topper">
    <div class="wp-block-whitehouse-topper__meta"><a href="/briefings-statements/">{html.escape(release.kind)}</a></div>
    <h1 class="wp-block-whitehouse-topper__headline">{title}</h1>
    <div class="wp-block-post-date"><time datetime="{release.date.isoformat()}T22:10:00+00:00">{date_text}</time></div>
  </div>
  <div class="entry-content wp-block-post-content">
{body_html(release)}
  </div>
  <div class="wp-block-whitehouse-share"><button>Copy URL</button><a href="https://x.com/intent/post?url={html.escape(url)}">Share on X</a></div>
  <section class="wp-block-whitehouse-related"><h2>Related</h2><ul>
    <li><a href="/briefings-statements/2026/07/other/">Fact Sheet: The President Secures Another Deal</a></li></ul></section>
</main>
<footer class="wp-block-template-part"><p>The White House</p><p>1600 Pennsylvania Ave NW, Washington, DC 20500</p>
  <ul><li><a href="/privacy/">Privacy Policy</a></li><li><a href="/copyright/">Copyright Policy</a></li></ul></footer>
</div>
</body>
</html>
"""


def rss_feed(items: list[tuple[Release, str | None]], *, title: str = "U.S. Department of State – Press Releases") -> str:
    """An RSS 2.0 feed; each item carries its release's whole text in content:encoded, or
    (with ``None`` as its content) only a one-line description that links to the page."""
    entries = []
    for release, content in items:
        published = datetime.datetime.combine(release.date, datetime.time(18, 30), tzinfo=datetime.timezone.utc)
        encoded = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content is not None else ""
        categories = "".join(f"<category><![CDATA[{html.escape(c)}]]></category>" for c in release.categories)
        entries.append(f"""<item>
<title>{html.escape(release.title)}</title>
<link>{html.escape(release.url)}</link>
<pubDate>{format_datetime(published)}</pubDate>
<guid isPermaLink="false">{html.escape(release.url)}?guid</guid>
{categories}
<description><![CDATA[{html.escape(release.paragraphs[0][:120]) if release.paragraphs else ''} […]]]></description>
{encoded}
</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{html.escape(title)}</title>
<link>https://www.state.gov/</link>
<description>Press releases</description>
<language>en-US</language>
{"".join(entries)}
</channel>
</rss>
"""


def atom_feed(releases: list[Release], *, title: str = "The White House") -> str:
    """An Atom feed whose entries only link to their pages, as the White House's do."""
    entries = "".join(f"""<entry>
<title>{html.escape(r.title)}</title>
<link rel="alternate" type="text/html" href="{html.escape(r.url)}"/>
<id>{html.escape(r.url)}</id>
<published>{r.date.isoformat()}T22:10:00Z</published>
<updated>{r.date.isoformat()}T22:10:00Z</updated>
<summary type="html">{html.escape(r.paragraphs[0][:120]) if r.paragraphs else ''}</summary>
</entry>""" for r in releases)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{html.escape(title)}</title>
<id>https://www.whitehouse.gov/feed/</id>
<updated>2026-07-20T00:00:00Z</updated>
{entries}
</feed>
"""


def feed_archive_record(release: Release, *, with_content: bool = True) -> dict:
    """One item as a feed archive keeps it: title, link, published and escaped HTML."""
    record = {
        "title": release.title,
        "link": release.url,
        "published": format_datetime(
            datetime.datetime.combine(release.date, datetime.time(18, 30), tzinfo=datetime.timezone.utc)
        ),
        "summary": body_html(release) if with_content else html.escape(release.paragraphs[0][:120]),
    }
    if with_content:
        record["content"] = [{"type": "text/html", "value": body_html(release)}]
    return record
