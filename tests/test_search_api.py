"""The search API: the same search as /search/, as JSON, with its parameters validated."""

import datetime

import pytest
from django.urls import reverse

from archive.models import Topic
from archive.search import indexing
from tests.search_support import add_turns, search_index, speaker, transcript  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(search_index):
    blinken, price = speaker("Antony J. Blinken"), speaker("Ned Price")
    question = speaker("Question", kind="role")
    sanctions = Topic.objects.create(name="Sanctions", slug="sanctions", kind="theme")
    interview = transcript("Interview on CNN", datetime.date(2022, 1, 9), "interview", "cnn")
    briefing = transcript("Press Briefing", datetime.date(2023, 3, 2), "press-briefing", "briefing")
    q, a = add_turns(
        interview,
        (question, "What sanctions will you impose?"),
        (blinken, "Massive consequences, including sanctions. <b>bold</b>"),
    )
    a.answers = q
    a.save()
    a.topics.add(sanctions)
    add_turns(briefing, *[(price, f"Briefing answer {i} on sanctions policy.") for i in range(25)])
    indexing.rebuild()
    return {"question": q, "answer": a}


def get(client, **params):
    return client.get(reverse("api_search"), params)


def test_results_carry_everything_a_client_needs(client, archive):
    response = get(client, q="massive consequences")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1 and data["page"] == 1 and data["num_pages"] == 1
    result = data["results"][0]
    answer = archive["answer"]
    assert result["url"].endswith(answer.get_absolute_url())
    assert result["speaker"]["slug"] == "antony-j-blinken" and result["display_speaker"] == "Antony J. Blinken"
    assert result["transcript"] == {
        "title": "Interview on CNN",
        "slug": "cnn",
        "date": "2022-01-09",
        "kind": "interview",
        "url": "http://testserver/transcripts/cnn/",
    }
    assert result["question"]["text"] == "What sanctions will you impose?"
    assert "<mark>Massive consequences</mark>" in result["highlighted"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in result["highlighted"]
    assert result["topics"] == [{"name": "Sanctions", "slug": "sanctions"}]


def test_pages_counts_and_facets(client, archive):
    first = get(client, q="sanctions").json()
    assert first["count"] == 27 and first["num_pages"] == 2 and len(first["results"]) == 20
    second = client.get(first["next"]).json()
    assert second["count"] == 27 and len(second["results"]) == 7 and second["previous"]
    urls = {r["url"] for r in first["results"]} | {r["url"] for r in second["results"]}
    assert len(urls) == 27
    speakers = {f["value"]: f["count"] for f in first["facets"]["speaker"]}
    assert speakers == {"ned-price": 25, "antony-j-blinken": 1, "question": 1}
    assert {f["value"]: f["count"] for f in first["facets"]["year"]} == {"2023": 25, "2022": 2}
    assert {f["value"]: f["count"] for f in first["facets"]["kind"]} == {"press-briefing": 25, "interview": 2}
    assert first["facets"]["topic"] == [{"value": "sanctions", "label": "Sanctions", "count": 1}]
    for sort in ("newest", "oldest", "added"):
        assert get(client, q="sanctions", sort=sort).json()["count"] == 27


def test_filters(client, archive):
    assert get(client, q="sanctions", speaker="antony-j-blinken").json()["count"] == 1
    assert get(client, topic="sanctions").json()["count"] == 1
    assert get(client, q="sanctions", kind="interview").json()["count"] == 2
    assert get(client, q="sanctions", **{"from": "2023-01-01"}).json()["count"] == 25
    assert get(client, q="sanctions", to="2022-12-31", speaker="question").json()["count"] == 1


def test_name_in_query_is_suggested(client, archive):
    data = get(client, q="Price sanctions").json()
    assert data["suggestions"][0]["speaker"]["slug"] == "ned-price"
    assert "speaker=ned-price" in data["suggestions"][0]["url"]


@pytest.mark.parametrize("q", ['"unbalanced', "OR", "-", "*", "Россия", "x" * 10000, "(", "\u202e"])
def test_odd_queries_answer_200(client, archive, q):
    assert get(client, q=q).status_code == 200


def test_bad_parameters_are_400_and_missing_pages_404(client, archive):
    assert get(client, **{"from": "2022-13-01"}).status_code == 400
    assert get(client, sort="best").status_code == 400
    assert get(client, page="0").status_code == 400
    assert get(client, q="sanctions", page="9").status_code == 404


def test_errors_have_the_api_error_shape(client, archive):
    assert get(client, speaker="Ned Price").json() == {
        "error": {"status": 400, "code": "invalid", "message": "Give a speaker's slug, such as antony-j-blinken.", "field": "speaker"}
    }
    assert get(client, q="sanctions", page="9").json() == {
        "error": {"status": 404, "code": "not_found", "message": "There is no page 9: the last is 2.", "field": None}
    }


def test_an_empty_query_lists_every_turn_and_an_inverted_period_none(client, archive):
    assert get(client, q="").json()["count"] == 27
    # A period that ends before it starts has no days in it.
    assert get(client, **{"from": "2023-01-01", "to": "2022-01-01"}).json()["count"] == 0
    assert get(client, **{"from": "2022-01-01", "to": "2022-12-31"}).json()["count"] == 2


def test_schema_documents_the_search(client, archive):
    response = client.get(reverse("api_schema"))
    assert response.status_code == 200
    assert b"/api/search/" in response.content
