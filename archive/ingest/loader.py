"""Writing a parsed transcript to the database: one transcript, one transaction.

The loader resolves printed labels to speakers, links answers to the questions they answer,
and keeps every turn's number stable across corrected re-ingests: a turn that is still
there keeps its number (and its address), changed words are kept as a revision, a removed
turn keeps its row (withdrawn) so its address can say so, and new turns get numbers never
used before in that transcript.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from archive.ingest.types import ParsedTranscript, ParsedTurn, TranscriptError
from archive.models import SlugRedirect, Transcript, Turn, TurnRevision
from archive.search.pending import request_index
from archive.speakers.attribution import is_question_label, resolve_speakers
from archive.speakers.labels import read_label
from archive.speakers.names import fold
from archive.topics import tag_turns

# Roles whose turns never answer a question: they ask, chair or relay.
NON_ANSWERING_ROLES = {"Question", "Moderator", "Operator", "Staff", "Interpreter", "Narrator", "Announcer"}
# Two versions of a turn at the same place whose words are at least this similar are one
# turn corrected, not one turn removed and another added.
SAME_TURN_SIMILARITY = 0.6
SLUG_MAX_WORDS = 10
METADATA_FIELDS = ("title", "date", "kind", "location", "venue", "source_name", "source_url", "outlet", "program")


@dataclass
class LoadResult:
    transcript: Transcript
    status: str  # "created", "updated" or "unchanged"
    turns: int = 0
    added: int = 0
    changed: int = 0
    withdrawn: int = 0
    changed_turn_ids: list[int] = field(default_factory=list)
    # The file is a version of the source older than the stored one (same address, other text).
    superseded: bool = False


def content_hash(raw_text: str) -> str:
    return hashlib.sha256(raw_text.encode("utf-8")).hexdigest()


def source_key_for(parsed: ParsedTranscript) -> str:
    """What identifies a transcript across corrected versions: its source URL, else date and title."""
    if parsed.source_url:
        url = parsed.source_url.strip()
        url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
        host, _, rest = url.partition("/")
        return "url:" + host.lower() + "/" + rest.rstrip("/")
    day = parsed.date.isoformat() if parsed.date else "undated"
    return f"title:{day}:{slugify(parsed.title)}"


def load_transcript(parsed: ParsedTranscript, raw_text: str, *, force: bool = False, source_key: str = "") -> LoadResult:
    """Create or update the transcript ``parsed`` describes, all or nothing.

    ``force`` writes even unchanged input and ``source_key`` names the stored transcript to
    update (re-reading stored text with newer rules, which may read another title).

    Raises TranscriptError for a transcript that cannot be stored (no title, no turns).
    """
    if not parsed.title.strip():
        raise TranscriptError("no title found in the text; give one with --title")
    if not parsed.turns:
        raise TranscriptError("no turns found in the text")
    digest = content_hash(raw_text)
    key = source_key or source_key_for(parsed)
    with transaction.atomic():
        transcript = Transcript.objects.select_for_update().filter(source_key=key).first()
        metadata = _metadata(parsed)
        if not force and transcript is not None and transcript.content_hash == digest and _same_metadata(transcript, metadata):
            return LoadResult(transcript, "unchanged", turns=transcript.turns.live().count())
        if not force and transcript is not None and digest in transcript.version_hashes:
            # Another version of this source was ingested after this one: keep it.
            return LoadResult(transcript, "unchanged", turns=transcript.turns.live().count(), superseded=True)
        created = transcript is None
        if created:
            transcript = Transcript(source_key=key, slug=_unique_slug(parsed))
        for name, value in metadata.items():
            setattr(transcript, name, value)
        transcript.raw_text = raw_text
        transcript.content_hash = digest
        transcript.version_hashes = [*[h for h in transcript.version_hashes if h != digest], digest]
        transcript.save()

        resolved = resolve_speakers(parsed)
        result = _write_turns(transcript, parsed.turns, resolved, new=created)
        # In the same transaction: the index learns of this version even if the process dies
        # before it gets to write it (an engine inside the database writes it now).
        request_index([transcript.pk])
        result.status = "created" if created else "updated"
        return result


def _metadata(parsed: ParsedTranscript) -> dict:
    metadata = {name: getattr(parsed, name) for name in METADATA_FIELDS}
    metadata["title"] = metadata["title"].strip()[:500]
    return metadata


def _same_metadata(transcript: Transcript, metadata: dict) -> bool:
    return all(getattr(transcript, name) == value for name, value in metadata.items())


def _unique_slug(parsed: ParsedTranscript) -> str:
    words = slugify(parsed.title).split("-")[:SLUG_MAX_WORDS]
    base = "-".join(filter(None, [parsed.date.isoformat() if parsed.date else "", *words]))[:180].strip("-")
    base = base or "transcript"
    slug, counter = base, 2
    while Transcript.objects.filter(slug=slug).exists() or _is_old_slug(slug):
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _is_old_slug(slug: str) -> bool:
    return SlugRedirect.objects.filter(old_slug=slug).exists()


# Turns -------------------------------------------------------------------------------------


def _turn_key(label: str, text: str) -> tuple[str, str]:
    return (fold(label), re.sub(r"\s+", " ", text).strip())


def _similar(old: Turn, new: ParsedTurn) -> bool:
    """Whether ``new`` is ``old`` corrected: close as text, or keeping most of its words.

    The second test matters for short turns, where adding a few words ("One." to "One, and
    more.") changes most of the characters but not what was said.
    """
    old_words = set(re.findall(r"\w+", old.text.casefold()))
    new_words = set(re.findall(r"\w+", new.text.casefold()))
    if old_words and len(old_words & new_words) / len(old_words) >= SAME_TURN_SIMILARITY:
        return True
    return SequenceMatcher(None, old.text, new.text, autojunk=False).ratio() >= SAME_TURN_SIMILARITY


def align_turns(old_turns: list[Turn], new_turns: list[ParsedTurn]) -> list[tuple[Turn | None, ParsedTurn | None]]:
    """Pair each stored turn with its counterpart in the new version, in the new order.

    Unchanged turns pair by content; where a stretch changed, turns at the same place pair
    when their words are close enough to be one turn corrected. Unpaired old turns were
    removed (returned with None), unpaired new turns are new.
    """
    matcher = SequenceMatcher(
        None,
        [_turn_key(t.speaker_label, t.text) for t in old_turns],
        [_turn_key(t.speaker_label, t.text) for t in new_turns],
        autojunk=False,
    )
    pairs: list[tuple[Turn | None, ParsedTurn | None]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs.extend(zip(old_turns[i1:i2], new_turns[j1:j2]))
            continue
        olds, news = old_turns[i1:i2], new_turns[j1:j2]
        i = 0
        for new in news:
            # Walk the old stretch in order; skipped old turns were removed.
            match_at = next((k for k in range(i, len(olds)) if _similar(olds[k], new)), None)
            if match_at is None:
                pairs.append((None, new))
                continue
            pairs.extend((removed, None) for removed in olds[i:match_at])
            pairs.append((olds[match_at], new))
            i = match_at + 1
        pairs.extend((removed, None) for removed in olds[i:])
    return pairs


def _write_turns(transcript: Transcript, parsed_turns: list[ParsedTurn], resolved: dict, new: bool = False) -> LoadResult:
    """Write the turns of ``transcript`` (``new``: just created, so without any turn yet)."""
    result = LoadResult(transcript, "")
    now = timezone.now()
    old_turns = [] if new else list(transcript.turns.live().order_by("position"))
    next_number = 1 if new else (transcript.turns.aggregate(top=Max("number"))["top"] or 0) + 1
    if old_turns:
        # Free every position first: the new order may swap turns, and positions are unique.
        transcript.turns.live().update(position=None)

    position = 0
    to_create: list[Turn] = []
    to_update: list[Turn] = []
    revisions: list[TurnRevision] = []
    for old, new in align_turns(old_turns, parsed_turns):
        if new is None:
            old.withdrawn = now
            old.save(update_fields=["withdrawn", "modified"])
            result.withdrawn += 1
            result.changed_turn_ids.append(old.pk)
            continue
        position += 1
        speaker = resolved.get(new.speaker_label)
        if old is None:
            to_create.append(Turn(
                transcript=transcript, position=position, number=next_number, speaker=speaker,
                speaker_label=new.speaker_label, text=new.text, notes=list(new.notes),
            ))
            next_number += 1
            result.added += 1
            continue
        if (old.text, old.speaker_label, old.notes) != (new.text, new.speaker_label, list(new.notes)):
            revisions.append(TurnRevision(turn=old, speaker_label=old.speaker_label, text=old.text, notes=old.notes))
            old.text, old.speaker_label, old.notes = new.text, new.speaker_label, list(new.notes)
            result.changed += 1
            result.changed_turn_ids.append(old.pk)
        elif old.position != position or old.speaker_id != (speaker.pk if speaker else None):
            result.changed_turn_ids.append(old.pk)
        old.position = position
        old.speaker = speaker
        old.modified = now
        to_update.append(old)

    if to_update:
        Turn.objects.bulk_update(to_update, ["position", "speaker", "speaker_label", "text", "notes", "modified"])
    created = Turn.objects.bulk_create(to_create)
    if revisions:
        TurnRevision.objects.bulk_create(revisions)
    result.changed_turn_ids.extend(turn.pk for turn in created)

    if all(turn.pk is not None for turn in created):
        # The rows as written, without reading them back.
        live = sorted([*to_update, *created], key=lambda turn: turn.position)
    else:  # a database that does not return the ids of inserted rows
        live = list(transcript.turns.live().order_by("position").select_related("speaker"))
    _link_answers(live)
    tag_turns(live)
    result.turns = len(live)
    return result


def is_question(turn: Turn) -> bool:
    return is_question_label(turn.speaker_label)


def _link_answers(turns: list[Turn]) -> None:
    """Point each answer at the question it answers: the latest question before it."""
    question = None
    changed = []
    for turn in turns:
        if is_question(turn):
            target = None
            question = turn
        else:
            role = read_label(turn.speaker_label).role
            target = question if question and role not in NON_ANSWERING_ROLES else None
        if turn.answers_id != (target.pk if target else None):
            turn.answers = target
            changed.append(turn)
    if changed:
        # One statement run for every row: several times faster than bulk_update's CASE,
        # which Django assembles expression by expression.
        connection = connections[router.db_for_write(Turn)]
        quote = connection.ops.quote_name
        column = quote(Turn._meta.get_field("answers").column)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(Turn._meta.db_table)} SET {column} = %s WHERE {quote(Turn._meta.pk.column)} = %s",
                [(turn.answers_id, turn.pk) for turn in changed],
            )
