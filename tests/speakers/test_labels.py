"""What a label says by itself: role, office, family name."""

import pytest

from archive.speakers.labels import read_label


@pytest.mark.parametrize(
    "label, role",
    [
        ("QUESTION", "Question"),
        ("Q", "Question"),
        ("AIDE", "Aide"),
        ("MILITARY AIDE", "Military Aide"),
        ("WHITE HOUSE OFFICIAL", "White House Official"),
        ("FBI OFFICIAL", "FBI Official"),
        ("AUDIENCE MEMBERS", "Audience member"),
        ("GUEST", "Guest"),
        ("CHILD", "Child"),
        ("SENIOR ADMINISTRATION OFFICIAL NUMBER ONE", "Senior Administration Official"),
        ("SENIOR ADMINISTRATION OFFICIAL TWO", "Senior Administration Official"),
        ("SENIOR STATE DEPARTMENT OFFICIAL 2", "Senior State Department Official"),
        ("AIR FORCE ONE CREW MEMBER", "Air Force One Crew Member"),
        # An outlet as a label is a question from that outlet.
        ("Politico", "Question"),
        ("REUTERS", "Question"),
    ],
)
def test_roles_are_roles(label, role):
    assert read_label(label).role == role


@pytest.mark.parametrize(
    "label, office, family",
    [
        ("SECRETARY BLINKEN", "secretary", "BLINKEN"),
        ("FOREIGN MINISTER GERAPETRITIS", "foreign minister", "GERAPETRITIS"),
        ("MR. FERNÁNDEZ HERNÁNDEZ", "", "FERNÁNDEZ HERNÁNDEZ"),
        ("AMBASSADOR DE LA CRUZ", "ambassador", "DE LA CRUZ"),
        ("THE PRESIDENT", "president", ""),
        ("OFFICER SMITH", "", "OFFICER SMITH"),
    ],
)
def test_office_and_family_name(label, office, family):
    reading = read_label(label)
    assert (reading.role, reading.office, reading.family) == ("", office, family)
