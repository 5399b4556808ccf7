"""What the admin calls so that staff edits reach the search index.

Every hook schedules the re-index for after the admin's transaction commits, so the index
is written from what the database really holds and a rolled-back edit writes nothing. Call
a hook after the change it announces, in its transaction: the transcripts' turn tallies are
counted then (``archive/tallies.py``). The hooks called before a delete are those whose
rows' tallies go with them.
"""

from __future__ import annotations

from django.db import transaction

from archive.search.indexing import index_transcripts_on_commit, remove_transcripts_on_commit


def transcripts_changed(transcript_ids) -> None:
    """Transcripts (or their turns) were edited: re-index them after commit."""
    index_transcripts_on_commit(transcript_ids)


def transcripts_deleted(transcript_ids) -> None:
    """Transcripts are being deleted: drop their documents after commit.

    Call with the ids *before* deleting (a deleted object has no primary key).
    """
    remove_transcripts_on_commit(list(transcript_ids))


def speakers_changed(speaker_ids) -> None:
    """A speaker's name or address changed, or speakers are being deleted (turns keep their
    label): re-index every transcript they speak in. Call before a delete."""
    from archive.models import Turn

    ids = set(Turn.objects.filter(speaker_id__in=list(speaker_ids)).values_list("transcript_id", flat=True))
    index_transcripts_on_commit(ids)


def topics_changed(topic_ids, retag: bool = True) -> None:
    """Topics were added, edited or are being deleted: re-apply the vocabulary if asked, then
    re-index the transcripts whose turns carry (or now gain or lose) them. Call before a delete.
    """
    from archive.models import Turn
    from archive.topics import retag_all

    ids = set(Turn.objects.filter(topics__in=list(topic_ids)).values_list("transcript_id", flat=True))
    if retag:
        # After commit, so the vocabulary includes the edit and a deleted topic is gone.
        def apply():
            with transaction.atomic():
                _changed, affected = retag_all()
            index_transcripts_on_commit(ids | affected)

        transaction.on_commit(apply)
    else:
        index_transcripts_on_commit(ids)
