"""manage.py audit_speakers: the speakers a maintainer should review, found in a few queries."""

import datetime
import itertools
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Speaker, SpeakerLabel, Transcript, Turn
from archive.speakers.audit import DUPLICATE, PLACE, ROLE_LIKE, audit

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def person(name, **parts):
    from django.utils.text import slugify

    return Speaker.objects.create(name=name, slug=slugify(name), **parts)


def spoke(speaker, *dates, location=""):
    """One turn by ``speaker`` in a new transcript on each date (None: undated)."""
    for date in dates:
        n = next(_numbers)
        transcript = Transcript.objects.create(
            title=f"Briefing {n}", slug=f"audit-{n}", date=date, location=location,
            raw_text="(raw)", content_hash=f"{n:064d}", source_key=f"audit-test:{n}",
        )  # fmt: skip
        Turn.objects.create(
            transcript=transcript, position=1, number=1, speaker=speaker, speaker_label=speaker.name.upper(), text="Words."
        )


def names(findings):
    return [[s.name for s in finding.speakers] for finding in findings]


@pytest.fixture
def archive():
    d = datetime.date
    mr_kirby = person("Mr. Kirby", family_name="Kirby", honorific="Mr.")
    SpeakerLabel.objects.create(speaker=mr_kirby, label="MR. KIRBY")
    spoke(mr_kirby, d(2022, 6, 3), d(2024, 12, 10))
    spoke(person("John Kirby", given_name="John", family_name="Kirby"), d(2022, 5, 2), d(2023, 1, 4), d(2025, 1, 15))
    # Two different Smiths, decades apart.
    spoke(person("John Smith", given_name="John", family_name="Smith"), d(1985, 3, 1))
    spoke(person("Jane Smith", given_name="Jane", family_name="Smith"), d(2021, 3, 1))
    spoke(person("Karine Jean-Pierre", given_name="Karine", family_name="Jean-Pierre"), d(2022, 6, 1), d(2024, 6, 1))
    spoke(person("Karine Jean-Pierre En Route Raleigh"), d(2023, 1, 19))
    spoke(person("Aide"), d(2023, 2, 1))
    spoke(person("White House Official"), d(2023, 2, 2))
    spoke(person("Orangeburg South Carolina"), d(2023, 7, 6), location="Orangeburg, South Carolina")
    spoke(person("APNSA Jake Sullivan"), d(2023, 3, 1))
    # Where a person spoke is not in their name just because it shares a word with it.
    blinken = person("Antony J. Blinken", given_name="Antony J.", family_name="Blinken")
    spoke(blinken, d(2023, 3, 1), location="Washington, D.C.")
    spoke(person("Jesse Jackson", given_name="Jesse"), d(2023, 3, 2), location="Jackson, Mississippi")
    Speaker.objects.create(name="Question", slug="question", kind=Speaker.Kind.ROLE)


def test_lists_a_split_person_with_overlapping_dates_but_not_different_people(archive):
    report = audit()
    duplicates = report.of(DUPLICATE)
    assert names(duplicates) == [
        ["John Kirby", "Mr. Kirby"],
        ["Karine Jean-Pierre", "Karine Jean-Pierre En Route Raleigh"],
    ]
    kirby = duplicates[0]
    assert kirby.reason == "same family name “kirby”"
    mr = kirby.speakers[1]
    assert (mr.turns, mr.first, mr.last, mr.labels, mr.slug) == (
        2, datetime.date(2022, 6, 3), datetime.date(2024, 12, 10), ["MR. KIRBY"], "mr-kirby"
    )  # fmt: skip
    assert mr.admin_url == reverse("admin:archive_speaker_change", args=[Speaker.objects.get(slug="mr-kirby").pk])
    assert duplicates[1].reason == "“Karine Jean-Pierre” is part of “Karine Jean-Pierre En Route Raleigh”"


def test_a_person_without_dated_turns_may_be_anyone_of_that_name(archive):
    spoke(person("Ms. Smith", family_name="Smith", honorific="Ms."), None)
    assert names(audit().of(DUPLICATE))[-2:] == [["Jane Smith", "Ms. Smith"], ["John Smith", "Ms. Smith"]]


def test_lists_names_with_place_and_event_words(archive):
    places = {finding.speakers[0].name: finding.reason for finding in audit().of(PLACE)}
    assert places == {
        "Karine Jean-Pierre En Route Raleigh": "event words: en, route",
        "Orangeburg South Carolina": "place of a transcript: “Orangeburg, South Carolina”",
        "APNSA Jake Sullivan": "acronyms: APNSA",
    }


def test_lists_persons_that_look_like_roles(archive):
    roles = {finding.speakers[0].name: finding.reason for finding in audit().of(ROLE_LIKE)}
    assert roles == {
        "Aide": "ends in the role word “aide”",
        "White House Official": "ends in the role word “official”",
    }
    person("Secretary")
    assert audit().of(ROLE_LIKE)[-1].reason == "only office words and no given name"


def test_runs_in_a_fixed_number_of_queries(archive, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        small = audit()
    for n in range(30):
        spoke(person(f"Speaker Number{n} Kirby"), datetime.date(2023, 1, 1))
    with django_assert_max_num_queries(3):
        large = audit()
    assert len(large.of(DUPLICATE)) > len(small.of(DUPLICATE))


def test_command_prints_each_class_and_a_summary(archive):
    out = StringIO()
    call_command("audit_speakers", stdout=out)
    text = out.getvalue()
    assert "Likely duplicates (2)" in text
    assert (
        "John Kirby (3 turns, 2022-05-02..2025-01-15) ~ Mr. Kirby (2 turns, 2022-06-03..2024-12-10): "
        "same family name “kirby”"
    ) in text
    assert "mr-kirby  /admin/archive/speaker/" in text and "labels: MR. KIRBY" in text
    assert "Smith" not in text
    assert text.rstrip().endswith(
        "2 likely duplicates, 3 names with place or event words, 2 persons that look like roles."
    )


def test_command_json(archive):
    out = StringIO()
    call_command("audit_speakers", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["counts"] == {"duplicate": 2, "place": 3, "role-like": 2}
    first = data["findings"][0]
    assert first["class"] == "duplicate"
    assert [s["slug"] for s in first["speakers"]] == ["john-kirby", "mr-kirby"]
    assert first["speakers"][1]["first"] == "2022-06-03" and first["speakers"][1]["labels"] == ["MR. KIRBY"]


def test_two_given_names_of_one_family_are_two_people_and_a_capitalised_given_name_is_a_name():
    d = datetime.date
    spoke(person("Joseph R. Biden Jr.", given_name="Joseph R.", family_name="Biden", name_suffix="Jr."), d(2023, 1, 5))
    spoke(person("Jill Biden", given_name="Jill", family_name="Biden"), d(2023, 1, 6))
    spoke(person("Mr. Biden", family_name="Biden", honorific="Mr."), d(2023, 1, 1), d(2023, 2, 1))
    spoke(person("JD Vance", given_name="JD", family_name="Vance"), d(2025, 3, 18))
    report = audit()
    assert sorted(sorted(pair) for pair in names(report.of(DUPLICATE))) == [
        ["Jill Biden", "Mr. Biden"], ["Joseph R. Biden Jr.", "Mr. Biden"],
    ]
    assert names(report.of(PLACE)) == []
