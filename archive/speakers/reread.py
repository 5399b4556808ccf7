"""Reading the stored transcripts again with today's rules.

Ingest skips unchanged files, so an archive built before the parser and attribution improved
keeps what it was given then: "Strategic Communications John Kirby" and "Mr. Kirby", a
header block as a first turn, questions glued into answers. This reads each stored
transcript's raw text again and loads it as a correction — turn numbers and addresses stay,
changed words are kept as revisions — keeping the stored metadata where it is set (it may
have come from flags or a metadata file) and letting the text fill what is empty. Speakers
left without turns are retired: each old address answers 301 to the speaker that received
most of its turns. Staff pins are followed, as at ingest. One transaction per transcript;
the search index follows each as it commits.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from archive.ingest.loader import load_transcript
from archive.ingest.parsing import parse
from archive.ingest.types import TranscriptError
from archive.models import Speaker, SpeakerRedirect, Transcript, Turn
from archive.search import hooks as search_hooks

# Stored values win where set: they may come from flags or a metadata file.
# The kind "other" is what the parser says when it cannot tell, so it counts as unset.
KEPT_METADATA = ("title", "date", "kind", "location", "venue", "source_url", "source_name", "outlet", "program")


@dataclass
class RereadReport:
    transcripts: int = 0
    changed: set[int] = field(default_factory=set)  # transcripts whose turns or speakers changed
    speakers_changed: int = 0  # turns now attributed to another speaker
    retired: dict[str, str] = field(default_factory=dict)  # old speaker -> where its address leads ("" : nowhere)
    failed: dict[str, str] = field(default_factory=dict)  # transcript slug -> reason


PASSES = 3
FILE_NAME_TITLE = re.compile(r"\d{4} \d{2} \d{2} [a-z0-9 ]+")


class _DryRun(Exception):
    """Raised to roll a dry run back."""


def reread(transcripts=None, *, dry_run: bool = False) -> RereadReport:
    """Read ``transcripts`` (default: all) again; see the module docstring. With ``dry_run``
    everything is done and rolled back, and the report says what would change."""
    report = RereadReport()
    moved: dict[int, Counter] = defaultdict(Counter)  # old speaker id -> new speaker id -> turns
    before = set(Speaker.objects.values_list("pk", flat=True))
    queryset = transcripts if transcripts is not None else Transcript.objects.all()
    try:
        with transaction.atomic():
            # A second pass settles what the first made possible: a label-only speaker can join
            # a full name only once both are stored.
            for _ in range(PASSES):
                changed_in_pass = set()
                for transcript in queryset.order_by("date", "pk").iterator():
                    try:
                        with transaction.atomic():
                            changed, reassigned = _reread_one(transcript, moved)
                    except TranscriptError as error:
                        report.failed[transcript.slug] = str(error)
                        continue
                    if changed:
                        changed_in_pass.add(transcript.pk)
                    report.speakers_changed += reassigned
                report.changed |= changed_in_pass
                if not changed_in_pass:
                    break
            report.transcripts = queryset.count()
            report.retired = _retire_orphans(before, moved)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _reread_one(transcript: Transcript, moved: dict[int, Counter]) -> tuple[bool, int]:
    old = dict(transcript.turns.live().values_list("pk", "speaker_id"))
    parsed = parse(transcript.raw_text, filename=transcript.slug)
    # A title ingest made from a file name ("2022 04 15 on the record briefing …") because
    # the parser could not read the headline then: the headline, and the kind it implies, win.
    from_file_name = bool(parsed.title) and FILE_NAME_TITLE.fullmatch(transcript.title) is not None
    for name in KEPT_METADATA:
        stored = getattr(transcript, name)
        if from_file_name and name in ("title", "kind"):
            continue
        if stored and not (name == "kind" and stored == "other"):
            setattr(parsed, name, stored)
    result = load_transcript(parsed, transcript.raw_text, force=True, source_key=transcript.source_key)
    new = dict(result.transcript.turns.live().values_list("pk", "speaker_id"))
    reassigned = 0
    for pk, speaker_id in new.items():
        was = old.get(pk)
        if pk in old and was != speaker_id:
            reassigned += 1
            if was:
                moved[was][speaker_id] += 1
    changed = bool(reassigned or result.added or result.withdrawn or result.changed or set(old) != set(new))
    if changed:
        search_hooks.transcripts_changed([transcript.pk])
    return changed, reassigned


def _retire_orphans(before: set[int], moved: dict[int, Counter]) -> dict[str, str]:
    """Delete the speakers no live turn names any more, leaving their addresses, names and
    withdrawn turns to the speaker that took most of their turns (withdrawn turns of a
    speaker nobody took keep their printed label: a field name read as a speaker, say)."""
    retired = {}
    named = Turn.objects.live().filter(speaker__isnull=False).values("speaker_id")
    for orphan in Speaker.objects.filter(pk__in=before).exclude(pk__in=named):
        successors = moved.get(orphan.pk)
        heir = Speaker.objects.filter(pk=successors.most_common(1)[0][0]).first() if successors else None
        Turn.objects.filter(speaker=orphan).update(speaker=heir)
        if heir is not None:
            SpeakerRedirect.objects.filter(speaker=orphan).update(speaker=heir)
            SpeakerRedirect.objects.update_or_create(old_slug=orphan.slug, defaults={"old_name": orphan.name, "speaker": heir})
        retired[orphan.name] = heir.name if heir else ""
        orphan.delete()
    return retired
