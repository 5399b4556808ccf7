"""manage.py move_archive --to postgres://…: copy the whole archive into an empty PostgreSQL database."""

from django.core.management.base import BaseCommand, CommandError

from archive.moving import CHUNK_SIZE, MoveError, move_archive


class Command(BaseCommand):
    help = (
        "Copy every row of the current database (DATABASE_URL) into an empty PostgreSQL database, "
        "keeping every id, so every transcript, turn and speaker address answers the same there. "
        "The target is migrated first and written in one transaction: a failure leaves it empty."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", required=True, metavar="URL", help="The empty target, postgres://user@host:5432/name."
        )
        parser.add_argument(
            "--chunk-size", type=int, default=CHUNK_SIZE, help="Rows read and written at a time (default: %(default)s)."
        )

    def handle(self, *args, to, chunk_size, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        quiet = options["verbosity"] < 1
        progress = (lambda line: None) if quiet else self.stdout.write
        try:
            result = move_archive(to, chunk_size=chunk_size, progress=progress)
        except MoveError as error:
            raise CommandError(str(error)) from None
        if quiet:
            return
        rate = result.rows / result.copy_seconds if result.copy_seconds else 0
        self.stdout.write(
            f"Moved {len(result.tables)} tables, {result.rows:,} rows in {result.seconds:.1f} s "
            f"(copying {result.copy_seconds:.1f} s, {rate:,.0f} rows/s); "
            "every table holds as many rows on both sides."
        )
        self.stdout.write(
            f"Next: set DATABASE_URL={result.target} (with its password, if any) and run "
            "`manage.py rebuild_search_index`, which builds the search index from that database."
        )
