"""What one turn looks like in the search index, built straight from database rows.

Both the bulk indexer and haystack's per-object path (``TurnIndex.full_prepare``) build
documents here, so the index holds the same thing whichever way a turn got there.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from archive.models import Turn

CONTENT_TYPE = "archive.turn"

# Columns read for each turn; a values() query is several times faster than model instances.
TURN_VALUES = (
    "id",
    "transcript_id",
    "position",
    "text",
    "notes",
    "speaker_label",
    "speaker__name",
    "speaker__slug",
    "transcript__title",
    "transcript__date",
    "transcript__kind",
)

_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def readable_elsewhere() -> bool:
    """Whether another process can read the rows this one has committed: not from inside a
    transaction (its rows are not committed yet), nor from a database in this one's memory."""
    from django.db import transaction

    connection = transaction.get_connection()
    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def spoken_text(text: str, notes: Iterable[str] = ()) -> str:
    """The words spoken in a turn: its text without stage directions such as "(Laughter.)".

    Paragraphs stay separated by a blank line; a paragraph that was only a note disappears.
    """
    for note in notes or ():
        if note:
            text = text.replace(note, " ")
    paragraphs = (_SPACES.sub(" ", p).strip() for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def identifier(turn_id: int) -> str:
    """Haystack's identifier for a turn document ("archive.turn.42")."""
    return f"{CONTENT_TYPE}.{turn_id}"


def display_speaker(name: str | None, label: str) -> str:
    """Who spoke as shown to readers; mirrors ``Turn.display_speaker``."""
    if name:
        return name
    return label.title() if label else "Unattributed"


def document(row: dict, topic_slugs: Iterable[str]) -> dict:
    """The index document for one turn, from a row of ``TURN_VALUES``."""
    date = row["transcript__date"]
    text = spoken_text(row["text"], row["notes"])
    day = date.toordinal() if date else 0
    doc = {
        "id": identifier(row["id"]),
        "django_ct": CONTENT_TYPE,
        "django_id": str(row["id"]),
        "text": text,
        "text_exact": text,
        "speaker_name": display_speaker(row["speaker__name"], row["speaker_label"]),
        "title": row["transcript__title"],
        "speaker": row["speaker__slug"] or "",
        "topics": " ".join(sorted(set(topic_slugs))),
        "kind": row["transcript__kind"] or "",
        "year": str(date.year) if date else "",
        "day": day,
        "undated": 0 if date else 1,
        "transcript": str(row["transcript_id"]),
        "transcript_pk": row["transcript_id"],
        "position": row["position"] or 0,
    }
    doc["digest"] = digest(doc)
    return doc


def digest(doc: dict) -> str:
    """A fingerprint of a document's content, stored with it so stale entries can be found."""
    material = "\x1f".join(f"{key}={doc[key]}" for key in sorted(doc) if key != "digest")
    return hashlib.blake2b(material.encode("utf-8"), digest_size=12).hexdigest()


def topics_by_turn(turn_ids: Iterable[int]) -> dict[int, list[str]]:
    """Topic slugs of each turn, in one query."""
    result = defaultdict(list)
    rows = Turn.topics.through.objects.filter(turn_id__in=list(turn_ids)).values_list("turn_id", "topic__slug")
    for turn_id, slug in rows:
        result[turn_id].append(slug)
    return result


def documents(turns, chunk_size: int = 2000) -> Iterator[dict]:
    """Index documents for the live turns of a Turn queryset, read in chunks."""
    rows = turns.filter(position__isnull=False).order_by("id").values(*TURN_VALUES)
    chunk = []
    for row in rows.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield from _chunk_documents(chunk)
            chunk = []
    if chunk:
        yield from _chunk_documents(chunk)


def _chunk_documents(rows: list[dict]) -> Iterator[dict]:
    topics = topics_by_turn(row["id"] for row in rows)
    for row in rows:
        yield document(row, topics.get(row["id"], ()))
