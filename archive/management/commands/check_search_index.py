"""manage.py check_search_index: compare the search index with the database, and repair it."""

from django.core.management.base import BaseCommand, CommandError

from archive.search.indexing import IndexWriteError, check

EXAMPLES = 10


class Command(BaseCommand):
    help = (
        "Report turns missing from the search index, documents of turns that no longer exist, and "
        "documents whose content differs from the database. With --repair, re-index what differs. "
        "Exits non-zero when differences remain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Re-index the transcripts that differ.")
        parser.add_argument("--using", default="default", help="Haystack connection (default: %(default)s).")

    def handle(self, *args, **options):
        try:
            report = check(repair=options["repair"], using=options["using"])
        except IndexWriteError as error:
            raise CommandError(f"The search index could not be checked: {error}") from error
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write(f"Database: {report.database:,} live turns. Index: {report.indexed:,} documents.")
        if report.in_step:
            if verbose:
                self.stdout.write("The search index is in step with the database.")
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
