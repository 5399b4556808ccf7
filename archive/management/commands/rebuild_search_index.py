"""manage.py rebuild_search_index: index every turn anew without interrupting searches."""

import time

from django.core.management.base import BaseCommand, CommandError

from archive.search.indexing import IndexWriteError, rebuild


class Command(BaseCommand):
    help = (
        "Index every live turn into a new index beside the live one, then switch to it atomically. "
        "Searches keep answering from the old index until the new one is complete; ingest and admin "
        "edits made meanwhile wait for the switch and then apply to the new index."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--using", default="default", help="Haystack connection to rebuild (default: %(default)s)."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            count = rebuild(using=options["using"])
        except IndexWriteError as error:
            raise CommandError(f"The search index was not rebuilt: {error}") from error
        if options["verbosity"] >= 1:
            elapsed = time.monotonic() - started
            self.stdout.write(f"Indexed {count:,} turns in {elapsed:.1f}s; the new index is live.")
