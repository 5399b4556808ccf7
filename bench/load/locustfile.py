"""Readers of the archive, for locust: home, search, turns, transcripts and the JSON API.

The addresses to visit come from the file named by LOAD_PATHS (written by bench/load_test.py
from the archive under test). Each request is named by its page kind, so the report gives
p50/p95/max per kind.
"""

import json
import os
import random

from locust import HttpUser, between, events, task

PATHS = json.loads(open(os.environ["LOAD_PATHS"], encoding="utf-8").read())
# Requests slower than this are counted one by one (percentiles would hide a few).
SLOW_MS = 2000
slow = {"count": 0, "worst": []}


@events.request.add_listener
def _count_slow(request_type, name, response_time, **_kwargs):
    if response_time > SLOW_MS:
        slow["count"] += 1
        slow["worst"] = sorted(slow["worst"] + [(round(response_time), name)], reverse=True)[:10]


@events.quitting.add_listener
def _write_slow(environment, **_kwargs):
    if os.environ.get("LOAD_SLOW"):
        with open(os.environ["LOAD_SLOW"], "w", encoding="utf-8") as handle:
            json.dump(slow, handle)
QUERIES = [
    "russia", "ukraine sanctions", '"sphere of influence"', '"not going to telegraph"', "diplomacy -russia",
    "nato OR alliance", "the", "climate", '"we are going to"', "china taiwan strait", "iran nuclear",
    "what we've seen", "ceasefire hostages", "secretary", "human rights",
]


class Reader(HttpUser):
    # Time a person takes to read a page before the next click.
    wait_time = between(0.5, 2.5)

    def _get(self, path, kind):
        with self.client.get(path, name=kind, catch_response=True) as response:
            if response.status_code >= 500 or response.status_code == 0:
                response.failure(f"{response.status_code}")
            elif response.status_code >= 400 and kind != "turn":
                response.failure(f"{response.status_code}")
            else:
                response.success()

    @task(2)
    def home(self):
        self._get("/", "home")

    @task(6)
    def search(self):
        q = random.choice(QUERIES)
        extra = random.choice(["", "&sort=newest", "&kind=press-briefing", "&from=2021-01-01&to=2022-12-31"])
        self._get(f"/search/?q={q}{extra}", "search")

    @task(4)
    def turn(self):
        self._get(random.choice(PATHS["turns"]), "turn")

    @task(3)
    def transcript(self):
        self._get(random.choice(PATHS["transcripts"]), "transcript")

    @task(1)
    def transcript_list(self):
        self._get("/transcripts/", "transcript list")

    @task(1)
    def speaker(self):
        self._get(random.choice(PATHS["speakers"]), "speaker")

    @task(3)
    def api_search(self):
        self._get(f"/api/search/?q={random.choice(QUERIES)}", "api search")

    @task(1)
    def api_transcripts(self):
        self._get("/api/transcripts/", "api transcripts")
