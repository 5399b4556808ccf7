"""manage.py serve: the archive ready to browse in one step, for a first run or a demo."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

SAMPLES_DIR = settings.BASE_DIR / "fixtures" / "transcripts"


class Command(BaseCommand):
    help = (
        "Migrate the database, ingest the sample transcripts in fixtures/transcripts (unchanged ones are "
        "skipped), make sure the search index is complete, then serve the archive for development."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="Address and port to serve on (default 127.0.0.1:8000)."
        )
        parser.add_argument("--no-samples", action="store_true", help="Do not ingest the sample transcripts.")
        parser.add_argument(
            "--prepare-only", action="store_true", help="Do everything but start the server (for scripts and CI)."
        )

    def handle(self, *args, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_samples"]:
            self.stdout.write(f"Ingesting the sample transcripts from {SAMPLES_DIR}…")
            try:
                call_command("ingest", str(SAMPLES_DIR), verbosity=1, stdout=self.stdout, stderr=self.stderr)
            except CommandError as error:
                self.stderr.write(f"Some samples did not load: {error}")
        self.stdout.write("Checking the search index…")
        call_command("check_search_index", repair=True, verbosity=1, stdout=self.stdout, stderr=self.stderr)
        if options["prepare_only"]:
            return
        address = options["addrport"]
        host, _, port = address.rpartition(":")
        self.stdout.write(self.style.SUCCESS(f"\nThe archive is ready at http://{host or '127.0.0.1'}:{port}/\n"))
        call_command("runserver", address, use_reloader=False)
