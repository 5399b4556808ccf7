"""manage.py production: the archive served for real, by gunicorn with several workers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.management.indexing import IndexesStoredTranscripts

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn_conf.py"


class Command(IndexesStoredTranscripts, BaseCommand):
    help = (
        "Migrate, collect the static files (hashed names, compressed), index whatever an interrupted "
        "ingest left waiting, then serve the archive with gunicorn. Needs DJANGO_DEBUG=0 and DJANGO_SECRET_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Address and port (default %(default)s).")
        parser.add_argument("--workers", type=int, help="Worker processes (default: cores + 1, or GUNICORN_WORKERS).")
        parser.add_argument("--prepare-only", action="store_true", help="Prepare, but do not start the server.")

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError(
                "DEBUG is on. Production needs DJANGO_DEBUG=0 and a DJANGO_SECRET_KEY of your own "
                "(and DJANGO_ALLOWED_HOSTS naming the site's host); `manage.py serve` is the development server."
            )
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Collecting static files into {settings.STATIC_ROOT}…")
        call_command("collectstatic", interactive=False, verbosity=0)
        self.verbosity = options["verbosity"]
        self.index_waiting()
        if options["prepare_only"]:
            return
        argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--bind", options["addrport"]]
        if options["workers"]:
            argv += ["--workers", str(options["workers"])]
        argv.append("archive.wsgi:application")
        self.stdout.write(f"Starting gunicorn at http://{options['addrport']}/ …")
        sys.stdout.flush()
        # gunicorn takes over this process: signals (TERM to stop, HUP to reload) reach it directly.
        os.execv(sys.executable, argv)
