"""One harvest of one feed or listing: what is new since the last run, fetched and ingested.

The feed is asked for conditionally (its ETag and Last-Modified from the last run); an item
the feed describes as before is not fetched again; an item whose feed carries only a
summary is read from its page (conditionally too); each item is loaded in its own
transaction, so a page that fails is recorded, reported and retried next run while the
others load.  The canonical address is a transcript's identity: a page seen again unchanged
changes nothing, a corrected page updates its transcript in place, and one release under
two addresses is one transcript.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable

import lxml.html
from django.db import DatabaseError
from django.utils import timezone

from archive.harvest.fetching import FetchError, Fetcher
from archive.ingest.feeds import Feed, FeedItem, looks_like_feed, needs_page, parse_item, read_feed
from archive.ingest.html import clean_url, parse_page, same_site
from archive.ingest.loader import load_transcript
from archive.ingest.types import ParsedTranscript, TranscriptError
from archive.models import HarvestedItem, Source

__all__ = ["ItemOutcome", "RunResult", "harvest", "parse_fetched", "read_listing"]


@dataclass
class ItemOutcome:
    url: str
    status: str  # created, updated, unchanged, would ingest, failed
    message: str = ""
    transcript_id: int | None = None
    turns: int = 0


@dataclass
class RunResult:
    url: str
    outcomes: list[ItemOutcome] = field(default_factory=list)
    not_modified: bool = False
    # Items an earlier run saw that the feed no longer lists (their transcripts are kept).
    dropped: int = 0
    error: str = ""

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def touched_ids(self) -> list[int]:
        return [o.transcript_id for o in self.outcomes if o.status in ("created", "updated") and o.transcript_id]

    @property
    def failed(self) -> int:
        return self.count("failed") + (1 if self.error else 0)

    def summary(self, dry_run: bool = False) -> str:
        if self.error:
            return f"{self.url}: failed: {self.error}"
        items = len(self.outcomes)
        if self.not_modified and not items:
            return f"{self.url}: feed not modified since the last run — nothing changed"
        line = f"{self.url}: {items} item{'s' if items != 1 else ''}"
        if self.not_modified:
            line += " retried (feed not modified since the last run)"
        if dry_run:
            parts = [f"{self.count('would ingest')} would be ingested", f"{self.count('unchanged')} unchanged"]
        else:
            parts = [f"{self.count(s)} {s}" for s in ("created", "updated", "unchanged")]
        parts.append(f"{self.count('failed')} failed")
        line += ": " + ", ".join(parts)
        if self.dropped:
            line += f"; {self.dropped} no longer in the feed (kept)"
        if not dry_run and not self.count("created") and not self.count("updated") and not self.failed:
            line += " — nothing changed"
        return line


def read_listing(data: bytes, base_url: str, pattern: str) -> Feed:
    """The transcript links of a listing page: the addresses that match ``pattern``."""
    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError):
        raise TranscriptError(f"{base_url}: not an HTML page") from None
    try:
        matcher = re.compile(pattern)
    except re.error as error:
        raise TranscriptError(f"{base_url}: the link pattern is not a regular expression ({error})") from None
    feed, seen = Feed(link=base_url), set()
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        url = clean_url(urllib.parse.urljoin(base_url, href))
        if url in seen or not matcher.search(url):
            continue
        seen.add(url)
        feed.items.append(FeedItem(title=" ".join(anchor.text_content().split()), link=url))
    return feed


def parse_fetched(response, *, name: str = "") -> tuple[ParsedTranscript, str]:
    """Parse a fetched transcript page; the page's canonical address counts only on its own site."""
    parsed, text = parse_page(response.content, url=response.url, name=name or response.url)
    if not same_site(parsed.source_url, response.url):
        parsed.warnings.append(f"the page names {parsed.source_url} as its address, another site; kept {response.url}")
        parsed.source_url = clean_url(response.url)
    return parsed, text


def harvest(
    url: str,
    *,
    fetcher: Fetcher,
    source: Source | None = None,
    publisher: str = "",
    link_pattern: str = "",
    dry_run: bool = False,
    recheck: bool = False,
    report: Callable[[ItemOutcome], None] = lambda outcome: None,
    data: bytes | None = None,
) -> RunResult:
    """Harvest the feed or listing at ``url`` (or given as ``data``, a feed file's bytes).

    ``recheck`` asks again for every item's page even when the feed describes it as before
    (conditionally, so unchanged pages cost a 304).  ``report`` hears each item's outcome.
    """
    run = _Run(url, fetcher, source, publisher or (source.publisher if source else ""),
               link_pattern or (source.link_pattern if source else ""), dry_run, recheck, report)
    return run.go(data)


class _Run:
    def __init__(self, url, fetcher, source, publisher, link_pattern, dry_run, recheck, report):
        self.url, self.fetcher, self.source = url, fetcher, source
        self.publisher, self.link_pattern = publisher, link_pattern
        self.dry_run, self.recheck, self.report = dry_run, recheck, report
        self.result = RunResult(url)
        self.feed_title = ""
        # The feed's answer, whose ETag and Last-Modified the source keeps for next time.
        self.feed_response = None

    def go(self, data: bytes | None) -> RunResult:
        try:
            feed = self._read(data)
        except (FetchError, TranscriptError) as error:
            self.result.error = str(error).removeprefix(f"{self.url}: ")
            self._finish()
            return self.result
        known = {item.url: item for item in HarvestedItem.objects.filter(feed_url=self.url)}
        listed = set()
        for item in feed.items if feed else []:
            link = clean_url(item.link) if item.link else ""
            if not link and not item.content:
                continue
            listed.add(link)
            self._item(item, link, known.get(link) or (HarvestedItem.objects.filter(url=link).first() if link else None))
        # Items that failed before and are not in this feed (or the feed did not change).
        for state in known.values():
            if state.status == HarvestedItem.Status.FAILED and state.url not in listed:
                self._item(FeedItem(title=state.title, link=state.url, date=state.date), state.url, state)
        if feed is not None:
            self.result.dropped = sum(
                1 for state in known.values() if state.url not in listed and state.status == HarvestedItem.Status.INGESTED
            )
        self._finish()
        return self.result

    def _read(self, data: bytes | None) -> Feed | None:
        if data is not None:
            return read_feed(data, name=self.url)
        etag = self.source.etag if self.source and not self.recheck else ""
        modified = self.source.last_modified if self.source and not self.recheck else ""
        response = self.fetcher.get(self.url, etag=etag, last_modified=modified)
        if response.not_modified:
            self.result.not_modified = True
            return None
        self.feed_response = response
        if looks_like_feed(response.content, response.content_type):
            feed = read_feed(response.content, name=self.url)
        elif self.link_pattern:
            feed = read_listing(response.content, response.url, self.link_pattern)
        else:
            raise TranscriptError(
                f"{self.url}: a web page, not a feed; give a link pattern (--links, or the source's) to read it as a listing"
            )
        self.feed_title = feed.title
        return feed

    def _item(self, item: FeedItem, link: str, state: HarvestedItem | None):
        name = link or item.title
        unchanged_before = state is not None and state.status == HarvestedItem.Status.INGESTED and state.transcript_id
        if unchanged_before and state.fingerprint == item.fingerprint and not self.recheck:
            self._tell(ItemOutcome(name, "unchanged", "unchanged since the last run", state.transcript_id))
            return
        page = None
        try:
            if needs_page(item):
                conditional = unchanged_before and not self.dry_run
                page = self.fetcher.get(
                    link, etag=state.etag if conditional else "", last_modified=state.last_modified if conditional else ""
                )
                if page.not_modified:
                    self._remember(state, item, link, page=page)
                    self._tell(ItemOutcome(name, "unchanged", "page not modified", state.transcript_id))
                    return
                parsed, text = parse_fetched(page, name=link)
                if not parsed.date and item.date:
                    parsed.date = item.date
                if item.title and not parsed.title:
                    parsed.title = item.title
            else:
                parsed, text = parse_item(item, name=name)
            parsed.source_name = self.publisher or parsed.source_name or self.feed_title
            if self.dry_run:
                self._tell(ItemOutcome(name, "would ingest", f"“{parsed.title}” ({len(parsed.turns)} turns) as {parsed.source_url}",
                                       turns=len(parsed.turns)))
                return
            loaded = load_transcript(parsed, text)
        except DatabaseError:
            raise  # the database, not the page, is in trouble: stop the run
        except Exception as error:  # noqa: BLE001 — one bad page must not stop the others
            reason = str(error).removeprefix(f"{link}: ").removeprefix(f"{name}: ")
            if not isinstance(error, (FetchError, TranscriptError)):
                reason = f"could not be read ({error.__class__.__name__}: {reason})"
            if not self.dry_run:
                self._remember(state, item, link, error=reason)
            self._tell(ItemOutcome(name, "failed", reason))
            return
        self._remember(state, item, link, page=page, transcript=loaded.transcript, canonical=parsed.source_url)
        self._tell(ItemOutcome(name, loaded.status, f"“{loaded.transcript.title}”, {loaded.turns} turns → "
                               f"{loaded.transcript.get_absolute_url()}", loaded.transcript.pk, loaded.turns))

    def _remember(self, state, item, link, *, page=None, transcript=None, canonical="", error=""):
        if self.dry_run or not link:
            return
        if state is None:
            state = HarvestedItem(url=link)
        state.feed_url = self.url
        state.source = self.source
        state.title = (item.title or state.title)[:500]
        state.date = item.date or state.date
        if error:
            state.status, state.error, state.failures = HarvestedItem.Status.FAILED, error, state.failures + 1
        else:
            state.status, state.error, state.failures = HarvestedItem.Status.INGESTED, "", 0
            state.fingerprint = item.fingerprint
        if transcript is not None:
            state.transcript = transcript
            state.canonical_url = canonical
        if page is not None and not page.not_modified:
            state.etag, state.last_modified = page.etag[:500], page.last_modified[:100]
        state.save()

    def _tell(self, outcome: ItemOutcome):
        self.result.outcomes.append(outcome)
        self.report(outcome)

    def _finish(self):
        if self.dry_run or self.source is None:
            return
        if self.feed_response is not None:
            self.source.etag = self.feed_response.etag[:500]
            self.source.last_modified = self.feed_response.last_modified[:100]
        self.source.last_run = timezone.now()
        self.source.last_status = self.result.summary()[:500]
        self.source.save(update_fields=["etag", "last_modified", "last_run", "last_status"])
