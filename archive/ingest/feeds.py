"""Publishers' feeds and the records feed archives keep, read into items.

Pure Python (no Django).  RSS and Atom go through feedparser (which also drops scripts and
event handlers from the HTML it carries); the JSON records a feed archive keeps — a list of
items with ``title``, ``link``, ``published`` and HTML (often escaped) in ``summary`` or
``content``, one per line or in a list, or a JSON Feed — are read here.

An item whose feed carries the whole text (the State Department's ``content:encoded``)
becomes a transcript without another request; an item that carries only a summary (the
White House's feeds) names the page to fetch (:func:`needs_page`).
"""

from __future__ import annotations

import datetime
import email.utils
import hashlib
import html
import json
import re
from dataclasses import dataclass, field

import feedparser

from .html import clean_url, fragment_paragraphs, parse_published, publisher_for, saved_text
from .types import ParsedTranscript, TranscriptError

__all__ = ["Feed", "FeedItem", "item_text", "looks_like_feed", "needs_page", "parse_item", "read_feed"]

# Fewer words than this in a summary is a teaser, not the release.
FULL_TEXT_WORDS = 80
_TRUNCATED = re.compile(r"(\[\s*(…|\.\.\.)\s*\]|…|\.\.\.|read more|continue reading)\W*$", re.IGNORECASE)


@dataclass
class FeedItem:
    title: str = ""
    link: str = ""
    guid: str = ""
    date: datetime.date | None = None
    updated: str = ""
    # The item's whole text as HTML, when the feed carries it.
    content: str = ""
    summary: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes whenever the feed says something new about the item."""
        raw = "\x1f".join([self.title, self.link, self.date.isoformat() if self.date else "", self.updated,
                           self.content, self.summary])
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class Feed:
    title: str = ""
    link: str = ""
    items: list[FeedItem] = field(default_factory=list)


def looks_like_feed(data: bytes, content_type: str = "") -> bool:
    """Whether fetched bytes are a feed or feed records rather than a web page."""
    kind = content_type.split(";")[0].strip().lower()
    if kind in {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
                "text/xml", "application/xml"}:
        return True
    head = data[:600].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"[", b"{")):
        return True
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in data[:2000].lower())


def read_feed(data: bytes, *, name: str = "feed") -> Feed:
    """Read RSS, Atom, JSON Feed or feed-archive records; raises TranscriptError if none."""
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        return _read_json(data, name)
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: "")() or "not an RSS or Atom feed"
        raise TranscriptError(f"{name}: {reason}")
    feed = Feed(title=_text(parsed.feed.get("title", "")), link=parsed.feed.get("link", ""))
    for entry in parsed.entries:
        content = "".join(part.get("value", "") for part in entry.get("content", []))
        feed.items.append(FeedItem(
            title=_text(entry.get("title", "")),
            link=entry.get("link", "") or "",
            guid=entry.get("id", "") or "",
            # dict.get: feedparser's own lookup of a missing "updated" warns and maps it.
            date=_date(dict.get(entry, "published") or dict.get(entry, "updated") or ""),
            updated=dict.get(entry, "updated", "") or "",
            content=content,
            summary=entry.get("summary", "") or "",
        ))
    return feed


def _read_json(data: bytes, name: str) -> Feed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranscriptError(f"{name}: feed records are not UTF-8") from None
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError:
        # One record per line.
        try:
            loaded = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise TranscriptError(f"{name}: not JSON feed records (line {error.lineno}: {error.msg})") from None
    if isinstance(loaded, dict) and not ("items" in loaded or "entries" in loaded):
        loaded = [loaded]  # one record alone
    if isinstance(loaded, dict):
        feed = Feed(title=_text(str(loaded.get("title", ""))), link=str(loaded.get("home_page_url") or loaded.get("link") or ""))
        records = loaded.get("items", loaded.get("entries"))
    else:
        feed, records = Feed(), loaded
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise TranscriptError(f"{name}: JSON feed records must be a list of items")
    for record in records:
        feed.items.append(FeedItem(
            title=_text(str(record.get("title") or "")),
            link=str(record.get("link") or record.get("url") or ""),
            guid=str(record.get("id") or record.get("guid") or ""),
            date=_date(str(record.get("published") or record.get("date_published") or record.get("updated") or "")),
            updated=str(record.get("updated") or record.get("date_modified") or ""),
            content=_unescape(_content(record.get("content") or record.get("content_html") or "")),
            summary=_unescape(str(record.get("summary") or record.get("content_text") or "")),
        ))
    return feed


def _content(value) -> str:
    if isinstance(value, list):
        return "".join(str(part.get("value", "")) if isinstance(part, dict) else str(part) for part in value)
    if isinstance(value, dict):
        return str(value.get("value", ""))
    return str(value)


def _unescape(value: str) -> str:
    # Archives keep the HTML escaped once more ("&lt;p&gt;…"); undo that one level only.
    if "<" not in value and "&lt;" in value:
        return html.unescape(value)
    return value


def _text(value: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(value)).strip()


def _date(value: str) -> datetime.date | None:
    """The date as the publisher printed it, in its own time zone."""
    value = value.strip()
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _body(item: FeedItem) -> str:
    return item.content or item.summary


def needs_page(item: FeedItem) -> bool:
    """Whether the item's text must be read from its page: the feed has only a teaser."""
    if not item.link:
        return False
    body = _body(item)
    paragraphs = fragment_paragraphs(body)
    words = sum(len(p.split()) for p in paragraphs)
    if not paragraphs or _TRUNCATED.search(paragraphs[-1]):
        return True
    if item.content:
        return False
    return words < FULL_TEXT_WORDS or len(paragraphs) < 2


def item_text(item: FeedItem) -> str:
    """The item as a transcript saved as text: headline, date, then its paragraphs."""
    paragraphs = fragment_paragraphs(_body(item))
    if paragraphs and item.title and paragraphs[0] == item.title:
        paragraphs = paragraphs[1:]
    return saved_text(item.title, item.date, [], paragraphs)


def parse_item(item: FeedItem, *, name: str = "") -> tuple[ParsedTranscript, str]:
    """Parse the text a feed item carries; returns ``(parsed, text)``."""
    label = name or item.link or item.title or "feed item"
    if not fragment_paragraphs(_body(item)):
        raise TranscriptError(f"{label}: the feed item has no text")
    text = item_text(item)
    url = clean_url(item.link)
    parsed = parse_published(text, title=item.title, date=item.date, url=url, publisher=publisher_for(url))
    return parsed, text
