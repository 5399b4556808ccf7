"""Staff correcting attribution: merging speakers, splitting a label off, in code and in the admin."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from archive.models import Speaker, SpeakerLabel, SpeakerRedirect, Transcript, Turn
from archive.search import indexing
from archive.search.service import SearchParams, search
from archive.speakers.curation import merge_speakers, split_label
from archive.speakers.names import readable
from tests import test_admin as admin_forms
from tests.search_support import search_index  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def make_transcript(date, title="A briefing", location=""):
    n = next(_numbers)
    return Transcript.objects.create(
        title=title, slug=f"briefing-{n}", date=date, kind=Transcript.Kind.PRESS_BRIEFING, location=location,
        raw_text="(raw)", content_hash=f"{n:064d}", source_key=f"curation-test:{n}",
    )  # fmt: skip


def say(transcript, speaker, label, *texts):
    """Add turns to ``transcript``, each printed under ``label``."""
    start = transcript.turns.count()
    return [
        Turn.objects.create(
            transcript=transcript, position=start + i, number=start + i, speaker=speaker, speaker_label=label, text=text
        )
        for i, text in enumerate(texts, start=1)
    ]


@pytest.fixture
def kirbys():
    """One person split in two by attribution, plus a role."""
    john = Speaker.objects.create(name="John Kirby", slug="john-kirby", given_name="John", family_name="Kirby")
    mr = Speaker.objects.create(
        name="Mr. Kirby", slug="mr-kirby", title="NSC Coordinator", family_name="Kirby", honorific="Mr."
    )
    question = Speaker.objects.create(name="Question", slug="question", kind=Speaker.Kind.ROLE)
    SpeakerLabel.objects.create(speaker=john, label="KIRBY")
    SpeakerLabel.objects.create(speaker=mr, label="KIRBY")
    SpeakerLabel.objects.create(speaker=mr, label="MR. KIRBY")
    june, july = make_transcript(datetime.date(2022, 6, 1)), make_transcript(datetime.date(2022, 7, 1))
    say(june, question, "Q", "What about the talks?")
    john_turns = say(june, john, "KIRBY", "We are watching closely.")
    mr_turns = say(july, mr, "MR. KIRBY", "The talks continue in Geneva.", "No comment on the convoy.")
    return {"john": john, "mr": mr, "question": question, "john_turns": john_turns, "mr_turns": mr_turns}


# -- merge ------------------------------------------------------------------------------------


def test_merge_gives_the_kept_speaker_every_turn_and_label(kirbys):
    john, mr = kirbys["john"], kirbys["mr"]
    result = merge_speakers(john, [mr])

    assert (result.turns_moved, result.labels_moved, result.merged) == (2, 1, ["Mr. Kirby"])
    assert not Speaker.objects.filter(pk=mr.pk).exists()
    assert set(Turn.objects.filter(speaker=john).values_list("text", flat=True)) == {
        "We are watching closely.", "The talks continue in Geneva.", "No comment on the convoy.",
    }  # fmt: skip
    # No duplicate row for the label both had; the moved labels are pinned for ingest.
    assert sorted(john.labels.values_list("label", "pinned")) == [("KIRBY", True), ("MR. KIRBY", True)]
    john.refresh_from_db()
    # A missing title is taken; an honorific does not stand beside a known given name.
    assert (john.title, john.given_name, john.family_name, john.honorific) == ("NSC Coordinator", "John", "Kirby", "")
    redirect = SpeakerRedirect.objects.get(old_slug="mr-kirby")
    assert (redirect.old_name, redirect.speaker) == ("Mr. Kirby", john)


def test_after_a_merge_the_old_pages_answer_301_and_the_kept_page_lists_the_turns(client, kirbys):
    merge_speakers(kirbys["john"], [kirbys["mr"]])

    response = client.get("/speakers/mr-kirby/")
    assert response.status_code == 301 and response["Location"] == "/speakers/john-kirby/"
    page = client.get("/speakers/john-kirby/").content.decode()
    assert "The talks continue in Geneva." in page and "We are watching closely." in page
    response = client.get("/api/speakers/mr-kirby/")
    assert response.status_code == 301 and response["Location"] == "/api/speakers/john-kirby/"
    assert client.get("/api/speakers/john-kirby/").json()["turn_count"] == 3
    assert client.get("/speakers/nobody-ever/").status_code == 404


def test_merge_moves_earlier_redirects_to_the_kept_speaker(client, kirbys):
    SpeakerRedirect.objects.create(old_slug="admiral-kirby", old_name="Admiral Kirby", speaker=kirbys["mr"])
    merge_speakers(kirbys["john"], [kirbys["mr"]])
    response = client.get("/speakers/admiral-kirby/")
    assert response.status_code == 301 and response["Location"] == "/speakers/john-kirby/"


def test_merge_refuses_a_role_and_a_person_or_a_speaker_into_itself(kirbys):
    john, question = kirbys["john"], kirbys["question"]
    with pytest.raises(ValueError, match="“Question” is a role and “John Kirby” a person"):
        merge_speakers(john, [question])
    with pytest.raises(ValueError, match="a role is never merged into a person"):
        merge_speakers(question, [john])
    with pytest.raises(ValueError, match="cannot be merged into itself"):
        merge_speakers(john, [john])
    assert Speaker.objects.count() == 3 and not SpeakerRedirect.objects.exists()
    assert Turn.objects.filter(speaker=question).count() == 1


def test_merge_does_not_pin_a_label_that_only_names_an_office(kirbys):
    # "THE PRESIDENT" is whoever held the office that day: ingest must go on resolving it by date.
    SpeakerLabel.objects.create(speaker=kirbys["mr"], label="THE PRESIDENT")
    merge_speakers(kirbys["john"], [kirbys["mr"]])
    assert SpeakerLabel.objects.get(label="THE PRESIDENT").pinned is False


def test_a_merge_reaches_the_search_index(search_index, kirbys, django_capture_on_commit_callbacks):
    indexing.rebuild()
    assert search(SearchParams(q="geneva", speaker="mr-kirby")).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        merge_speakers(kirbys["john"], [kirbys["mr"]])
    found = search(SearchParams(q="", speaker="john-kirby"))
    assert {r.turn.text for r in found.results} == {
        "We are watching closely.", "The talks continue in Geneva.", "No comment on the convoy.",
    }  # fmt: skip
    assert search(SearchParams(q="geneva", speaker="mr-kirby")).total == 0
    assert indexing.check().in_step


# -- split ------------------------------------------------------------------------------------


@pytest.fixture
def lumped():
    """Blinken's speaker also holds the turns of the Costa Rican foreign minister."""
    blinken = Speaker.objects.create(name="Antony J. Blinken", slug="antony-j-blinken", family_name="Blinken")
    SpeakerLabel.objects.create(speaker=blinken, label="SECRETARY BLINKEN")
    SpeakerLabel.objects.create(speaker=blinken, label="MR. FERNÁNDEZ HERNÁNDEZ")
    t1, t2 = make_transcript(datetime.date(2023, 8, 29)), make_transcript(datetime.date(2023, 9, 1))
    own = say(t1, blinken, "SECRETARY BLINKEN", "Thank you, Minister.")
    theirs = say(t1, blinken, "MR. FERNÁNDEZ HERNÁNDEZ", "Gracias, Secretario.", "Costa Rica welcomes this.")
    # The same words in another case are another label as printed: left alone.
    other_case = say(t2, blinken, "Mr. Fernández Hernández", "We will meet again.")
    return {"blinken": blinken, "own": own, "theirs": theirs, "other_case": other_case}


def test_split_moves_exactly_the_turns_printed_under_the_label_to_a_new_person(lumped, client):
    blinken = lumped["blinken"]
    result = split_label(blinken, "MR. FERNÁNDEZ HERNÁNDEZ")

    new = result.speaker
    assert result.created and result.turns_moved == 2
    assert (new.name, new.slug, new.kind) == ("Mr. Fernández Hernández", "mr-fernandez-hernandez", "person")
    assert (new.given_name, new.family_name, new.honorific) == ("", "Fernández Hernández", "Mr.")
    assert set(new.turns.all()) == set(lumped["theirs"])
    assert set(blinken.turns.all()) == set(lumped["own"] + lumped["other_case"])
    assert list(new.labels.values_list("label", "pinned")) == [("MR. FERNÁNDEZ HERNÁNDEZ", True)]
    assert list(blinken.labels.values_list("label", flat=True)) == ["SECRETARY BLINKEN"]
    assert "Costa Rica welcomes this." in client.get(new.get_absolute_url()).content.decode()


def test_split_into_an_existing_speaker(lumped):
    minister = Speaker.objects.create(name="Arnoldo André Tinoco", slug="arnoldo-andre-tinoco")
    result = split_label(lumped["blinken"], "MR. FERNÁNDEZ HERNÁNDEZ", into=minister)
    assert (result.speaker, result.created, result.turns_moved) == (minister, False, 2)
    assert set(minister.turns.all()) == set(lumped["theirs"])
    assert minister.labels.get().pinned


def test_split_refuses_a_label_without_turns(lumped):
    with pytest.raises(ValueError, match="has no turns printed as “MR. NOBODY”"):
        split_label(lumped["blinken"], "MR. NOBODY")
    say(make_transcript(None), lumped["blinken"], "", "Remarks printed without a label.")
    with pytest.raises(ValueError, match="cannot name a new speaker"):
        split_label(lumped["blinken"], "")
    assert Speaker.objects.count() == 1


@pytest.mark.parametrize(
    "label, name",
    [
        ("MR. FERNÁNDEZ HERNÁNDEZ", "Mr. Fernández Hernández"),
        ("O’CONNELL:", "O’Connell"),
        ("MS. JEAN-PIERRE", "Ms. Jean-Pierre"),
        ("MR. MCKEON", "Mr. McKeon"),
        ("MR. MACHADO", "Mr. Machado"),
        ("SECRETARY OF STATE", "Secretary of State"),
        ("Ned Price", "Ned Price"),
    ],
)
def test_names_made_from_labels_are_readable(label, name):
    assert readable(label) == name


# -- admin ------------------------------------------------------------------------------------


def merge_action(admin_client, speakers, **extra):
    data = {"action": "merge_selected", "_selected_action": [s.pk for s in speakers], **extra}
    return admin_client.post(reverse("admin:archive_speaker_changelist"), data)


def test_admin_merge_asks_which_speaker_to_keep_then_merges(admin_client, kirbys):
    john, mr = kirbys["john"], kirbys["mr"]
    response = merge_action(admin_client, [john, mr])

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mr. Kirby" in page and "John Kirby" in page and "MR. KIRBY" in page
    assert "2 turns" in page and "1 turn<" in page
    assert f'name="kept" value="{john.pk}"' in page and f'name="kept" value="{mr.pk}"' in page
    assert Speaker.objects.filter(pk=mr.pk).exists(), "nothing is merged before the staff confirm"

    response = merge_action(admin_client, [john, mr], post="yes", kept=john.pk)
    assert response.status_code == 302
    assert not Speaker.objects.filter(pk=mr.pk).exists()
    assert Turn.objects.filter(speaker=john).count() == 3
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Merged “Mr. Kirby” into “John Kirby”: 2 turns and 1 label moved; the old addresses now lead to its page."
    ]


def test_admin_counts_each_turn_once_when_the_search_matches_several_labels(admin_client, kirbys):
    # "Mr. Kirby" has two labels that both contain the search word.
    url = reverse("admin:archive_speaker_changelist") + "?q=KIRBY"
    data = {"action": "merge_selected", "_selected_action": [kirbys["john"].pk, kirbys["mr"].pk]}
    page = admin_client.post(url, data).content.decode()
    assert "2 turns" in page and "4 turns" not in page


def test_admin_refuses_to_merge_a_role_into_a_person(admin_client, kirbys):
    response = merge_action(admin_client, [kirbys["john"], kirbys["question"]], post="yes", kept=kirbys["john"].pk)
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and "“Question” is a role and “John Kirby” a person" in messages[0]
    assert Speaker.objects.count() == 3


def test_admin_split_gives_a_labels_turns_to_a_new_speaker(admin_client, lumped):
    blinken = lumped["blinken"]
    change_page = admin_client.get(reverse("admin:archive_speaker_change", args=[blinken.pk])).content.decode()
    split_url = reverse("admin:archive_speaker_split", args=[blinken.pk])
    assert split_url in change_page

    form_page = admin_client.get(split_url, {"label": "MR. FERNÁNDEZ HERNÁNDEZ"}).content.decode()
    assert "MR. FERNÁNDEZ HERNÁNDEZ (2 turns)" in form_page and "SECRETARY BLINKEN (1 turn)" in form_page

    response = admin_client.post(split_url, {"label": "MR. FERNÁNDEZ HERNÁNDEZ", "into": ""})
    new = Speaker.objects.get(slug="mr-fernandez-hernandez")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:archive_speaker_change", args=[new.pk])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [
        "Gave 2 turns printed as “MR. FERNÁNDEZ HERNÁNDEZ” from “Antony J. Blinken” to "
        "“Mr. Fernández Hernández” (a new speaker: check its name)."
    ]
    assert set(new.turns.all()) == set(lumped["theirs"])


def test_admin_split_into_an_existing_speaker(admin_client, lumped):
    minister = Speaker.objects.create(name="Arnoldo André Tinoco", slug="arnoldo-andre-tinoco")
    split_url = reverse("admin:archive_speaker_split", args=[lumped["blinken"].pk])
    response = admin_client.post(split_url, {"label": "MR. FERNÁNDEZ HERNÁNDEZ", "into": minister.pk})
    assert response.status_code == 302
    assert set(minister.turns.all()) == set(lumped["theirs"])
    # A label the speaker does not have is not offered.
    response = admin_client.post(split_url, {"label": "MR. NOBODY"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_admin_split_needs_the_change_permission(client, django_user_model, lumped):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_speaker"))
    client.force_login(viewer)
    split_url = reverse("admin:archive_speaker_split", args=[lumped["blinken"].pk])
    assert client.get(split_url).status_code == 403
    assert client.post(split_url, {"label": "MR. FERNÁNDEZ HERNÁNDEZ"}).status_code == 403
    assert lumped["blinken"].turns.count() == 4


def test_admin_speaker_page_shows_its_old_addresses(admin_client, kirbys):
    merge_speakers(kirbys["john"], [kirbys["mr"]])
    page = admin_client.get(reverse("admin:archive_speaker_change", args=[kirbys["john"].pk])).content.decode()
    assert "mr-kirby (Mr. Kirby)" in page


def test_admin_keeps_an_old_address_from_being_reused(admin_client, kirbys):
    merge_speakers(kirbys["john"], [kirbys["mr"]])
    question = kirbys["question"]
    url = reverse("admin:archive_speaker_change", args=[question.pk])
    data = admin_forms.post_data_from(admin_client.get(url))
    data["slug"] = "mr-kirby"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "This address used to belong to “Mr. Kirby” and leads to “John Kirby”" in response.content.decode()
    question.refresh_from_db()
    assert question.slug == "question"


def test_searches_feeds_and_exports_naming_a_merged_speaker_follow_the_kept_one(client, kirbys):
    merge_speakers(kirbys["john"], [kirbys["mr"]])
    for old, new in [
        ("/search/?q=talks&speaker=mr-kirby", "/search/?q=talks&speaker=john-kirby"),
        ("/api/search/?q=talks&speaker=mr-kirby", "/api/search/?q=talks&speaker=john-kirby"),
        ("/search/results.csv?speaker=mr-kirby", "/search/results.csv?speaker=john-kirby"),
        ("/feeds/search/?q=talks&speaker=mr-kirby", "/feeds/search/?q=talks&speaker=john-kirby"),
        ("/feeds/speakers/mr-kirby/", "/feeds/speakers/john-kirby/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    # A speaker that still exists is searched as it is.
    assert client.get("/search/?q=talks&speaker=john-kirby").status_code == 200


def test_a_renamed_speaker_address_keeps_answering(client, kirbys):
    john = Speaker.objects.get(pk=kirbys["john"].pk)
    john.slug = "john-f-kirby"
    john.save()
    response = client.get("/speakers/john-kirby/")
    assert (response.status_code, response["Location"]) == (301, "/speakers/john-f-kirby/")
    # Renamed back: the address is live again and leads nowhere else.
    john.slug = "john-kirby"
    john.save()
    assert client.get("/speakers/john-kirby/").status_code == 200
    assert client.get("/speakers/john-f-kirby/")["Location"] == "/speakers/john-kirby/"
