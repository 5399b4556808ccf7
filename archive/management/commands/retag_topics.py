"""manage.py retag_topics: re-apply the topic vocabulary to every turn already stored."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive import tallies
from archive.search.indexing import IndexWriteError, index_transcripts, request_index
from archive.topics import current_vocabulary, retag_all


class Command(BaseCommand):
    help = (
        "Tag every live turn with the topics its words name, using the vocabulary as it is now in the "
        "database (the Topic table and its aliases). Turns whose topics staff set by hand in the admin keep them. "
        "Then re-index the transcripts whose topics changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-index", action="store_true", help="Change the tags only; leave the search index alone."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        vocabulary = current_vocabulary()
        with transaction.atomic():
            changed, transcripts = retag_all(vocabulary)
            if options["no_index"]:
                # The topic pages count the new tags all the same.
                tallies.recount(transcripts)
            else:
                # Listed with the change: a crash before the index write below loses nothing.
                request_index(transcripts)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Retagged: {changed:,} turns changed topics in {len(transcripts):,} transcripts "
                f"({time.monotonic() - started:.1f}s)."
            )
        if transcripts and not options["no_index"]:
            try:
                count = index_transcripts(transcripts)
            except IndexWriteError as error:
                raise CommandError(
                    f"Topics were changed but the search index was not updated: {error}. "
                    "Run `manage.py check_search_index --repair`."
                ) from error
            if options["verbosity"] >= 1:
                self.stdout.write(f"Re-indexed {count:,} turns.")
