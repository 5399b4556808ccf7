"""How ingest writes the search index: the words it hands Whoosh, and the indexing process
a long ingest writes through while it goes on storing."""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from whoosh.fields import Schema

from archive.management.commands.ingest import INDEX_EVERY
from archive.management.indexing import BackgroundIndexer
from archive.search.backend import _Analysed
from archive.search.indexing import IndexWriteError
from archive.search.schema import whoosh_fields
from tests.search_support import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "Putin’s war: the U.S. and NATO said 2.5 billion — Mr. Gerapetritis, Antony J. Blinken.",
    "Sanctions. Running, running; ran! Défense, Zürich, Øresund, 北京 and 東京.",
    "(Laughter.) QUESTION: Is it “Russia's” or Russia’s? SECRETARY BLINKEN: Both.",
]


def test_the_words_handed_to_whoosh_index_exactly_as_its_analyzers_would():
    schema = Schema(**whoosh_fields())
    analysed = _Analysed(schema)
    texts = TEXTS + [p for path in sorted(FIXTURES.glob("*.txt")) for p in path.read_text(encoding="utf-8").split("\n\n")]
    fields = ("text", "text_exact", "title", "speaker_name")
    for text in texts:
        doc = analysed.document({name: text for name in fields} | {"kind": "interview"})
        assert doc["kind"] == "interview"
        for name in fields:
            assert list(schema[name].index(doc[name])) == list(schema[name].index(text)), (name, text)


def test_an_index_written_from_words_stores_and_finds_what_one_written_from_text_does(tmp_path):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from archive.search.backend import _SegmentWriter

    schema = Schema(**whoosh_fields())
    docs = [
        {"id": f"archive.turn.{n}", "django_ct": "archive.turn", "django_id": str(n), "text": text,
         "text_exact": text, "speaker_name": "Antony J. Blinken", "title": "Remarks to the Press", "day": 738000 + n,
         "position": n, "digest": f"d{n}"}
        for n, text in enumerate(TEXTS, start=1)
    ]
    stored = []
    for folder, writer_class, prepare in (("plain", SegmentWriter, dict), ("ours", _SegmentWriter, _Analysed(schema).document)):
        (tmp_path / folder).mkdir()
        ix = FileStorage(str(tmp_path / folder)).create_index(schema)
        writer = writer_class(ix)
        for doc in docs:
            writer.add_document(**prepare(doc))
        writer.commit()
        with ix.searcher() as searcher:
            reader = searcher.reader()
            stored.append((
                list(reader.all_stored_fields()),
                sorted((f, t, list(reader.postings(f, t).all_ids())) for f, t in reader.all_terms()),
                [reader.doc_field_length(d, "text") for d in reader.all_doc_ids()],
            ))
    assert stored[0] == stored[1]


def _record_ids(path):
    def record(ids, **kwargs):
        # As a large batch does, start a process of its own.
        helper = multiprocessing.get_context("fork").Process(target=len, args=(ids,))
        helper.start()
        helper.join()
        with open(path, "a") as handle:
            handle.write(" ".join(map(str, ids)) + "\n")
        return len(ids)

    return record


def test_the_indexing_process_writes_every_batch_it_is_handed(tmp_path):
    written = tmp_path / "written"
    with mock.patch("archive.search.indexing.index_transcripts", side_effect=_record_ids(written)):
        indexer = BackgroundIndexer()
        for start in range(0, 30, 3):
            indexer.submit(range(start, start + 3))
        indexer.finish()
    ids = [int(pk) for line in written.read_text().split("\n") for pk in line.split()]
    # Batches that arrive while it writes are written together, each id once.
    assert sorted(ids) == list(range(30))


def test_a_failed_write_in_the_indexing_process_is_reported():
    with mock.patch("archive.search.indexing.index_transcripts", side_effect=IndexWriteError("disk full")):
        indexer = BackgroundIndexer()
        indexer.submit([1, 2])
        with pytest.raises(IndexWriteError, match="disk full"):
            indexer.finish()


def test_a_long_ingest_is_indexed_by_a_second_process_and_ends_in_step(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for number in range(INDEX_EVERY + 5):
        (folder / f"briefing-{number:03d}.txt").write_text(
            f"Briefing number {number}\n\nMR. PRICE:  Good afternoon, word{number}x.\n\n"
            f"QUESTION:  Thank you.\n\nMR. PRICE:  Sanctions on Russia, again.\n",
            encoding="utf-8",
        )
    env = {**os.environ, "ARCHIVE_VAR_DIR": str(tmp_path / "var")}
    # The embedded default: an SQLite file another process can read, and the Whoosh engine.
    for name in ("DATABASE_URL", "ARCHIVE_SEARCH_ENGINE"):
        env.pop(name, None)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "-v0")
    assert f"Ingested {INDEX_EVERY + 5} transcripts" in manage("ingest", str(folder))
    report = manage(
        "shell", "-c",
        "from archive.search.indexing import check, pending_count\n"
        "from archive.search.service import search, SearchParams\n"
        "r = check()\n"
        "print('in step', r.in_step, r.indexed, 'waiting', pending_count())\n"
        f"print('found', search(SearchParams(q='word{INDEX_EVERY + 4}x')).total, search(SearchParams(q='sanctions')).total)\n",
    )
    assert f"in step True {3 * (INDEX_EVERY + 5)} waiting 0" in report
    assert f"found 1 {INDEX_EVERY + 5}" in report

    # A rebuild by several processes, each writing one range of turns, holds the same; so
    # does a large batch written half by a second process, replacing what was there.
    report = manage(
        "shell", "-c",
        "import archive.search.backend as backend\n"
        "from archive.models import Transcript\n"
        "from archive.search.indexing import check, index_transcripts, rebuild\n"
        "from archive.search.service import search, SearchParams\n"
        "backend.PARALLEL_FROM, backend.INDEXING_PROCESSES, backend.SPLIT_FROM = 0, 2, 2\n"
        "print('rebuilt', rebuild(), len(backend.get_backend().index.reader().leaf_readers()), check().in_step)\n"
        "print('split', index_transcripts(Transcript.objects.values_list('pk', flat=True)), check().in_step)\n"
        f"print('found', search(SearchParams(q='word{INDEX_EVERY + 4}x')).total, search(SearchParams(q='sanctions')).total)\n",
    )
    assert f"rebuilt {3 * (INDEX_EVERY + 5)} 2 True" in report
    assert f"split {3 * (INDEX_EVERY + 5)} True" in report
    assert f"found 1 {INDEX_EVERY + 5}" in report
