"""What the benchmarks share: a throw-away archive, real-looking text, and medians.

Nothing here is imported by the archive or by the test suite.
"""

from __future__ import annotations

import datetime
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "fixtures" / "transcripts"
# Real transcripts kept beside the project for measuring; read at run time, never copied.
REAL_SAMPLES = ROOT.parent / "shared" / "samples" / "real"

SECRETARIES = ["BLINKEN", "RUBIO", "KERRY", "POMPEO", "CLINTON"]
MONTHS = "January February March April May June July August September October November December".split()
_LABEL_LINE = re.compile(r"^\s*[A-Z][A-Z .,'\-]+:\s*", re.M)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def configure(workdir: Path, baseline_index: bool = False) -> None:
    """Set Django up on a database and indexes inside ``workdir``, migrated.

    With ``baseline_index`` a second haystack connection, ``baseline``, points at haystack's
    stock Whoosh backend in ``workdir/baseline_index``.
    """
    os.environ["ARCHIVE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    # Measured as it runs in production: with DEBUG on, Django also logs every SQL statement,
    # a few per cent of an ingest. DJANGO_DEBUG=1 in the environment measures development.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    connections_info = {"default": {**settings.HAYSTACK_CONNECTIONS["default"], "PATH": str(workdir / "index")}}
    if baseline_index:
        connections_info["baseline"] = {
            "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
            "PATH": str(workdir / "baseline_index"),
        }
    settings.HAYSTACK_CONNECTIONS = connections_info
    from haystack import connections

    connections.connections_info = connections_info
    connections.reload("default")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def most_used():
    """(the person with the most turns, the topic with the most turns, the most common kind of
    transcript) of the configured archive; the first two None in an archive without them."""
    from django.db.models import Count

    from archive.models import Speaker, Topic, Transcript

    speaker = Speaker.objects.filter(kind="person").annotate(n=Count("turns")).order_by("-n").first()
    topic = Topic.objects.annotate(n=Count("turns")).order_by("-n").first()
    kind = Transcript.objects.values("kind").annotate(n=Count("id")).order_by("-n").first()["kind"]
    return speaker, topic, kind


def _spoken_sentences(text: str) -> list[str]:
    text = _LABEL_LINE.sub("", text)
    found = (s.strip() for s in _SENTENCE_END.split(text))
    return [
        s
        for s in found
        if 30 <= len(s) <= 400 and s[0].isupper() and "\n" not in s and "gov" not in s and "Department of State" not in s
    ]


def sentences(real: bool = True) -> list[str]:
    """Sentences of the sample transcripts, and of the real ones when present, sorted."""
    paths = [p for p in SAMPLES.glob("*") if p.suffix in (".txt", ".md")]
    if real and REAL_SAMPLES.is_dir():
        paths += [p for p in REAL_SAMPLES.rglob("*") if p.suffix in (".txt", ".md")]
    found = set()
    for path in paths:
        found.update(_spoken_sentences(path.read_text(encoding="utf-8", errors="replace")))
    return sorted(found)


def synthetic_transcript(rng: random.Random, pool: list[str], number: int, turns: int) -> str:
    """A State Department style transcript: header, dated, ``QUESTION`` / ``SECRETARY X`` turns."""
    secretary = rng.choice(SECRETARIES)
    lines = [
        f"{secretary.title()}, Secretary of State",
        "",
        "Washington, D.C.",
        "",
        f"Press Availability Number {number} on {rng.choice(pool)[:60].rstrip(' .,?!')}",
        "",
        "Remarks",
        "",
        f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2009, 2026)}",
        "",
    ]
    for position in range(turns):
        asking = position % 2 == 0
        label = "QUESTION" if asking else f"SECRETARY {secretary}"
        paragraphs = []
        for _ in range(1 if asking else rng.randint(1, 3)):
            paragraph = "  ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
            if rng.random() < 0.05:
                paragraph += "  (Laughter.)"
            paragraphs.append(paragraph)
        lines.append(f"{label}:\u00a0 {paragraphs[0]}")
        lines.append("")
        for paragraph in paragraphs[1:]:
            lines.extend([paragraph, ""])
    lines.append("# # #")
    return "\n".join(lines)


def timed(function, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def median_ms(values) -> float:
    return round(statistics.median(values) * 1000, 3)


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarise(label: str, samples) -> dict:
    """Median, 95th percentile and maximum of timings in seconds, as milliseconds."""
    return {
        "label": label,
        "n": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


# -- haystack's stock Whoosh backend, the baseline the archive's backend is measured against --


def build_haystack_index() -> float:
    """Index every turn with haystack's stock Whoosh backend and schema; seconds taken."""
    from haystack import connections

    from archive.models import Turn
    from archive.search.documents import documents

    backend = connections["baseline"].get_backend()
    backend.setup()
    started = time.perf_counter()
    writer = backend.index.writer()
    for doc in documents(Turn.objects.all()):
        writer.add_document(**{k: backend._from_python(v) for k, v in doc.items()})
    writer.commit()
    return time.perf_counter() - started


def haystack_search(params: dict) -> int:
    """The same search through ``SearchQuerySet`` on the stock backend: page, count, facets."""
    from haystack.query import SearchQuerySet

    sqs = SearchQuerySet().using("baseline")
    sqs = sqs.auto_query(params["q"]) if params.get("q") else sqs.all()
    if params.get("speaker"):
        sqs = sqs.narrow(f"speaker:{params['speaker']}")
    if params.get("topic"):
        sqs = sqs.narrow(f"topics:{params['topic']}")
    if params.get("kind"):
        sqs = sqs.narrow(f"kind:{params['kind']}")
    if params.get("sort") in ("newest", "added"):
        sqs = sqs.order_by("-day")
    elif params.get("sort") == "oldest":
        sqs = sqs.order_by("day")
    sqs = sqs.facet("speaker").facet("kind").facet("year").highlight()
    list(sqs[:20])
    total = sqs.count()
    sqs.facet_counts()
    return total


def search_params(params: dict):
    """The archive's SearchParams for a benchmark case written as query-string values."""
    from archive.search.service import SearchParams

    return SearchParams(
        q=params.get("q", ""),
        speaker=params.get("speaker", ""),
        topic=params.get("topic", ""),
        kind=params.get("kind", ""),
        sort=params.get("sort", "relevance"),
        date_from=datetime.date.fromisoformat(params["from"]) if params.get("from") else None,
        date_to=datetime.date.fromisoformat(params["to"]) if params.get("to") else None,
        page=params.get("page", 1),
    )
