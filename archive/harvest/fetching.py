"""Fetching publishers' pages politely: who we are, what robots.txt allows, one request at a
time per host with a pause between, conditional requests, and retries when a server is down.
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.robotparser
from dataclasses import dataclass, field

import httpx
from django.conf import settings

__all__ = ["FetchError", "Fetcher", "Response"]

RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10
# A transcript page is a few hundred kilobytes; anything far larger is not one.
MAX_BYTES = 20 * 1024 * 1024
MAX_RETRY_AFTER = 120.0


class FetchError(Exception):
    """A URL that could not be fetched; the message names the URL and the reason."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass
class Response:
    url: str  # where the page was in the end, after redirects
    status: int
    content: bytes = b""
    headers: dict = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Fetcher:
    """One polite client for a whole run. Settings (``HARVEST_*``) give the defaults."""

    def __init__(self, *, delay=None, retries=None, backoff=None, timeout=None, user_agent=None):
        self.delay = settings.HARVEST_DELAY if delay is None else delay
        self.retries = settings.HARVEST_RETRIES if retries is None else retries
        self.backoff = settings.HARVEST_BACKOFF if backoff is None else backoff
        self.user_agent = user_agent or settings.HARVEST_USER_AGENT
        self.client = httpx.Client(
            follow_redirects=False,
            timeout=settings.HARVEST_TIMEOUT if timeout is None else timeout,
            headers={"User-Agent": self.user_agent},
        )
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.requests = 0

    def close(self):
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> Response:
        """GET ``url``; a 304 comes back as a Response, any other failure as FetchError.

        Redirects are followed one hop at a time, so that each address is asked for only
        if its robots.txt allows it, and with the pause its host is due.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        address = url
        for _hop in range(MAX_REDIRECTS + 1):
            parts = urllib.parse.urlsplit(address)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(url, f"not an http(s) address: {address}" if address != url else "not an http(s) address")
            if not self.allowed(address):
                raise FetchError(url, f"robots.txt of {parts.hostname} does not allow {self.user_agent.split('/')[0]} here")
            response = self._request(address, headers)
            location = response.headers.get("location", "")
            if response.status in REDIRECT_STATUSES and location:
                address = urllib.parse.urljoin(address, location)
                continue
            if response.status == 304:
                return response
            if response.status >= 400:
                raise FetchError(url, f"the server answered {response.status}")
            return response
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def allowed(self, url: str) -> bool:
        """What the site's robots.txt says of ``url`` for our User-Agent."""
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        rules = self._robots[origin]
        if rules is None:
            # Unreachable robots.txt (5xx, no answer): the site may be down; ask nothing of it.
            return False
        return rules.can_fetch(self.user_agent, url)

    def _read_robots(self, origin: str):
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        address = origin + "/robots.txt"
        try:
            for _hop in range(MAX_REDIRECTS):
                response = self._request(address, {})
                location = response.headers.get("location", "")
                if response.status not in REDIRECT_STATUSES or not location:
                    break
                address = urllib.parse.urljoin(address, location)
        except FetchError:
            return None
        if response.status >= 500:
            return None
        if response.status >= 400:
            rules.allow_all = True  # no robots.txt: everything is allowed
        else:
            rules.parse(response.content.decode("utf-8", "replace").splitlines())
        return rules

    def _request(self, url: str, headers: dict) -> Response:
        host = urllib.parse.urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            self._wait_for(host)
            reason = ""
            retry_after = None
            try:
                answer = self.client.get(url, headers=headers)
            except httpx.TimeoutException:
                reason = "timed out"
            except httpx.HTTPError as error:
                reason = f"could not connect ({error.__class__.__name__})"
            else:
                if answer.status_code not in RETRY_STATUSES:
                    content = answer.content
                    if len(content) > MAX_BYTES:
                        raise FetchError(url, f"larger than {MAX_BYTES // (1024 * 1024)} MB")
                    return Response(str(answer.url), answer.status_code, content, dict(answer.headers))
                reason = f"the server answered {answer.status_code}"
                retry_after = _seconds(answer.headers.get("retry-after", ""))
            finally:
                self.requests += 1
                self._last_request[host] = time.monotonic()
            if attempt >= self.retries:
                raise FetchError(url, f"{reason} ({attempt + 1} attempts)" if attempt else reason)
            pause = self.backoff * (2**attempt)
            time.sleep(min(MAX_RETRY_AFTER, max(pause, retry_after or 0)))
            attempt += 1

    def _wait_for(self, host: str):
        last = self._last_request.get(host)
        if last is not None and self.delay > 0:
            remaining = self.delay - (time.monotonic() - last)
            if remaining > 0:
                time.sleep(remaining)


def _seconds(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None
