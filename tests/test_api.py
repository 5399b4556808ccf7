"""The read-only JSON API and its OpenAPI schema."""

import io
import json
import os
import tempfile

import yaml
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema

from archive.models import Turn
from tests.sample_data import HOSTILE, add_turns, build_archive


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)

    def get_json(self, url, status=200, **params):
        response = self.client.get(url, params)
        self.assertEqual(response.status_code, status, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/json")
        return response.json()


class ErrorShapeTests(ApiTestCase):
    """Every 400 and 404 under /api/ has one shape, and what the schema forbids is a 400."""

    def error(self, url, status, **params):
        body = self.get_json(url, status=status, **params)
        self.assertEqual(set(body), {"error"})
        self.assertEqual(set(body["error"]), {"status", "code", "message", "field"})
        self.assertEqual(body["error"]["status"], status)
        return body["error"]

    def test_values_the_schema_forbids_are_400_naming_the_parameter(self):
        cases = [
            ("/api/transcripts/", {"page": "0"}, "page"),
            ("/api/transcripts/", {"page": ""}, "page"),
            ("/api/transcripts/", {"page": "last"}, "page"),
            ("/api/speakers/", {"page": "-1"}, "page"),
            ("/api/topics/", {"page": "1.5"}, "page"),
            ("/api/transcripts/", {"year": ""}, "year"),
            ("/api/transcripts/", {"year": "0000"}, "year"),
            ("/api/transcripts/", {"year": "last year"}, "year"),
            ("/api/transcripts/", {"kind": ""}, "kind"),
            ("/api/search/", {"page": ""}, "page"),
            ("/api/search/", {"page": "0"}, "page"),
            ("/api/search/", {"speaker": "Ned Price"}, "speaker"),
            ("/api/search/", {"speaker": ""}, "speaker"),
            ("/api/search/", {"topic": "x y"}, "topic"),
            ("/api/search/", {"from": "2022-02-30"}, "from"),
            ("/api/search/", {"sort": "best"}, "sort"),
        ]
        for url, params, field in cases:
            with self.subTest(url=url, **params):
                error = self.error(url, 400, **params)
                self.assertEqual((error["code"], error["field"]), ("invalid", field))

    def test_values_the_schema_allows_are_answered(self):
        self.assertEqual(self.get_json("/api/transcripts/", year="1999")["count"], 0)
        self.assertEqual(self.get_json("/api/transcripts/", year="2022", page="1")["count"], 1)

    def test_unknown_addresses_under_api_answer_the_same_404(self):
        for path in ("/api/nothing/", "/api/transcripts/a/b/", "/api/speakers/ned%20price/"):
            with self.subTest(path=path):
                error = self.error(path, 404)
                self.assertEqual(error["code"], "not_found")
        self.assertEqual(self.error("/api/nothing/", 404)["message"], "There is nothing at /api/nothing/.")

    def test_an_address_without_its_final_slash_is_sent_to_the_one_with_it(self):
        response = self.client.get("/api/transcripts", {"year": "2022"})
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "/api/transcripts/?year=2022")

    def test_the_schema_documents_every_status_and_constraint(self):
        schema = yaml.safe_load(self.client.get("/api/schema/").content)
        paths = schema["paths"]
        self.assertEqual(sorted(paths["/api/transcripts/"]["get"]["responses"]), ["200", "400", "404"])
        self.assertEqual(sorted(paths["/api/transcripts/{slug}/"]["get"]["responses"]), ["200", "301", "404"])
        self.assertEqual(sorted(paths["/api/search/"]["get"]["responses"]), ["200", "301", "400", "404", "503"])
        error = paths["/api/search/"]["get"]["responses"]["400"]["content"]["application/json"]["schema"]
        self.assertEqual(error, {"$ref": "#/components/schemas/Error"})
        parameters = {p["name"]: p["schema"] for p in paths["/api/search/"]["get"]["parameters"]}
        self.assertEqual(parameters["page"], {"type": "integer", "minimum": 1})
        self.assertEqual(parameters["speaker"]["pattern"], "^[-a-zA-Z0-9_]+$")
        self.assertEqual(parameters["from"], {"type": "string", "format": "date"})
        listed = {p["name"]: p["schema"] for p in paths["/api/transcripts/"]["get"]["parameters"]}
        self.assertEqual(listed["year"]["pattern"], "^([1-9][0-9]{3}|unknown)$")
        self.assertEqual(listed["page"], {"type": "integer", "minimum": 1})


class TranscriptApiTests(ApiTestCase):
    def test_list_shape(self):
        data = self.get_json("/api/transcripts/")
        self.assertEqual(data["count"], 2)
        self.assertEqual(set(data), {"count", "next", "previous", "results"})
        first = data["results"][0]
        self.assertEqual(
            first,
            {
                "slug": "blinken-cnn-state-of-the-union",
                "title": self.interview.title,
                "date": "2022-01-09",
                "kind": "interview",
                "location": "Washington, D.C.",
                "venue": "Studio",
                "source_name": "U.S. Department of State",
                "source_url": "https://www.state.gov/secretary-blinken-with-jake-tapper/",
                "url": "http://testserver/transcripts/blinken-cnn-state-of-the-union/",
                "turn_count": 4,
            },
        )
        self.assertIsNone(data["results"][1]["date"])

    def test_filters(self):
        self.assertEqual([t["slug"] for t in self.get_json("/api/transcripts/", year="2022")["results"]],
                         [self.interview.slug])
        self.assertEqual([t["slug"] for t in self.get_json("/api/transcripts/", year="unknown")["results"]],
                         [self.remarks.slug])
        self.assertEqual([t["slug"] for t in self.get_json("/api/transcripts/", kind="remarks")["results"]],
                         [self.remarks.slug])
        self.assertEqual(self.get_json("/api/transcripts/", kind="remarks", year="2022")["count"], 0)

    def test_bad_filters_are_400_naming_the_field(self):
        self.assertEqual(
            self.get_json("/api/transcripts/", status=400, year="20x2"),
            {"error": {"status": 400, "code": "invalid", "message": 'Give a four-digit year or "unknown".', "field": "year"}},
        )
        self.assertEqual(self.get_json("/api/transcripts/", status=400, kind="<b>")["error"]["field"], "kind")
        self.assertEqual(
            self.get_json("/api/transcripts/", status=404, page="9"),
            {"error": {"status": 404, "code": "not_found", "message": "There is no page 9: the last is 1.", "field": None}},
        )

    def test_detail_shape(self):
        data = self.get_json("/api/transcripts/blinken-cnn-state-of-the-union/")
        self.assertEqual(data["outlet"], "CNN")
        self.assertEqual(data["program"], "State of the Union")
        self.assertEqual(data["turn_count"], 4)
        self.assertEqual(
            data["speakers"],
            [
                {"name": "Question", "slug": "question", "title": "", "kind": "role", "turn_count": 2},
                {
                    "name": "Antony J. Blinken", "slug": "antony-j-blinken", "title": "Secretary of State",
                    "kind": "person", "turn_count": 2,
                },
            ],
        )
        self.assertEqual([t["number"] for t in data["turns"]], [1, 2, 3, 5])
        self.assertEqual([t["position"] for t in data["turns"]], [1, 2, 3, 4])
        answer = data["turns"][1]
        self.assertEqual(
            answer,
            {
                "position": 2,
                "number": 2,
                "speaker_label": "SECRETARY BLINKEN",
                "speaker": {"name": "Antony J. Blinken", "slug": "antony-j-blinken", "title": "Secretary of State"},
                "text": self.a1.text,
                "notes": ["(Laughter.)"],
                "answers": 1,
                "topics": [],
                "url": "http://testserver/transcripts/blinken-cnn-state-of-the-union/2/",
            },
        )
        self.assertIn(HOSTILE, answer["text"])  # JSON carries the text as printed
        self.assertIsNone(data["turns"][0]["answers"])
        self.assertEqual(data["turns"][3]["topics"], ["ukraine"])

    def test_unresolved_speaker_is_null(self):
        data = self.get_json("/api/transcripts/remarks-to-the-press/")
        self.assertIsNone(data["turns"][1]["speaker"])
        self.assertEqual(data["turns"][1]["speaker_label"], "PARTICIPANT")

    def test_unknown_slug_is_json_404(self):
        self.assertEqual(
            self.get_json("/api/transcripts/no-such-thing/", status=404),
            {"error": {"status": 404, "code": "not_found", "message": "There is nothing at /api/transcripts/no-such-thing/.", "field": None}},
        )
        self.assertEqual(self.get_json("/api/speakers/no-such-person/", status=404)["error"]["code"], "not_found")

    def test_old_slug_redirects(self):
        response = self.client.get("/api/transcripts/blinken-tapper-cnn/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "/api/transcripts/blinken-cnn-state-of-the-union/")

    def test_read_only(self):
        self.assertEqual(self.client.post("/api/transcripts/", {}, content_type="application/json").status_code, 405)
        self.assertEqual(self.client.delete("/api/transcripts/remarks-to-the-press/").status_code, 405)

    def test_query_counts_are_fixed(self):
        with CaptureQueriesContext(connection) as detail_before:
            self.client.get("/api/transcripts/blinken-cnn-state-of-the-union/")
        with CaptureQueriesContext(connection) as list_before:
            self.client.get("/api/transcripts/")
        add_turns(self.interview, 30, self.blinken)
        self.topic.turns.add(*Turn.objects.filter(transcript=self.interview, text__startswith="Extra turn"))
        add_turns(self.remarks, 30, self.price)
        with self.assertNumQueries(len(detail_before)):
            data = self.client.get("/api/transcripts/blinken-cnn-state-of-the-union/").json()
        self.assertEqual(len(data["turns"]), 34)
        with self.assertNumQueries(len(list_before)):
            self.client.get("/api/transcripts/")
        self.assertLessEqual(len(detail_before), 3)


class SpeakerApiTests(ApiTestCase):
    def test_list(self):
        data = self.get_json("/api/speakers/")
        by_slug = {s["slug"]: s for s in data["results"]}
        self.assertEqual(
            by_slug["antony-j-blinken"],
            {
                "slug": "antony-j-blinken", "name": "Antony J. Blinken",
                "name_parts": {"given": "Antony J.", "family": "Blinken", "suffix": "", "honorific": ""},
                "title": "Secretary of State", "kind": "person", "url": "http://testserver/speakers/antony-j-blinken/",
                "turn_count": 2, "transcript_count": 1,
            },
        )
        self.assertEqual(by_slug["question"]["kind"], "role")

    def test_detail(self):
        data = self.get_json("/api/speakers/antony-j-blinken/")
        self.assertEqual(data["labels"], ["SECRETARY BLINKEN"])
        self.assertEqual(
            data["transcripts"],
            [
                {
                    "slug": "blinken-cnn-state-of-the-union", "title": self.interview.title, "date": "2022-01-09",
                    "kind": "interview", "url": "http://testserver/transcripts/blinken-cnn-state-of-the-union/",
                    "turn_count": 2,
                }
            ],
        )

    def test_query_counts_are_fixed(self):
        with CaptureQueriesContext(connection) as before:
            self.client.get("/api/speakers/antony-j-blinken/")
        add_turns(self.remarks, 30, self.blinken)
        with self.assertNumQueries(len(before)):
            data = self.client.get("/api/speakers/antony-j-blinken/").json()
        self.assertEqual(data["turn_count"], 32)


class TopicApiTests(ApiTestCase):
    def test_list(self):
        data = self.get_json("/api/topics/")
        by_slug = {t["slug"]: t for t in data["results"]}
        self.assertEqual(
            by_slug["ukraine"],
            {"slug": "ukraine", "name": "Ukraine", "kind": "country", "url": "http://testserver/topics/ukraine/", "turn_count": 1},
        )

    def test_detail_points_at_the_search_for_its_turns(self):
        data = self.get_json("/api/topics/ukraine/")
        self.assertIn("Ukrainian", data["aliases"])
        self.assertEqual(data["turns_url"], "http://testserver/api/search/?topic=ukraine&sort=newest")
        self.get_json("/api/topics/atlantis/", status=404)

    def test_query_counts_are_fixed(self):
        with CaptureQueriesContext(connection) as before:
            self.client.get("/api/topics/")
        add_turns(self.remarks, 30, self.price)
        self.topic.turns.add(*Turn.objects.filter(transcript=self.remarks, text__startswith="Extra turn"))
        with self.assertNumQueries(len(before)):
            data = self.client.get("/api/topics/").json()
        self.assertEqual({t["slug"]: t["turn_count"] for t in data["results"]}["ukraine"], 31)


class SchemaTests(TestCase):
    def test_schema_is_valid_openapi_with_our_paths(self):
        response = self.client.get("/api/schema/", {"format": "json"})
        self.assertEqual(response.status_code, 200)
        schema = json.loads(response.content)
        validate_schema(schema)
        self.assertTrue(schema["openapi"].startswith("3."))
        for path in (
            "/api/transcripts/", "/api/transcripts/{slug}/", "/api/speakers/", "/api/speakers/{slug}/",
            "/api/topics/", "/api/topics/{slug}/", "/api/search/",
        ):
            self.assertIn(path, schema["paths"])
        parameters = {p["name"] for p in schema["paths"]["/api/transcripts/"]["get"]["parameters"]}
        self.assertTrue({"year", "kind", "page"} <= parameters)

    def test_schema_generates_without_warnings(self):
        # Warnings mean a wrong schema, e.g. two different shapes under one component name.
        with tempfile.TemporaryDirectory() as folder:
            call_command(
                "spectacular", "--validate", "--fail-on-warn", "--file", os.path.join(folder, "schema.yaml"),
                stdout=io.StringIO(), stderr=io.StringIO(),
            )

    def test_schema_as_yaml_by_default(self):
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/api/transcripts/{slug}/", yaml.safe_load(response.content)["paths"])

    def test_human_index_lists_endpoints_without_external_assets(self):
        response = self.client.get("/api/")
        self.assertEqual(response.status_code, 200)
        for url in ("/api/transcripts/", "/api/speakers/", "/api/topics/", "/api/search/", "/api/schema/"):
            self.assertContains(response, f'href="{url}')
        self.assertNotContains(response, "cdn")
