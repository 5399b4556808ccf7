"""A person's name cleaned of headline words, compared, and split into parts."""

import pytest

from archive.speakers.labels import label_display_name, read_label
from archive.speakers.names import PersonName, clean_name, name_key, name_parts, readable


@pytest.mark.parametrize(
    "printed, name",
    [
        ("Karine Jean-Pierre Aboard Air Force One En Route Plains", "Karine Jean-Pierre"),
        ("Karine Jean-Pierre En Route Los Angeles", "Karine Jean-Pierre"),
        ("Coordinator for Strategic Communications John Kirby", "John Kirby"),
        ("Strategic Communications John Kirby", "John Kirby"),
        ("APNSA Jake Sullivan", "Jake Sullivan"),
        ("CEA Member Jared Bernstein", "Jared Bernstein"),
        ("Antony J. Blinken Panel", "Antony J. Blinken"),
        ("Antony J. Blinken Joint", "Antony J. Blinken"),
        ("First Lady Jill Biden", "Jill Biden"),
        ("Sullivan A New Frontier", "Sullivan"),
        ("Ursula von der Leyen", "Ursula von der Leyen"),
        ("Martin Luther King", "Martin Luther King"),
        ("USApoRusski Telegram", "USApoRusski"),
    ],
)
def test_clean_name_keeps_only_the_name(printed, name):
    assert clean_name(printed) == name


@pytest.mark.parametrize(
    "name, hint, parts",
    [
        ("Antony J. Blinken", "", PersonName(given="Antony J.", family="Blinken")),
        ("Joseph R. Biden Jr.", "", PersonName(given="Joseph R.", family="Biden", suffix="Jr.")),
        ("Ursula von der Leyen", "", PersonName(given="Ursula", family="von der Leyen")),
        ("Mohammed bin Salman", "", PersonName(given="Mohammed", family="bin Salman")),
        ("Jean-Yves Le Drian", "LE DRIAN", PersonName(given="Jean-Yves", family="Le Drian")),
        # A label says where the family name starts: compound and family-first names.
        ("Rodrigo Chaves Robles", "CHAVES", PersonName(given="Rodrigo", family="Chaves Robles")),
        ("Michelle Lujan Grisham", "LUJAN GRISHAM", PersonName(given="Michelle", family="Lujan Grisham")),
        ("Chung Eui-yong", "CHUNG", PersonName(given="Eui-yong", family="Chung", family_first=True)),
    ],
)
def test_name_parts(name, hint, parts):
    assert name_parts(name, family_hint=hint) == parts
    assert name_parts(name, family_hint=hint).full == name


@pytest.mark.parametrize(
    "label, display, family, honorific",
    [
        ("MR. FERNÁNDEZ HERNÁNDEZ", "Mr. Fernández Hernández", "Fernández Hernández", "Mr."),
        ("SECRETARY O’BRIEN", "Secretary O’Brien", "O’Brien", "Secretary"),
        ("AMBASSADOR DE LA CRUZ", "Ambassador de la Cruz", "de la Cruz", "Ambassador"),
        ("MR. MCKEON", "Mr. McKeon", "McKeon", "Mr."),
        ("FOREIGN MINISTER LE DRIAN", "Foreign Minister Le Drian", "Le Drian", "Foreign Minister"),
        ("MS. O’CONNELL", "Ms. O’Connell", "O’Connell", "Ms."),
        ("PRIME MINISTER MODI", "Prime Minister Modi", "Modi", "Prime Minister"),
    ],
)
def test_a_name_known_only_from_a_label_is_a_family_name_with_an_honorific(label, display, family, honorific):
    reading = read_label(label)
    assert label_display_name(reading) == display
    assert readable(reading.family) == family
    assert reading.honorific == honorific


def test_name_key_joins_spellings_of_one_person():
    assert name_key("Antony J. Blinken") == name_key("ANTONY BLINKEN") == "antony blinken"
    assert name_key("Erdoğan") == name_key("ERDOGAN")
    assert name_key("Mr. Kirby") == "kirby"
