"""Ingest benchmark: parsing and loading a synthetic corpus, against plain baselines.

Run from the project folder (nothing is written outside a temporary folder):

    .venv/bin/python bench/ingest_bench.py                 # 300 transcripts of 60 turns
    .venv/bin/python bench/ingest_bench.py --transcripts 50 --turns 40

Synthetic transcripts are built, with a fixed seed, from sentences of the sample transcripts,
in the State Department layout (header block, `QUESTION:` / `SECRETARY X:` labels, notes,
an end marker). Reported, as medians per transcript over the corpus:

- parse: ``archive.ingest.parsing.parse`` vs a baseline that only splits on label lines with
  one regular expression (what any parser must at least do);
- load: ``archive.ingest.loader.load_transcript`` (speakers, answers, topics, one
  transaction) vs a baseline that bulk-inserts the same turns with no resolution at all;
- a one-megabyte transcript in each layout (the samples repeated), parsed whole, against
  the same baseline;
- re-ingest unchanged (the idempotency check) and re-ingest corrected (one turn edited, one
  inserted, one removed: the alignment that keeps addresses stable);
- indexing the whole corpus through ``archive.search.indexing.index_transcripts``.
"""

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import ROOT, configure, median_ms, sentences, synthetic_transcript, timed  # noqa: E402

BASELINE_LABEL = re.compile(r"^([A-Z][A-Z .]+):\s+", re.MULTILINE)


def baseline_parse(text: str) -> list[tuple[str, str]]:
    """The least a parser must do: split on label lines."""
    parts = BASELINE_LABEL.split(text)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def main():
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--transcripts", type=int, default=300)
    options.add_argument("--turns", type=int, default=60)
    args = options.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    configure(folder)
    from django.db import transaction

    from archive.ingest.loader import load_transcript
    from archive.ingest.parsing import parse
    from archive.models import Transcript, Turn
    from archive.search.indexing import index_transcripts

    rng = random.Random(1989)
    pool = sentences(real=False)
    texts = [synthetic_transcript(rng, pool, n, args.turns) for n in range(args.transcripts)]

    parse_times, baseline_parse_times, load_times, baseline_load_times = [], [], [], []
    unchanged_times, corrected_times = [], []
    parsed_all = []
    for number, text in enumerate(texts):
        elapsed, parsed = timed(parse, text)
        parse_times.append(elapsed)
        parsed_all.append(parsed)
        baseline_parse_times.append(timed(baseline_parse, text)[0])

    for number, (text, parsed) in enumerate(zip(texts, parsed_all)):
        load_times.append(timed(load_transcript, parsed, text)[0])

    def plain_insert(number, parsed):
        with transaction.atomic():
            transcript = Transcript.objects.create(
                title=parsed.title, slug=f"baseline-{number}", raw_text="", content_hash="", source_key=f"b{number}"
            )
            Turn.objects.bulk_create(
                Turn(transcript=transcript, position=i, number=i, speaker_label=t.speaker_label, text=t.text, notes=t.notes)
                for i, t in enumerate(parsed.turns, start=1)
            )

    for number, parsed in enumerate(parsed_all):
        baseline_load_times.append(timed(plain_insert, number, parsed)[0])

    for text, parsed in zip(texts[:100], parsed_all[:100]):
        unchanged_times.append(timed(load_transcript, parsed, text)[0])
    for text in texts[:100]:
        corrected_text = text.replace("QUESTION:", "QUESTION:\u00a0 Let me add something first.\n\nQUESTION:", 1)
        corrected = parse(corrected_text)
        corrected.turns[3].paragraphs[0] += " And a correction."
        del corrected.turns[7]
        corrected_times.append(timed(load_transcript, corrected, corrected_text)[0])

    # One-megabyte transcripts (the samples repeated), parsed whole: the parser must stay
    # linear on the longest real inputs.
    samples = ROOT / "fixtures" / "transcripts"
    big = {
        "text": (samples / "state-2022-01-09-blinken-cnn-sotu.txt").read_text(encoding="utf-8") * 90,
        "markdown": (samples / "wh-2021-06-15-background-gaggle-geneva.md").read_text(encoding="utf-8") * 70,
    }
    one_megabyte = {}
    for layout, body in big.items():
        ours = [timed(parse, body)[0] for _ in range(5)]
        plain = [timed(baseline_parse, body)[0] for _ in range(5)]
        one_megabyte[layout] = {
            "characters": len(body),
            "parse_ms_median": median_ms(ours),
            "baseline_parse_ms_median": median_ms(plain),
            "ratio_to_baseline": round(statistics.median(ours) / statistics.median(plain), 1),
        }

    ids = list(Transcript.objects.exclude(slug__startswith="baseline-").values_list("pk", flat=True))
    index_seconds, _ = timed(index_transcripts, ids)
    turn_count = Turn.objects.live().exclude(transcript__slug__startswith="baseline-").count()

    report = {
        "transcripts": args.transcripts,
        "turns_per_transcript": args.turns,
        "parse_ms_median": median_ms(parse_times),
        "baseline_parse_ms_median": median_ms(baseline_parse_times),
        "parse_ratio_to_baseline": round(statistics.median(parse_times) / statistics.median(baseline_parse_times), 1),
        "load_ms_median": median_ms(load_times),
        "baseline_load_ms_median": median_ms(baseline_load_times),
        "load_ratio_to_baseline": round(statistics.median(load_times) / statistics.median(baseline_load_times), 1),
        "one_megabyte": one_megabyte,
        "reingest_unchanged_ms_median": median_ms(unchanged_times),
        "reingest_corrected_ms_median": median_ms(corrected_times),
        "index_seconds": round(index_seconds, 2),
        "indexed_turns": turn_count,
        "index_turns_per_second": round(turn_count / index_seconds),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
