"""manage.py serve: the archive ready to browse in one step, for a first run or a demo.

This runs Django's development server: one process, DEBUG on. For a real deployment use
``manage.py production`` (see the README).
"""

import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.models import Transcript

SAMPLES_DIR = settings.BASE_DIR / "fixtures" / "transcripts"


class Command(BaseCommand):
    help = (
        "Migrate the database, ingest the sample transcripts in fixtures/transcripts when the archive is "
        "empty, index whatever waits for the search index, then run the development server."
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
        address = options["addrport"]
        host, _, port = address.rpartition(":")
        host = host.strip("[]") or "127.0.0.1"
        if not options["prepare_only"]:
            # Before any work, so a taken port is said at once and never after "ready".
            _check_port_free(host, port)
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if options["no_samples"]:
            pass
        elif Transcript.objects.exists():
            # Never over what is stored: a corrected sample ingested since must stay corrected.
            self.stdout.write("The archive holds transcripts already; the samples are not ingested again.")
        else:
            self.stdout.write(f"Ingesting the sample transcripts from {SAMPLES_DIR}…")
            try:
                call_command("ingest", str(SAMPLES_DIR), verbosity=1, stdout=self.stdout, stderr=self.stderr)
            except CommandError as error:
                self.stderr.write(f"Some samples did not load: {error}")
        self.stdout.write("Checking the search index…")
        call_command("check_search_index", repair=True, verbosity=1, stdout=self.stdout, stderr=self.stderr)
        if options["prepare_only"]:
            return
        self.stdout.write(
            self.style.SUCCESS(f"\nThe archive is ready at http://{_url_host(host)}:{port}/\n")
            + "This is Django's development server, for trying the archive on this machine; "
            "run `manage.py production` to serve it for real.\n"
        )
        call_command("runserver", address, use_reloader=False)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _check_port_free(host: str, port: str) -> None:
    try:
        number = int(port)
    except ValueError:
        raise CommandError(f"{port!r} is not a port number; give ADDRESS:PORT, e.g. 127.0.0.1:8000") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, number))
        except OSError as error:
            raise CommandError(
                f"cannot serve at {host}:{number}: {error.strerror or error}. "
                "Is the archive already running? Give another address, e.g. `manage.py serve 127.0.0.1:8001`."
            ) from None
