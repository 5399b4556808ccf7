"""What the browser tests browse: the sample transcripts, ingested and indexed as in use."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "transcripts"
SEED = SAMPLES / "state-2022-01-09-blinken-cnn-sotu.txt"
SOVIET_ANSWER = "one of President Putin’s objectives, and it is to re-exert a sphere of influence"


def load_archive():
    """Ingest every sample transcript, then rebuild the search index from the database."""
    from archive.search.indexing import rebuild

    call_command("ingest", str(SAMPLES), stdout=io.StringIO(), stderr=io.StringIO())
    rebuild()


def seed_answer():
    """The seed interview's answer about Putin and the Soviet Union."""
    from archive.models import Turn

    return Turn.objects.live().select_related("transcript").get(text__contains=SOVIET_ANSWER)
