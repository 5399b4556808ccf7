"""The staff's corrections of attribution: merging speakers, splitting a label off.

Automatic attribution sometimes splits one person into several speakers ("Mr. Kirby" and
"John Kirby") or lumps several people under one. Each correction here runs in one
transaction, leaves the old addresses answering (``SpeakerRedirect``), pins the labels it
moves so that ingest follows the staff's decision, and re-indexes the affected transcripts
once the transaction commits — the same hook the admin's own edits use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from archive.models import Speaker, SpeakerLabel, SpeakerRedirect, Turn
from archive.search import hooks as search_hooks
from archive.speakers.labels import read_label
from archive.speakers.names import fold, name_parts, readable

# Filled on the kept speaker from the merged ones when it has none of its own.
FILLED_FIELDS = ["title", "given_name", "family_name", "name_suffix", "honorific"]


@dataclass(frozen=True)
class MergeResult:
    kept: Speaker
    merged: list[str]  # names of the speakers merged away
    turns_moved: int
    labels_moved: int


@dataclass(frozen=True)
class SplitResult:
    speaker: Speaker  # who now has the turns
    created: bool  # whether that speaker was made by the split
    turns_moved: int


def pinnable(label: str) -> bool:
    """Whether ingest may follow ``label`` to one speaker forever.

    A label that prints only an office ("THE PRESIDENT", "THE SECRETARY") means whoever held
    the office that day; pinning it to one person would hand them their successors' words.
    """
    return not read_label(label).office_only


def check_merge(kept: Speaker, others) -> list[Speaker]:
    """The distinct ``others``; ValueError if merging them into ``kept`` is refused."""
    others = list({other.pk: other for other in others}.values())
    if not others:
        raise ValueError(f"Choose at least one speaker to merge into “{kept}”.")
    for other in others:
        if other.pk == kept.pk:
            raise ValueError(f"“{kept}” cannot be merged into itself.")
        if other.kind != kept.kind:
            person, role = (kept, other) if other.is_role else (other, kept)
            raise ValueError(
                f"“{role}” is a role and “{person}” a person: a role is never merged into a person, "
                "nor a person into a role."
            )
    return others


def merge_speakers(kept: Speaker, others, *, pin: bool = True) -> MergeResult:
    """Make ``kept`` the one speaker of every turn and label of ``others``, then delete them.

    Each other's address and name become a ``SpeakerRedirect`` to ``kept`` (so its page
    answers 301 and ingest finds ``kept`` under the old name), and redirects that led to an
    other lead to ``kept``. ``kept`` takes a title and name parts it lacks from the others.
    Raises ValueError, changing nothing, for a speaker merged into itself or a role and a
    person merged together. ``pin=False`` (ingest joining a label-only speaker to the full
    name the text gave) moves the labels without pinning them: that was no staff decision.
    """
    others = check_merge(kept, others)
    other_ids = [other.pk for other in others]
    with transaction.atomic():
        kept.refresh_from_db()
        # Read the others again inside the transaction: what is merged is what is stored.
        others = list(Speaker.objects.select_for_update().filter(pk__in=other_ids).order_by("pk"))
        if len(others) != len(other_ids):
            raise ValueError("A speaker to merge no longer exists; reload the page and try again.")
        moving = Turn.objects.filter(speaker_id__in=other_ids)
        transcript_ids = set(moving.values_list("transcript_id", flat=True))
        turns_moved = moving.update(speaker=kept, modified=timezone.now())
        # After commit, the moved turns are indexed under the kept speaker's name and slug.
        search_hooks.transcripts_changed(transcript_ids)
        labels_moved = _move_labels(SpeakerLabel.objects.filter(speaker_id__in=other_ids), kept, pin=pin)

        changed = []
        for field in FILLED_FIELDS:
            if not getattr(kept, field):
                value = next((getattr(other, field) for other in others if getattr(other, field)), "")
                if field == "honorific" and kept.given_name:
                    # An honorific only stands in for an unknown given name.
                    value = ""
                if value:
                    setattr(kept, field, value)
                    changed.append(field)
        if changed:
            kept.save(update_fields=[*changed, "modified"])

        SpeakerRedirect.objects.filter(speaker_id__in=other_ids).update(speaker=kept)
        # The kept address is live: it must not lead anywhere else.
        SpeakerRedirect.objects.filter(old_slug=kept.slug).delete()
        for other in others:
            SpeakerRedirect.objects.update_or_create(
                old_slug=other.slug, defaults={"old_name": other.name, "speaker": kept}
            )
        Speaker.objects.filter(pk__in=other_ids).delete()
    return MergeResult(kept, [other.name for other in others], turns_moved, labels_moved)


def split_label(speaker: Speaker, label: str, into: Speaker | None = None) -> SplitResult:
    """Give the turns of ``speaker`` printed as ``label`` to ``into``, or to a new person.

    ``label`` is compared exactly as printed (``Turn.speaker_label``). A new person is named
    from the label in a reader's case ("MR. FERNÁNDEZ HERNÁNDEZ" -> "Mr. Fernández
    Hernández"). The label moves with the turns and is pinned to their new speaker. Raises
    ValueError, changing nothing, when ``speaker`` has no turns under ``label`` or ``into``
    is ``speaker`` itself.
    """
    if into is not None and into.pk == speaker.pk:
        raise ValueError(f"The turns printed as “{label}” already belong to “{speaker}”.")
    with transaction.atomic():
        moving = Turn.objects.filter(speaker=speaker, speaker_label=label)
        transcript_ids = set(moving.values_list("transcript_id", flat=True))
        if not transcript_ids:
            raise ValueError(f"“{speaker}” has no turns printed as “{label}”.")
        created = into is None
        if created and not label.strip():
            raise ValueError("Turns printed without a label cannot name a new speaker: choose who said them.")
        if created:
            into = new_person_from_label(label)
        turns_moved = moving.update(speaker=into, modified=timezone.now())
        search_hooks.transcripts_changed(transcript_ids)
        # The label goes with its turns, pinned, even where ingest had not stored it as a row.
        _move_labels(SpeakerLabel.objects.filter(speaker=speaker, label=label), into, extra=[label])
    return SplitResult(into, created, turns_moved)


def _move_labels(rows, target: Speaker, extra=(), pin: bool = True) -> int:
    """Move label ``rows`` (and the bare labels ``extra``) to ``target``, pinned where that is
    safe, without duplicating a label ``target`` already has. Returns how many labels
    ``target`` gained."""
    # A turn printed without a label has nothing for ingest to follow.
    labels = {label for label in [*(row.label for row in rows), *extra] if label.strip()}
    if not labels:
        return 0
    existing = {row.label: row for row in SpeakerLabel.objects.filter(speaker=target, label__in=labels)}
    gained = 0
    for label in sorted(labels):
        pinned = pin and pinnable(label)
        if label in existing:
            if pinned and not existing[label].pinned:
                SpeakerLabel.objects.filter(pk=existing[label].pk).update(pinned=True)
        else:
            SpeakerLabel.objects.create(speaker=target, label=label, pinned=pinned)
            gained += 1
    rows.exclude(speaker=target).delete()
    return gained


def new_person_from_label(label: str) -> Speaker:
    """A new person speaker named after ``label`` ("MR. KIRBY" -> "Mr. Kirby")."""
    reading = read_label(label)
    if reading.name:
        # "Ned Price, Department Spokesperson" prints the whole name.
        name = readable(reading.name)
        parts = name_parts(name)
        given, family, suffix, honorific = parts.given, parts.family, parts.suffix, parts.honorific
    else:
        name = readable(label)
        given, family, suffix = "", readable(reading.family), ""
        honorific = reading.honorific if family else ""
    return Speaker.objects.create(
        name=name or label,
        slug=unique_slug(name or label),
        kind=Speaker.Kind.PERSON,
        given_name=given,
        family_name=family,
        name_suffix=suffix,
        honorific=honorific,
    )


def unique_slug(name: str) -> str:
    """A slug for ``name`` that no speaker has and no old address holds."""
    base = slugify(fold(name)) or "speaker"
    slug, counter = base, 2
    while Speaker.objects.filter(slug=slug).exists() or SpeakerRedirect.objects.filter(old_slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug
