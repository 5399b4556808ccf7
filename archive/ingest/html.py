"""Transcripts published as web pages: the content found in the page, its metadata kept.

Pure Python (no Django).  trafilatura finds the page's own content (not navigation,
banners, cookie notices, share widgets or related links) and reads its metadata (canonical
address, title, publication date, ``og:``/``article:`` tags, JSON-LD).  The content is
written out as text in the layout of a page saved as text — headline, date, the header
lines a publisher prints above the transcript, then one paragraph per block with its line
breaks kept — and that text goes through the same parser as a text file, so a page and its
text version give the same turns.  The text is what is stored, so ``reread`` can read it
again.

Scripts, styles, iframes and event handlers never reach the text: only the characters of
the content survive, and markup printed as text stays text.
"""

from __future__ import annotations

import datetime
import functools
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree
import lxml.html
import trafilatura
import yaml

from .parsing import byline_person, parse
from .types import ParsedTranscript, TranscriptError

__all__ = ["Page", "clean_url", "fragment_paragraphs", "publisher_for", "split_at_breaks", "page_text", "parse_page", "read_page", "same_site"]

SITE_RULES = Path(__file__).resolve().parent.parent / "data" / "sites.yaml"
# Less prose than this in the page's paragraphs is a page without a transcript (an index,
# an error page, a page that needs JavaScript to show anything).
MIN_WORDS = 20
_BLOCKS = {"p", "quote", "item", "head", "cell"}
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
# Publishers print the gap after a label as non-breaking spaces ("Q&nbsp;&nbsp;&nbsp; Is it…"),
# and the parser reads that gap ("Q  Is" is a label, "Q Is" is not); the extractor collapses
# every run of spaces, so runs holding a non-breaking space are marked before and restored after.
_GAP = "\ue000"
_NBSP_RUN = re.compile(r"[ \u00a0]*\u00a0[ \u00a0]*")


@dataclass
class Page:
    """What one page says: its address, metadata and content as paragraphs."""

    url: str = ""
    title: str = ""
    date: datetime.date | None = None
    site_name: str = ""
    publisher: str = ""
    # Lines the publisher prints above the transcript (kind, byline, place).
    header: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


@functools.cache
def _site_rules() -> dict:
    with open(SITE_RULES, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _host(url: str) -> str:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _rule_for(url: str) -> dict:
    host = _host(url)
    for domain, rule in _site_rules().items():
        if host == domain or host.endswith("." + domain):
            return rule or {}
    return {}


def publisher_for(url: str) -> str:
    """The publisher the site rules name for an address ("" when they do not know it)."""
    return _rule_for(url).get("publisher", "")


def same_site(one: str, other: str) -> bool:
    """Whether two addresses are on one site (``www.`` and subdomains aside)."""
    a, b = _host(one), _host(other)
    return bool(a) and (a == b or a.endswith("." + b) or b.endswith("." + a))


# Query parameters that say how a reader arrived, not which page it is.
_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_[a-z]+|_ga|ref|cmp|source)$", re.IGNORECASE)


def clean_url(url: str) -> str:
    """``url`` without its fragment and tracking parameters, host in lower case."""
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    query = urllib.parse.urlencode(
        [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    )
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def _clean(text: str) -> str:
    """One space for each run of spaces, two for a marked gap."""
    return _SPACES.sub(" ", text).replace(f" {_GAP}", _GAP).replace(f"{_GAP} ", _GAP).replace(_GAP, "  ").strip()


def _mark_gaps(tree) -> None:
    def mark(text):
        return _NBSP_RUN.sub(lambda m: _GAP if len(m.group()) >= 2 else " ", text)

    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag not in ("script", "style"):
            if element.text and "\u00a0" in element.text:
                element.text = mark(element.text)
        if element.tail and "\u00a0" in element.tail:
            element.tail = mark(element.tail)


def _block_text(element) -> str:
    """An extracted block's words, with its line breaks (``<lb/>``) kept as newlines."""
    # Newlines in the page's source are only layout; a line break is <lb/>.
    parts = [(element.text or "").replace("\n", " ")]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.append(_block_text(child))
        parts.append((child.tail or "").replace("\n", " "))
    return "\n".join(_clean(line) for line in "".join(parts).split("\n")).strip("\n")


def _body_paragraphs(body, title: str) -> list[str]:
    paragraphs = []
    for element in body.iter(*_BLOCKS):
        if element.tag == "item" and element.find(".//p") is not None:
            continue
        text = _block_text(element)
        if not text:
            continue
        if element.tag == "head" and _clean(text).casefold() == _clean(title).casefold():
            continue
        paragraphs.extend(split_at_breaks(text))
    return paragraphs


# A line that ends like this ends a sentence (or introduces what follows).
_SENTENCE_END = re.compile(r"[.?!:;…—–)\]”’\"']$")


def split_at_breaks(paragraph: str) -> list[str]:
    """A paragraph's line breaks (``<br>``) read as a reader sees them.

    Publishers' pages break lines with ``<br>`` both between two speakers' turns inside one
    ``<p>`` ("What changed?<br>MS. JEAN-PIERRE: So…") and in the middle of a sentence
    ("this year have,<br>separate from…").  A break after a finished sentence starts a new
    paragraph; a break inside a sentence is only layout and becomes a space.
    """
    groups: list[list[str]] = []
    for line in paragraph.split("\n"):
        if groups and not _SENTENCE_END.search(groups[-1][-1]):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [" ".join(group) for group in groups]


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _canonical(tree) -> str:
    for xpath in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        found = [value.strip() for value in tree.xpath(xpath) if value.strip()]
        if found:
            return found[0]
    return ""


def _header_lines(tree, rule: dict) -> list[str]:
    lines = []
    for xpath in rule.get("header", []):
        for element in tree.xpath(xpath):
            text = " ".join(_clean(element.text_content() if hasattr(element, "text_content") else str(element)).split())
            if text and text not in lines:
                lines.append(text)
    return lines


def _byline(tree, extracted_author: str | None) -> list[str]:
    """On a site without rules of its own, the byline when it names a person ("Penny Wong,
    Minister for Foreign Affairs"), never an office or the site: the page's own author meta
    first, as printed (the extractor splits "Name, Title" at the comma), then the extractor's."""
    found = [*tree.xpath('//meta[@name="author"]/@content'), extracted_author or ""]
    for candidate in found:
        byline = " ".join(_clean(candidate).split())
        if byline and byline_person(byline):
            return [byline]
    return []


def read_page(data: bytes | str, *, url: str = "", name: str = "") -> Page:
    """Find the transcript in one HTML page.

    ``url`` is where the page was fetched from (a relative canonical link is read against
    it); ``name`` names the page in messages.  Raises :class:`TranscriptError` when the
    input is not HTML or the page holds no transcript text.
    """
    label = name or url or "page"
    tree = trafilatura.load_html(data)
    if tree is None:
        raise TranscriptError(f"{label}: not an HTML page")
    canonical = _canonical(tree)
    if canonical:
        canonical = urllib.parse.urljoin(url, canonical) if url else canonical
        if not canonical.lower().startswith(("http://", "https://")):
            canonical = ""
    rule = _rule_for(canonical or url)
    _mark_gaps(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or document.body is None:
        raise TranscriptError(f"{label}: no transcript text found in the page")
    title = " ".join(_clean(document.title or "").split())
    paragraphs = _body_paragraphs(document.body, title)
    prose = sum(len(_block_text(p).split()) for p in document.body.iter("p", "quote"))
    if prose < MIN_WORDS:
        raise TranscriptError(f"{label}: no transcript text found in the page")
    header = _header_lines(tree, rule) or _byline(tree, document.author)
    return Page(
        url=clean_url(canonical or url),
        title=title,
        date=_date(document.date),
        site_name=_clean(document.sitename or ""),
        publisher=rule.get("publisher", ""),
        header=header,
        paragraphs=paragraphs,
    )


def saved_text(title: str, date, header: list[str], paragraphs: list[str]) -> str:
    """A published item as a transcript saved as text: headline, date, header lines, paragraphs."""
    head = [title] if title else []
    if date:
        head.append(f"{date:%B} {date.day}, {date.year}")
    head.extend(line for line in header if line != title)
    return "\n\n".join([*head, *paragraphs]) + "\n"


def parse_published(text: str, *, title: str, date, url: str, publisher: str, site_name: str = "") -> ParsedTranscript:
    """Parse ``text`` from a publisher; its metadata wins over what the parser reads from the
    text: the title, the publication date (unless the text dates the event), the address."""
    parsed = parse(text)
    if title:
        parsed.title = title
    if date and not parsed.date:
        parsed.date = date
    parsed.source_url = url
    parsed.source_name = publisher or parsed.source_name or site_name
    return parsed


def page_text(page: Page) -> str:
    """The page as a transcript saved as text."""
    return saved_text(page.title, page.date, page.header, page.paragraphs)


def parse_page(data: bytes | str, *, url: str = "", name: str = "") -> tuple[ParsedTranscript, str]:
    """Parse the transcript in an HTML page; returns ``(parsed, text)``.

    Its canonical address is the source, its title and publication date the transcript's.
    """
    page = read_page(data, url=url, name=name)
    text = page_text(page)
    parsed = parse_published(
        text, title=page.title, date=page.date, url=page.url, publisher=page.publisher, site_name=page.site_name
    )
    return parsed, text


def fragment_paragraphs(fragment: str) -> list[str]:
    """The paragraphs of a piece of content HTML (a feed item's body), line breaks kept.

    Every block element ends a paragraph and ``<br>`` is a line break; scripts, styles and
    embedded frames are dropped with their content.
    """
    if not fragment or not fragment.strip():
        return []
    if "<" not in fragment:
        blocks = (_clean_lines(block) for block in re.split(r"\n\s*\n", fragment))
        return [piece for block in blocks if block for piece in split_at_breaks(block)]
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for bad in root.xpath("//script|//style|//iframe|//noscript|//object|//embed|//template"):
        bad.drop_tree()
    paragraphs: list[str] = []
    current: list[str] = []

    def flush():
        text = _clean_lines("".join(current))
        if text:
            paragraphs.extend(split_at_breaks(text))
        current.clear()

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        block = tag in _HTML_BLOCKS
        if block:
            flush()
        if tag == "br":
            current.append("\n")
        elif element.text:
            current.append(element.text.replace("\n", " "))
        for child in element:
            walk(child)
            if child.tail:
                current.append(child.tail.replace("\n", " "))
        if block:
            flush()

    walk(root)
    flush()
    return paragraphs


_HTML_BLOCKS = {
    "p", "div", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "section", "article",
    "ul", "ol", "table", "tr", "td", "th", "figure", "figcaption", "hr", "dd", "dt",
}


def _clean_lines(text: str) -> str:
    lines = [_clean(_NBSP_RUN.sub(lambda m: _GAP if len(m.group()) >= 2 else " ", line)) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
