"""manage.py harvest: bring in what publishers' feeds and listings have published since the last run."""

from __future__ import annotations

import contextlib
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from archive.harvest.fetching import Fetcher
from archive.harvest.runner import harvest
from archive.management.indexing import IndexesStoredTranscripts
from archive.models import Source


class Command(IndexesStoredTranscripts, BaseCommand):
    help = (
        "Harvest publishers' feeds and listing pages: fetch what is new since the last run, follow items "
        "that carry only a summary to their page, and ingest them. With no FEED_URL, harvests the enabled "
        "sources in the database that are due. Polite (robots.txt, one request at a time per host with a "
        "pause, conditional requests) and idempotent: the canonical address is a transcript's identity."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "urls", nargs="*", metavar="FEED_URL",
            help="Feeds (RSS, Atom, JSON records) or listing pages to harvest once; a source with that URL keeps its state.",
        )
        parser.add_argument("--source", action="append", default=[], metavar="NAME",
                            help="Harvest the source of this name (or URL) now, due or not; may be repeated.")
        parser.add_argument("--all", action="store_true", help="Harvest every enabled source now, due or not.")
        parser.add_argument("--dry-run", action="store_true", help="Fetch and report what would be ingested; write nothing.")
        parser.add_argument("--recheck", action="store_true",
                            help="Ask again for every item's page, even those the feed describes as before.")
        parser.add_argument("--publisher", default="", help='Publisher for a FEED_URL run, e.g. "The White House".')
        parser.add_argument("--links", default="", metavar="PATTERN",
                            help="For a listing page: a regular expression that its transcript addresses match.")
        parser.add_argument("--delay", type=float, help="Seconds between two requests to one host (default: setting).")
        parser.add_argument("--progress", choices=["auto", "bar", "lines"], default="auto",
                            help="A progress bar, a line per item, or (auto) a bar on a terminal and lines otherwise.")

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        targets = self._targets(options)
        if not targets:
            self._say("No source is due. (Add sources in the admin, or give a FEED_URL.)")
            return
        if not options["dry_run"]:
            # What an interrupted run stored but never indexed becomes searchable first.
            self.index_waiting()
        bar = self._bar(options["progress"])
        touched, failed, results = [], 0, []
        with Fetcher(delay=options["delay"]) as fetcher:
            for url, source in targets:
                result = harvest(
                    url, fetcher=fetcher, source=source, publisher=options["publisher"], link_pattern=options["links"],
                    dry_run=options["dry_run"], recheck=options["recheck"], report=self._reporter(bar),
                )
                with bar.external_write_mode() if bar is not None else contextlib.nullcontext():
                    if result.error:
                        self.stderr.write(result.summary())
                    else:
                        self._say(result.summary(options["dry_run"]))
                results.append(result)
                touched.extend(result.touched_ids)
                failed += result.failed
            requests = fetcher.requests
        if bar is not None:
            bar.close()
        if touched:
            self.index_stored(sorted(set(touched)))
        self._say(_total(results, requests, options["dry_run"]))
        if failed:
            raise CommandError(f"{failed} item{'s' if failed != 1 else ''} failed; they are retried next run", returncode=1)

    def _targets(self, options):
        targets = []
        for url in options["urls"]:
            targets.append((url, Source.objects.filter(url=url).first()))
        for name in options["source"]:
            source = Source.objects.filter(name=name).first() or Source.objects.filter(url=name).first()
            if source is None:
                raise CommandError(f"no source named {name!r}; see the Sources page in the admin")
            targets.append((source.url, source))
        if not options["urls"] and not options["source"]:
            now = timezone.now()
            for source in Source.objects.filter(enabled=True):
                if options["all"] or source.is_due(now):
                    targets.append((source.url, source))
        return targets

    def _bar(self, mode):
        interactive = getattr(self.stdout, "isatty", lambda: False)()
        if self.verbosity < 1 or mode == "lines" or (mode == "auto" and not interactive):
            return None
        from tqdm import tqdm

        # The bar lives on stderr; item lines still go to stdout, written around it.
        return tqdm(unit=" items", file=sys.stderr, dynamic_ncols=True, leave=False)

    def _reporter(self, bar):
        def report(outcome):
            line = f"{outcome.url}: {outcome.status}" + (f": {outcome.message}" if outcome.message else "")
            failed = outcome.status == "failed"
            level = 2 if outcome.status == "unchanged" else 1
            if bar is not None:
                # With a bar, only what changed or failed gets its own line.
                level = 2 if outcome.status not in ("created", "updated", "failed") else 1
                with bar.external_write_mode():
                    self._line(line, failed, level)
                bar.update(1)
            else:
                self._line(line, failed, level)
        return report

    def _line(self, line, failed, level):
        if failed:
            self.stderr.write(line)
        else:
            self._say(line, level=level)

    def _say(self, message, level=1):
        if self.verbosity >= level:
            self.stdout.write(message)


def _total(results, requests: int, dry_run: bool) -> str:
    items = sum(len(r.outcomes) for r in results)
    counts = {status: sum(r.count(status) for r in results)
              for status in ("created", "updated", "unchanged", "would ingest", "failed")}
    failed_feeds = sum(1 for r in results if r.error)
    line = f"Harvested {len(results)} feed{'s' if len(results) != 1 else ''} ({items} items, {requests} requests): "
    if dry_run:
        line += f"{counts['would ingest']} would be ingested, {counts['unchanged']} unchanged"
    else:
        line += f"{counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
    line += f", {counts['failed'] + failed_feeds} failed"
    if not dry_run and not counts["created"] and not counts["updated"] and not counts["failed"] + failed_feeds:
        line += " — nothing changed"
    return line
