"""The State Department's real releases, as its feed carries them, read through every path.

`../shared/samples/real/state/` holds the text of 48 real releases (headline, date, then the
transcript) as the State Department's press-release feed carried it. Each is published here
again the three ways a harvest meets it: as a feed item's `content:encoded`, as a feed
archive's JSON record with escaped HTML, and as a State Department-style page; each way must
give the same turns, headline and date as the text itself. The folder stays outside the
repository, so without it these tests are skipped.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import SimpleTestCase

from archive.ingest.feeds import needs_page, parse_item, read_feed
from archive.ingest.html import parse_page
from archive.ingest.parsing import parse

from .pages import Release, body_html, feed_archive_record, rss_feed, state_page

REAL_STATE = Path(settings.BASE_DIR).parent / "shared" / "samples" / "real" / "state"
RELEASES = sorted(REAL_STATE.glob("*.txt")) if REAL_STATE.is_dir() else []

pytestmark = pytest.mark.skipif(not RELEASES, reason=f"no real releases in {REAL_STATE}")


def turns(parsed):
    return [(t.speaker_label, t.paragraphs, t.notes) for t in parsed.turns]


def release_of(path: Path) -> tuple[str, Release]:
    """The feed text, and the release it is the text of: its first line the headline, its
    second the date, the rest the body's paragraphs."""
    text = path.read_text(encoding="utf-8")
    title, date_line, body = text.split("\n", 2)
    date = datetime.datetime.strptime(date_line.strip(), "%B %d, %Y").date()
    paragraphs = [block.strip() for block in body.split("\n\n") if block.strip()]
    return text, Release(url=f"https://www.state.gov/{path.stem}/", title=title.strip(), date=date,
                         paragraphs=paragraphs)


class RealReleasesTests(SimpleTestCase):
    def test_every_path_gives_the_turns_of_the_text(self):
        spoken = 0
        for path in RELEASES:
            text, release = release_of(path)
            from_text = parse(text)
            spoken += len(from_text.turns)
            # The headline as a reader sees it: one plain space between words.
            self.assertEqual((from_text.title, from_text.date), (" ".join(release.title.split()), release.date))
            [rss_item] = read_feed(rss_feed([(release, body_html(release))]).encode()).items
            record = feed_archive_record(release)
            for field in (record, record["content"][0]):
                key = "summary" if field is record else "value"
                field[key] = field[key].replace("<", "&lt;").replace(">", "&gt;")
            [json_item] = read_feed(json.dumps([record]).encode()).items
            self.assertFalse(needs_page(rss_item) or needs_page(json_item), path.name)
            from_page, _ = parse_page(state_page(release), name=path.name)
            for way, parsed in [("feed item", parse_item(rss_item)[0]), ("JSON record", parse_item(json_item)[0]),
                                ("page", from_page)]:
                with self.subTest(release=path.name, way=way):
                    self.assertEqual(turns(parsed), turns(from_text))
                    self.assertEqual((parsed.title, parsed.date), (from_text.title, from_text.date))
                    self.assertEqual(parsed.source_url, release.url)
        # The releases are real transcripts, not one-paragraph notices.
        self.assertGreater(spoken, 20 * len(RELEASES) // 2)
