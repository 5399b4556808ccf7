"""manage.py audit_speakers: list the speakers a maintainer should review and perhaps correct."""

import json

from django.core.management.base import BaseCommand

from archive.speakers.audit import CLASSES, DUPLICATE, PLACE, ROLE_LIKE, audit


class Command(BaseCommand):
    help = (
        "List person speakers that look wrong: likely duplicates (same family name or one name "
        "inside the other, with dates that overlap), names holding place or event words, and "
        "persons that look like roles. Each row gives turns, dates, labels, slug and the admin page "
        "where the speaker is merged or split. Changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON instead of text.")

    def handle(self, *args, **options):
        report = audit()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
            return
        verbose = options["verbosity"] >= 1
        if verbose:
            for kind in CLASSES:
                findings = report.of(kind)
                if not findings:
                    continue
                self.stdout.write(f"{CLASSES[kind]} ({len(findings):,})")
                for finding in findings:
                    self._write_finding(finding)
                self.stdout.write("")
        counts = report.counts()
        self.stdout.write(
            f"{counts[DUPLICATE]:,} likely duplicates, {counts[PLACE]:,} names with place or event words, "
            f"{counts[ROLE_LIKE]:,} persons that look like roles."
        )

    def _write_finding(self, finding):
        summary = " ~ ".join(f"{s.name} ({s.turns:,} turns, {s.dates()})" for s in finding.speakers)
        self.stdout.write(f"  {summary}: {finding.reason}")
        for speaker in finding.speakers:
            labels = "; ".join(speaker.labels) or "no labels"
            self.stdout.write(f"      {speaker.slug}  {speaker.admin_url}  labels: {labels}")
