"""Keeping up with publishers: their feeds and pages fetched politely and ingested.

* ``fetching``: the polite client (User-Agent, robots.txt, one request at a time per host
  with a pause, conditional requests, retries with backoff);
* ``runner``: one harvest of one feed or listing, item by item, with what each run learns
  kept in ``Source`` and ``HarvestedItem`` rows.

Reading pages and feeds into transcripts is pure Python in ``archive.ingest.html`` and
``archive.ingest.feeds``.
"""
