"""Topic tags per turn: every topic named once (the old rule) against what a turn is about.

    .venv/bin/python bench/topic_tags.py                  # the samples and ../shared/samples/real/
    .venv/bin/python bench/topic_tags.py --show 20        # and 20 tagged answers to judge by hand

Parses the transcripts (no database), tags every turn both ways and prints, per set, the
tags per turn, per tagged turn, the most on one turn and how many turns carry more than
five. "Before" is the rule until 706e845 (a turn carries every topic its words name once)
with the vocabulary of that revision, read from git; "after" is `Vocabulary.about` with the
headline's help and the cap, as ingest tags. `--show N` prints N tagged answers (questions
left out), picked with a fixed seed, whole, with both tag lists.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

import django  # noqa: E402

django.setup()

from archive.citations import QUESTION_LABEL  # noqa: E402
from archive.ingest.parsing import parse  # noqa: E402
from archive.ingest.reading import read_transcript  # noqa: E402
from archive.search.documents import spoken_text  # noqa: E402
from archive.topics import IGNORE_KEY, VOCABULARY_FILE, Vocabulary, read_vocabulary_file, vocabulary_entries  # noqa: E402

BEFORE_REVISION = "706e845^"
SETS = {
    "samples": ROOT / "fixtures" / "transcripts",
    "real": ROOT.parent / "shared" / "samples" / "real",
}


def vocabulary(path: Path) -> tuple[Vocabulary, dict[int, str]]:
    entries = vocabulary_entries(path)
    ignored = [p.strip() for p in str(read_vocabulary_file(path).get(IGNORE_KEY) or "").split(",") if p.strip()]
    rows = [(n, e["name"], e["kind"], "\n".join(e["aliases"])) for n, e in enumerate(entries, 1)]
    return Vocabulary(rows, ignored), {n: e["name"] for n, e in enumerate(entries, 1)}


def vocabulary_at(revision: str, folder: Path) -> Path:
    shown = subprocess.run(["git", "show", f"{revision}:archive/data/topics.yaml"], cwd=ROOT, capture_output=True,
                           text=True, check=True)
    path = folder / "topics-before.yaml"
    path.write_text(shown.stdout, encoding="utf-8")
    return path


def transcripts(folder: Path):
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".md")):
        text, _encoding = read_transcript(path)
        yield path, parse(text, filename=path.name)


def describe(counts: list[int]) -> str:
    tagged = [n for n in counts if n]
    return (f"{statistics.mean(counts):.2f} per turn, {statistics.mean(tagged) if tagged else 0:.2f} per tagged turn, "
            f"{len(tagged):,} tagged, most {max(counts)}, {sum(n > 5 for n in counts)} with more than 5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", type=int, default=0, help="Print this many tagged answers to judge.")
    parser.add_argument("--before", default=BEFORE_REVISION, help="Revision whose vocabulary the old rule uses.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before, before_names = vocabulary(vocabulary_at(args.before, Path(folder)))
    after, after_names = vocabulary(VOCABULARY_FILE)
    answers = []
    for name, folder in SETS.items():
        if not folder.is_dir():
            print(f"{name}: {folder} is not here")
            continue
        counts_before, counts_after, files = [], [], 0
        for path, parsed in transcripts(folder):
            files += 1
            headline = after.topics_in(parsed.title)
            for number, turn in enumerate(parsed.turns, 1):
                words = spoken_text(turn.text, turn.notes)
                old, new = before.topics_in(words), after.about(words, headline)
                counts_before.append(len(old))
                counts_after.append(len(new))
                if new and not QUESTION_LABEL.match(turn.speaker_label or ""):
                    answers.append((name, path.name, number, turn.speaker_label, [after_names[t] for t in new],
                                    sorted(before_names[t] for t in old), words))
        print(f"{name}: {files} transcripts, {len(counts_after):,} turns")
        print(f"  before: {describe(counts_before)}")
        print(f"  after:  {describe(counts_after)}")
        print(f"  after, tags on a turn: {dict(sorted(collections.Counter(counts_after).items()))}")
    random.Random(13).shuffle(answers)
    for name, file_name, number, label, new, old, words in answers[: args.show]:
        print(f"\n--- {name} {file_name} turn {number} [{label}]\n    after: {new}\n    before: {old}\n{words}")


if __name__ == "__main__":
    main()
