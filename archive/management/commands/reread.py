"""manage.py reread: read the stored transcripts again with the current parser and speaker rules."""

from django.core.management.base import BaseCommand

from archive.models import Transcript
from archive.speakers.reread import reread


class Command(BaseCommand):
    help = (
        "Read every stored transcript again (ingest skips unchanged files) and load it as a correction: "
        "turn numbers stay, speakers and turn boundaries follow the current rules and officeholder list, "
        "stored metadata is kept where set. Speakers left without turns are retired; their pages answer 301 "
        "to the speaker that took most of their turns. Staff pins are followed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these transcripts (default: all).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, slugs, dry_run, **options):
        transcripts = Transcript.objects.filter(slug__in=slugs) if slugs else Transcript.objects.all()
        report = reread(transcripts, dry_run=dry_run)
        for old, new in sorted(report.retired.items()):
            self.stdout.write(f"retired “{old}”" + (f" → “{new}”" if new else " (no turns left)"))
        for slug, reason in report.failed.items():
            self.stderr.write(f"{slug}: {reason}")
        would = "would change" if dry_run else "changed"
        self.stdout.write(
            f"{report.transcripts} transcripts read; {would} {len(report.changed)}, "
            f"{report.speakers_changed} turns to another speaker, {len(report.retired)} speakers retired"
            + (f"; {len(report.failed)} failed" if report.failed else "")
        )
