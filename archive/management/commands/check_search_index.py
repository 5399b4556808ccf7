"""manage.py check_search_index: compare the search index, and the turn tallies the speaker
and topic pages count from, with the database; and repair them."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive import tallies
from archive.search.indexing import IndexWriteError, check

EXAMPLES = 10


class Command(BaseCommand):
    help = (
        "Report turns missing from the search index, documents of turns that no longer exist, and "
        "documents whose content differs from the database, and transcripts whose speaker and topic tallies "
        "differ from their turns. With --repair, re-index and recount what differs. "
        "Exits non-zero when differences remain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Re-index the transcripts that differ.")
        parser.add_argument("--using", default="default", help="Haystack connection (default: %(default)s).")

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 1
        tallies_in_step = self.check_tallies(options["repair"], verbose)
        try:
            report = check(repair=options["repair"], using=options["using"])
        except IndexWriteError as error:
            raise CommandError(f"The search index could not be checked: {error}") from error
        if verbose:
            self.stdout.write(f"Database: {report.database:,} live turns. Index: {report.indexed:,} documents.")
        if report.in_step:
            if verbose:
                self.stdout.write("The search index is in step with the database.")
            if not (tallies_in_step or options["repair"]):
                raise CommandError("The turn tallies differ from the turns; run with --repair to fix them.")
            return
        for label, ids in (
            ("missing from the index", report.missing),
            ("in the index but not in the database", report.extra),
            ("out of date in the index", report.stale),
        ):
            if ids and verbose:
                shown = ", ".join(str(i) for i in ids[:EXAMPLES]) + (" …" if len(ids) > EXAMPLES else "")
                self.stdout.write(f"{len(ids):,} turns {label} (ids {shown})")
        if options["repair"]:
            if verbose:
                self.stdout.write(f"Repaired: re-indexed {len(report.transcripts):,} transcripts.")
            return
        raise CommandError("The search index differs from the database; run with --repair to fix it.")

    def check_tallies(self, repair: bool, verbose: bool) -> bool:
        """Report (and with ``repair`` recount) the transcripts whose tallies are wrong."""
        differing = tallies.differences()
        if not differing:
            return True
        if verbose:
            shown = ", ".join(str(i) for i in differing[:EXAMPLES]) + (" …" if len(differing) > EXAMPLES else "")
            self.stdout.write(f"{len(differing):,} transcripts' turn tallies differ from their turns (ids {shown})")
        if repair:
            with transaction.atomic():
                tallies.recount(differing)
            if verbose:
                self.stdout.write(f"Repaired: recounted {len(differing):,} transcripts.")
        return False
