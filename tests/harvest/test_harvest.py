"""manage.py harvest against a real HTTP server on 127.0.0.1 serving publisher-shaped feeds and pages."""

import datetime
import io
import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from archive.models import HarvestedItem, Source, Transcript, Turn

from .pages import Release, atom_feed, body_html, briefing, feed_archive_record, release_from_state_text, rss_feed, state_page, whitehouse_page
from .server import LocalServer

RUBIO = Path(settings.BASE_DIR) / "fixtures" / "transcripts" / "state-2026-07-20-rubio-remarks-to-press.txt"
RSS = "application/rss+xml; charset=utf-8"


def run(command, *args, **options):
    """Run a command; return (stdout, stderr, error or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


@override_settings(HARVEST_DELAY=0, HARVEST_BACKOFF=0, HARVEST_RETRIES=2, HARVEST_TIMEOUT=5)
class HarvestTestCase(TestCase):
    def setUp(self):
        super().setUp()
        self.server = LocalServer()
        self.addCleanup(self.server.stop)
        self.feed_url = self.server.url("/feed/")

    def serve_feed(self, items, **options):
        self.server.put("/feed/", rss_feed(items), content_type=RSS, **options)

    def serve_page(self, release, **options):
        path = release.url.removeprefix(self.server.base)
        self.server.put(path, state_page(release, canonical=options.pop("canonical", None)), **options)

    def harvest(self, *args, **options):
        return run("harvest", *(args or [self.feed_url]), **options)


class TwentyItemFeedTests(HarvestTestCase):
    def test_twenty_items_become_twenty_transcripts_and_a_second_run_changes_nothing(self):
        releases = [briefing(n, self.server.base) for n in range(1, 21)]
        # Every third item carries only a summary: its transcript is on its page.
        items = [(r, None if n % 3 == 0 else body_html(r)) for n, r in enumerate(releases)]
        for release in releases:
            self.serve_page(release, etag=f'"{release.date}"')
        self.serve_feed(items, etag='"feed-1"')
        Source.objects.create(name="Press releases", url=self.feed_url, publisher="U.S. Department of State")

        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertEqual(Transcript.objects.count(), 20)
        self.assertEqual(
            sorted(Transcript.objects.values_list("source_url", "date")),
            sorted((r.url, r.date) for r in releases),
        )
        self.assertEqual(set(Transcript.objects.values_list("source_name", flat=True)), {"U.S. Department of State"})
        pages_fetched = [r for r in releases if self.server.asked(r.url.removeprefix(self.server.base))]
        self.assertEqual(len(pages_fetched), 7)
        self.assertIn("20 items: 20 created, 0 updated, 0 unchanged, 0 failed", out)
        stored = {t.pk: t.modified for t in Transcript.objects.all()}

        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertEqual({t.pk: t.modified for t in Transcript.objects.all()}, stored)
        self.assertIn(f"{self.feed_url}: feed not modified since the last run — nothing changed", out)
        self.assertIn("Harvested 1 feed (0 items, 2 requests): 0 created, 0 updated, 0 unchanged, 0 failed — nothing changed", out)

        # Without the feed's ETag (a one-off run of the URL), every item is seen and is unchanged.
        out, err, error = self.harvest(self.feed_url, "--recheck")
        self.assertIsNone(error, err)
        self.assertEqual({t.pk: t.modified for t in Transcript.objects.all()}, stored)
        self.assertIn("20 items: 0 created, 0 updated, 20 unchanged, 0 failed — nothing changed", out)
        self.assertTrue(out.strip().endswith("nothing changed"))

    def test_the_user_agent_names_the_archive(self):
        release = briefing(1, self.server.base)
        self.serve_feed([(release, None)])
        self.serve_page(release)
        self.harvest()
        agents = {r.headers.get("user-agent") for r in self.server.requests}
        self.assertEqual(agents, {settings.HARVEST_USER_AGENT})
        self.assertTrue(settings.HARVEST_USER_AGENT.startswith("DiplomaticTranscriptArchive/"))
        self.assertEqual(self.server.requests[0].path, "/robots.txt")


class ConditionalRequestTests(HarvestTestCase):
    def test_an_unmodified_feed_answers_304_and_nothing_is_fetched(self):
        source = Source.objects.create(name="Briefings", url=self.feed_url, publisher="U.S. Department of State")
        release = briefing(1, self.server.base)
        self.serve_feed([(release, body_html(release))], etag='"v1"', last_modified="Mon, 01 Jun 2026 10:00:00 GMT")
        self.harvest("--source", "Briefings")
        source.refresh_from_db()
        self.assertEqual((source.etag, source.last_modified), ('"v1"', "Mon, 01 Jun 2026 10:00:00 GMT"))
        self.assertEqual(Transcript.objects.get().source_name, "U.S. Department of State")

        out, _, error = self.harvest("--source", "Briefings")
        self.assertIsNone(error)
        second = self.server.asked("/feed/")[-1]
        self.assertEqual(second.headers.get("if-none-match"), '"v1"')
        self.assertEqual(second.headers.get("if-modified-since"), "Mon, 01 Jun 2026 10:00:00 GMT")
        self.assertIn(f"{self.feed_url}: feed not modified since the last run — nothing changed", out)
        source.refresh_from_db()
        self.assertIn("nothing changed", source.last_status)

    def test_a_page_already_ingested_is_asked_for_conditionally(self):
        release = briefing(1, self.server.base)
        self.serve_feed([(release, None)])
        self.serve_page(release, etag='"page-1"')
        self.harvest()
        out, _, _ = self.harvest(self.feed_url, "--recheck", verbosity=2)
        page = self.server.asked(release.url.removeprefix(self.server.base))
        self.assertEqual(len(page), 2)
        self.assertEqual(page[1].headers.get("if-none-match"), '"page-1"')
        self.assertIn("unchanged: page not modified", out)


class FailureTests(HarvestTestCase):
    def test_a_500_then_success_is_retried_within_the_run(self):
        release = briefing(1, self.server.base)
        self.serve_feed([(release, None)])
        self.serve_page(release, failures=[500, 503])
        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertEqual(Transcript.objects.get().source_url, release.url)
        self.assertEqual(len(self.server.asked(release.url.removeprefix(self.server.base))), 3)

    def test_a_timeout_is_retried(self):
        release = briefing(1, self.server.base)
        self.serve_feed([(release, None)])
        self.serve_page(release, stalls=[1.0])
        with self.settings(HARVEST_TIMEOUT=0.2):
            out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertEqual(Transcript.objects.get().source_url, release.url)

    def test_a_page_that_keeps_failing_is_reported_and_retried_next_run_while_the_others_load(self):
        good, bad = briefing(1, self.server.base), briefing(2, self.server.base)
        self.serve_feed([(good, None), (bad, None)], etag='"f"')
        self.serve_page(good)
        self.serve_page(bad, failures=[500, 500, 500])
        Source.objects.create(name="Briefings", url=self.feed_url)
        out, err, error = self.harvest()
        self.assertEqual(error.returncode, 1)
        self.assertIn(f"{bad.url}: failed: the server answered 500 (3 attempts)", err)
        self.assertEqual(list(Transcript.objects.values_list("source_url", flat=True)), [good.url])
        state = HarvestedItem.objects.get(url=bad.url)
        self.assertEqual((state.status, state.failures), ("failed", 1))

        # Next run: the feed has not changed (304), but the failed page is asked for again.
        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertIn("(feed not modified since the last run)", out)
        self.assertEqual(sorted(Transcript.objects.values_list("source_url", flat=True)), sorted([good.url, bad.url]))
        self.assertEqual(HarvestedItem.objects.get(url=bad.url).status, "ingested")

    def test_a_page_with_no_transcript_is_a_failure_named_by_its_address(self):
        empty = Release(url=self.server.url("/releases/empty/"), title="Nothing here", date=datetime.date(2026, 7, 1), paragraphs=[])
        self.serve_feed([(empty, None)])
        self.server.put("/releases/empty/", "<html><head><title>Loading</title></head><body><nav>Home</nav>"
                        "<div id=app></div><script>render()</script></body></html>")
        out, err, error = self.harvest()
        self.assertEqual(error.returncode, 1)
        self.assertIn(f"{empty.url}: failed: no transcript text found in the page", err)
        self.assertEqual(Transcript.objects.count(), 0)

    def test_a_page_that_breaks_the_reader_fails_alone(self):
        good, bad = briefing(1, self.server.base), briefing(2, self.server.base)
        self.serve_feed([(bad, None), (good, None)])
        self.serve_page(good)
        self.serve_page(bad)
        from unittest import mock

        from archive.harvest import runner

        real = runner.parse_page

        def broken(data, **kwargs):
            if kwargs.get("url") == bad.url:
                raise ValueError("unexpected markup")
            return real(data, **kwargs)

        with mock.patch.object(runner, "parse_page", broken):
            out, err, error = self.harvest()
        self.assertEqual(error.returncode, 1)
        self.assertIn(f"{bad.url}: failed: could not be read (ValueError: unexpected markup)", err)
        self.assertEqual(list(Transcript.objects.values_list("source_url", flat=True)), [good.url])

    def test_an_unreachable_feed_fails_clearly(self):
        out, err, error = self.harvest(self.server.url("/missing-feed/"))
        self.assertEqual(error.returncode, 1)
        self.assertIn(f"{self.server.url('/missing-feed/')}: failed: the server answered 404", err)

    def test_robots_txt_is_obeyed(self):
        allowed, forbidden = briefing(1, self.server.base), briefing(2, self.server.base)
        forbidden.url = self.server.url("/private/briefing-2/")
        self.serve_feed([(allowed, None), (forbidden, None)])
        self.serve_page(allowed)
        self.serve_page(forbidden)
        self.server.put("/robots.txt", "User-agent: DiplomaticTranscriptArchive\nDisallow: /private/\n", content_type="text/plain")
        out, err, error = self.harvest()
        self.assertEqual(error.returncode, 1)
        self.assertIn(f"{forbidden.url}: failed: robots.txt of 127.0.0.1 does not allow DiplomaticTranscriptArchive here", err)
        self.assertEqual(self.server.asked("/private/briefing-2/"), [])
        self.assertEqual(list(Transcript.objects.values_list("source_url", flat=True)), [allowed.url])


class IdentityTests(HarvestTestCase):
    def test_a_redirect_leads_to_the_canonical_address(self):
        release = briefing(1, self.server.base)
        old = self.server.url("/2026/06/02/briefing/")
        self.server.put("/2026/06/02/briefing/", "", redirect=release.url)
        self.serve_page(release)
        moved = Release(url=old, title=release.title, date=release.date, paragraphs=release.paragraphs)
        self.serve_feed([(moved, None)])
        self.harvest()
        self.assertEqual(Transcript.objects.get().source_url, release.url)
        self.assertEqual(HarvestedItem.objects.get().canonical_url, release.url)

    def test_one_release_under_two_addresses_is_one_transcript(self):
        release = briefing(1, self.server.base)
        alias = Release(url=self.server.url("/releases/alias/"), title=release.title, date=release.date, paragraphs=release.paragraphs)
        self.serve_page(release)
        self.serve_page(alias, canonical=release.url)
        self.serve_feed([(release, None), (alias, None)])
        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertEqual(Transcript.objects.count(), 1)
        self.assertEqual(Transcript.objects.get().source_url, release.url)
        self.assertIn("2 items: 1 created, 0 updated, 1 unchanged", out)

    def test_a_canonical_link_to_another_site_is_not_believed(self):
        release = briefing(1, self.server.base)
        self.serve_page(release, canonical="https://elsewhere.example/briefing/")
        self.serve_feed([(release, None)])
        self.harvest()
        self.assertEqual(Transcript.objects.get().source_url, release.url)

    def test_a_corrected_page_updates_its_transcript_in_place(self):
        release = briefing(1, self.server.base)
        self.serve_page(release)
        self.server.put("/feed/", atom_feed([release]), content_type="application/atom+xml")
        self.harvest()
        transcript = Transcript.objects.get()
        answer = transcript.turns.get(position=3)
        first_words = answer.text

        release.paragraphs[4] = "MR PIGOTT:  The Secretary met his counterpart and they discussed trade and energy."
        self.serve_page(release)
        self.server.put("/feed/", atom_feed([release]).replace("T22:10:00Z</updated>", "T23:45:00Z</updated>"),
                        content_type="application/atom+xml")
        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertIn("1 updated", out)
        self.assertEqual(Transcript.objects.get().pk, transcript.pk)
        answer.refresh_from_db()
        self.assertEqual(answer.text, "The Secretary met his counterpart and they discussed trade and energy.")
        self.assertEqual(answer.revisions.get().text, first_words)
        self.assertEqual(self.client.get(answer.get_absolute_url()).status_code, 200)

    def test_an_item_removed_from_the_feed_keeps_its_transcript(self):
        one, two = briefing(1, self.server.base), briefing(2, self.server.base)
        self.serve_feed([(one, body_html(one)), (two, body_html(two))])
        self.harvest()
        self.serve_feed([(two, body_html(two))])
        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertEqual(Transcript.objects.count(), 2)
        self.assertIn("1 item: 0 created, 0 updated, 1 unchanged, 0 failed; 1 no longer in the feed (kept)", out)


class ContentTests(HarvestTestCase):
    def test_a_statement_is_ingested_as_one_speakers_text(self):
        readout = Release(
            url=self.server.url("/releases/readout/"), title="Secretary Rubio’s Call with Greek Foreign Minister Gerapetritis",
            date=datetime.date(2026, 7, 2), kind="Readout",
            paragraphs=["The below is attributable to Spokesperson Tammy Bruce:",
                        "Secretary of State Marco Rubio spoke today with Greek Foreign Minister Giorgos Gerapetritis. "
                        "They discussed regional security, energy cooperation and the upcoming ministerial meeting."],
        )
        self.serve_feed([(readout, body_html(readout))])
        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        [turn] = Transcript.objects.get().turns.all()
        self.assertTrue(turn.text.startswith("The below is attributable to Spokesperson Tammy Bruce:"))

    def test_hostile_markup_in_a_feed_is_shown_as_text(self):
        hostile = Release(
            url=self.server.url("/releases/hostile/"), title="Remarks <script>alert(1)</script>", date=datetime.date(2026, 7, 3),
            paragraphs=["QUESTION:  Is this safe?", "SECRETARY RUBIO:  It is."],
        )
        content = body_html(hostile).replace(
            "It is.", 'It is.<script>alert("x")</script><img src=x onerror="alert(2)"><iframe src="https://evil.example/"></iframe>'
        ) + "<p>QUESTION:  What about &lt;b onmouseover=alert(3)&gt;this&lt;/b&gt;?</p>"
        self.serve_feed([(hostile, content)])
        self.harvest()
        transcript = Transcript.objects.get()
        self.assertEqual(transcript.title, "Remarks <script>alert(1)</script>")
        self.assertEqual([t.text for t in transcript.turns.order_by("position")],
                         ["Is this safe?", "It is.", "What about <b onmouseover=alert(3)>this</b>?"])
        page = self.client.get(transcript.get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "What about &lt;b onmouseover=alert(3)&gt;this&lt;/b&gt;?")
        self.assertNotContains(page, "<script>alert")
        self.assertNotContains(page, "evil.example")

    def test_the_source_is_on_the_page_in_the_citation_and_in_the_api(self):
        release = release_from_state_text(RUBIO.read_text(encoding="utf-8"), self.server.url("/releases/rubio-remarks/"))
        self.serve_page(release)
        self.server.put("/feed/", atom_feed([release]), content_type="application/atom+xml")
        self.harvest(self.feed_url, "--publisher", "U.S. Department of State")
        transcript = Transcript.objects.get()
        self.assertEqual((transcript.source_url, transcript.source_name), (release.url, "U.S. Department of State"))
        self.assertEqual(transcript.turns.live().count(), 52)
        page = self.client.get(transcript.get_absolute_url())
        self.assertContains(page, f'<a class="source-link" href="{release.url}" rel="external noopener">U.S. Department of State</a>', html=True)
        api = self.client.get(f"/api/transcripts/{transcript.slug}/").json()
        self.assertEqual((api["source_url"], api["source_name"]), (release.url, "U.S. Department of State"))
        ris = self.client.get(transcript.get_absolute_url() + "cite.ris").content.decode()
        self.assertIn("U.S. Department of State", ris)
        self.assertIn(release.url, ris)


class CommandTests(HarvestTestCase):
    def test_dry_run_writes_nothing(self):
        releases = [briefing(1, self.server.base), briefing(2, self.server.base)]
        self.serve_page(releases[1])
        self.serve_feed([(releases[0], body_html(releases[0])), (releases[1], None)], etag='"x"')
        source = Source.objects.create(name="Briefings", url=self.feed_url)
        out, err, error = self.harvest("--dry-run")
        self.assertIsNone(error, err)
        self.assertIn(f"{releases[1].url}: would ingest: “{releases[1].title}” (4 turns) as {releases[1].url}", out)
        self.assertIn("2 items: 2 would be ingested, 0 unchanged, 0 failed", out)
        self.assertEqual((Transcript.objects.count(), Turn.objects.count(), HarvestedItem.objects.count()), (0, 0, 0))
        source.refresh_from_db()
        self.assertEqual((source.etag, source.last_run), ("", None))

    def test_sources_are_harvested_when_due(self):
        release = briefing(1, self.server.base)
        self.serve_feed([(release, body_html(release))])
        Source.objects.create(name="Briefings", url=self.feed_url, every=datetime.timedelta(hours=1))
        Source.objects.create(name="Paused", url=self.server.url("/paused/"), enabled=False)
        out, _, error = run("harvest")  # no FEED_URL: the sources that are due
        self.assertIsNone(error)
        self.assertEqual(Transcript.objects.count(), 1)
        self.assertEqual(self.server.asked("/paused/"), [])
        out, _, _ = run("harvest")
        self.assertEqual(out.strip(), "No source is due. (Add sources in the admin, or give a FEED_URL.)")

    def test_a_listing_page_is_read_for_its_transcript_links(self):
        releases = [briefing(n, self.server.base) for n in (1, 2)]
        for release in releases:
            self.serve_page(release)
        links = "".join(f'<li><a href="{r.url.removeprefix(self.server.base)}">{r.title}</a></li>' for r in releases)
        self.server.put("/transcripts/", f"<html><body><nav><a href='/about/'>About</a></nav><ul>{links}</ul></body></html>")
        out, err, error = self.harvest(self.server.url("/transcripts/"), "--links", r"/briefings/")
        self.assertIsNone(error, err)
        self.assertEqual(Transcript.objects.count(), 2)
        out, err, error = self.harvest(self.server.url("/transcripts/"))
        self.assertIn("a web page, not a feed; give a link pattern", err)

    def test_feed_archive_records_served_as_json(self):
        releases = [briefing(n, self.server.base) for n in (1, 2)]
        records = [feed_archive_record(r) for r in releases]
        self.server.put("/feed/", json.dumps(records), content_type="application/json")
        out, err, error = self.harvest()
        self.assertIsNone(error, err)
        self.assertEqual(sorted(Transcript.objects.values_list("source_url", "date")), sorted((r.url, r.date) for r in releases))
        self.assertEqual([r.path for r in self.server.requests], ["/robots.txt", "/feed/"])

    def test_a_white_house_feed_links_to_its_pages(self):
        release = Release(
            url=self.server.url("/briefings-statements/2026/07/gaggle/"),
            title="Press Gaggle by Press Secretary Karoline Leavitt", date=datetime.date(2026, 7, 18), kind="Briefings",
            paragraphs=["Aboard Air Force One", "MS. LEAVITT:  Hi, everyone.  We have a short flight today, so let me start with the schedule.",
                        "Q    Will the President sign the bill tonight?", "MS. LEAVITT:  He will."],
        )
        self.server.put("/briefings-statements/2026/07/gaggle/", whitehouse_page(release))
        self.server.put("/feed/", atom_feed([release]), content_type="application/atom+xml")
        self.harvest()
        transcript = Transcript.objects.get()
        self.assertEqual([t.speaker_label for t in transcript.turns.order_by("position")], ["MS. LEAVITT", "Q", "MS. LEAVITT"])
        self.assertEqual(transcript.date, datetime.date(2026, 7, 18))


@override_settings(HARVEST_DELAY=0, HARVEST_BACKOFF=0)
class IngestPagesTests(HarvestTestCase):
    def test_ingest_a_url(self):
        release = release_from_state_text(RUBIO.read_text(encoding="utf-8"), self.server.url("/releases/rubio/"))
        self.serve_page(release)
        out, err, error = run("ingest", release.url)
        self.assertIsNone(error, err)
        transcript = Transcript.objects.get()
        self.assertEqual((transcript.source_url, transcript.turns.live().count()), (release.url, 52))
        self.assertIn("Ingested 1 transcript (52 turns): 1 created", out)

    def test_ingest_a_saved_page_gives_the_turns_of_the_text_file(self):
        import tempfile

        release = release_from_state_text(RUBIO.read_text(encoding="utf-8"), "https://www.state.gov/releases/rubio/")
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: __import__("shutil").rmtree(folder, ignore_errors=True))
        (folder / "rubio.html").write_text(state_page(release), encoding="utf-8")
        out, err, error = run("ingest", folder / "rubio.html", "--json")
        from_page = json.loads(out)[0]
        out, err, error = run("ingest", RUBIO, "--json")
        from_text = json.loads(out)[0]
        self.assertEqual(from_page["turns"], from_text["turns"])
        self.assertEqual(from_page["source_url"], "https://www.state.gov/releases/rubio/")
        self.assertEqual(from_page["source_name"], "U.S. Department of State")

        out, err, error = run("ingest", folder)
        self.assertIsNone(error, err)
        self.assertEqual(Transcript.objects.get().source_url, "https://www.state.gov/releases/rubio/")
        out, err, error = run("ingest", folder)
        self.assertIn("0 created, 0 updated, 1 unchanged", out)

    def test_ingest_a_feed_file(self):
        import tempfile

        releases = [briefing(n, "https://www.state.gov") for n in (1, 2, 3)]
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: __import__("shutil").rmtree(folder, ignore_errors=True))
        (folder / "press.xml").write_text(rss_feed([(r, body_html(r)) for r in releases]), encoding="utf-8")
        out, err, error = run("ingest", folder / "press.xml")
        self.assertIsNone(error, err)
        self.assertEqual(sorted(Transcript.objects.values_list("source_url", flat=True)), sorted(r.url for r in releases))
        self.assertIn("Ingested 3 transcripts (12 turns): 3 created", out)

    def test_ingest_an_unreachable_url_names_it(self):
        url = self.server.url("/gone/")
        out, err, error = run("ingest", url)
        self.assertEqual(error.returncode, 1)
        self.assertIn(f"{url}: the server answered 404", err)
        self.assertEqual(Transcript.objects.count(), 0)
