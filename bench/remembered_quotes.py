"""Remembered quotes: does a quote typed without quotation marks find its turn first?

Ingests the real transcripts (``../shared/samples/real/``) into a throw-away archive, picks
answers with a fixed seed, takes nine consecutive words from each, types them as an unquoted
search and reports where the answer they came from ranks — with the archive's ranking, and
with the word-order (proximity) boost switched off.

    .venv/bin/python bench/remembered_quotes.py                     # 30 quotes of 9 words
    .venv/bin/python bench/remembered_quotes.py --workdir /tmp/real  # keep the archive to rerun

Nothing from the real transcripts is written into the project.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import REAL_SAMPLES, configure  # noqa: E402

# Results looked at for each quote; a quote ranked past this counts as not found.
DEPTH = 20


def build() -> dict:
    from django.core.management import call_command

    from archive.models import Turn

    started = time.perf_counter()
    call_command("ingest", str(REAL_SAMPLES), stdout=StringIO(), stderr=StringIO())
    elapsed = time.perf_counter() - started
    turns = Turn.objects.live().count()
    return {"ingest_s": round(elapsed, 1), "turns": turns, "turns_per_s": round(turns / elapsed)}


def pick_quotes(count: int, length: int, seed: int) -> list[tuple[int, str]]:
    """(turn primary key, nine words as typed) from answers by named people."""
    from archive.models import Turn
    from archive.search.analysis import WORD_RE
    from archive.search.documents import spoken_text

    rng = random.Random(seed)
    answers = list(
        Turn.objects.live().filter(speaker__kind="person").order_by("pk").values_list("pk", "text", "notes")
    )
    rng.shuffle(answers)
    quotes = []
    for pk, text, notes in answers:
        # What was said, as a listener would remember it: stage directions are not words.
        words = [m.group() for m in WORD_RE.finditer(spoken_text(text, notes))]
        if len(words) < length * 3:
            continue
        start = rng.randrange(0, len(words) - length)
        quotes.append((pk, " ".join(words[start : start + length])))
        if len(quotes) == count:
            break
    return quotes


def ranks(quotes) -> list[dict]:
    from archive.search.query import parse
    from archive.search.service import SearchParams, search

    found = []
    for pk, typed in quotes:
        page = search(SearchParams(q=typed, per_page=DEPTH), facets=False)
        ids = [r.turn.pk for r in page.results]
        rank = ids.index(pk) + 1 if pk in ids else None
        # Another turn saying the very same words (a repeated line) is as good an answer.
        phrase = parse(f'"{typed}"')
        same_words = rank is not None and rank > 1 and _says_it(ids[0], phrase)
        found.append({"turn": pk, "rank": rank, "first_says_it_too": same_words, "total": page.total})
    return found


def _says_it(pk, phrase) -> bool:
    from archive.search.engine import get_engine

    hits = get_engine().search_documents(phrase, facets=(), end=1000)
    return any(int(stored["django_id"]) == pk for stored, _ in hits.page)


def summary(found) -> dict:
    first = sum(1 for f in found if f["rank"] == 1 or f["first_says_it_too"])
    return {
        "first": first,
        "of": len(found),
        "other_ranks": sorted((f["rank"] or DEPTH + 1) for f in found if f["rank"] != 1 and not f["first_says_it_too"]),
    }


def run(args) -> dict:
    from archive.models import Turn
    from archive.search.query import ParsedQuery

    report = {}
    if not Turn.objects.exists():
        report["build"] = build()
    quotes = pick_quotes(args.quotes, args.words, args.seed)
    boosted = ranks(quotes)
    original = ParsedQuery.proximity_words
    ParsedQuery.proximity_words = lambda self: []
    try:
        plain = ranks(quotes)
    finally:
        ParsedQuery.proximity_words = original
    report["with_proximity_boost"] = summary(boosted)
    report["without_proximity_boost"] = summary(plain)
    report["first_15"] = {"with": summary(boosted[:15]), "without": summary(plain[:15])}
    report["per_quote"] = [
        {"words": typed, "rank_with": b["rank"], "rank_without": p["rank"], "matches": b["total"]}
        for (_, typed), b, p in zip(quotes, boosted, plain)
    ]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=30, help="Quotes to try (default 30).")
    parser.add_argument("--words", type=int, default=9, help="Words in each quote (default 9).")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--workdir", metavar="DIR", help="Keep the archive in DIR; a DIR from an earlier run is reused.")
    args = parser.parse_args()
    if not REAL_SAMPLES.is_dir():
        sys.exit(f"{REAL_SAMPLES}: no real transcripts to measure with")
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
        configure(Path(args.workdir))
        report = run(args)
    else:
        with tempfile.TemporaryDirectory(prefix="archive-quotes-") as workdir:
            configure(Path(workdir))
            report = run(args)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
