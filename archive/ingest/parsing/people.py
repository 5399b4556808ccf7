"""Who stands behind each label, as far as the text itself says: header participants,
people named in the headline, a host's introduction or an interviewer's own.
"""

from __future__ import annotations

import re

from ..types import ParsedTranscript, ParsedTurn, Person
from .header import TitleInterview
from .labels import _Q_LABELS
from .text import (
    _CONNECTORS,
    _KIND_WORDS,
    _ROLE_WORDS,
    _TITLE_FILLER,
    _bare,
    _has_role,
    _is_cap,
    _name_words,
    _norm,
    _split_title_name,
)

_HOST_INTRO = re.compile(
    r"\b(?:joining (?:me|us)(?: (?:now|today|tonight|here|this (?:morning|afternoon|evening)))?"
    r"(?: to discuss(?: [^.?!]{0,60}?)?)?(?: (?:is|are))?"
    r"|with (?:me|us) (?:now|today|here)(?: (?:is|are))?"
    r"|my guest (?:now |today |tonight |this (?:morning|afternoon|evening) )?is"
    r"|i[’']m joined (?:now |today )?by)\s+",
    re.IGNORECASE,
)
_SELF_INTRO = re.compile(
    r"\b(?:I[’']m|I am|This is)\s+([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,3})"
)


def _match_participants(labels: list[str], participants: list[Person]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for label in labels:
        words = set(_name_words(label))
        if not words:
            continue
        hits = [p for p in participants if set(_name_words(p.name)[1:]) & words]
        if len(hits) == 1:
            found[label] = hits[0]
    # "THE SECRETARY" / "THE PRESIDENT": the one participant whose title says so.
    for label in labels:
        if label in found:
            continue
        words = [w for w in _name_words(label) if w != "THE"]
        if not words or not all(w.lower() in _ROLE_WORDS | _TITLE_FILLER for w in words):
            continue
        if {"QUESTION", "MODERATOR", "PARTICIPANT", "AUDIENCE", "INTERPRETER", "OPERATOR", "STAFF"} & set(words):
            continue
        hits = [
            p
            for p in participants
            if p not in found.values() and set(words) <= set(_name_words(p.title))
        ]
        if len(hits) == 1:
            found[label] = hits[0]
    return found


def _person_from_label(label: str) -> Person | None:
    """Mixed-case labels that name someone: "Ned Price, Department Spokesperson"."""
    if label.isupper():
        return None
    if ", " in label:
        name, _, title = label.partition(", ")
        if len(name.split()) >= 2 and not _has_role(name):
            return Person(name, title)
        return None
    toks = label.split()
    if len(toks) >= 2 and not _has_role(label):
        return Person(label, "")
    return None


def _person_from_phrase(phrase: str, participants: list[Person]) -> Person | None:
    phrase = _norm(phrase).strip(" ,.")
    if phrase.lower().startswith("the "):
        phrase = phrase[4:]
    toks = phrase.split()
    if not toks or len(toks) > 9 or " and " in f" {phrase} " or "&" in phrase:
        return None
    if any(t.islower() and _bare(t) not in _CONNECTORS for t in toks):
        return None
    if not _is_cap(toks[-1]) or _bare(toks[-1]) in _ROLE_WORDS | _TITLE_FILLER:
        return None
    words = set(_name_words(phrase))
    hits = [p for p in participants if set(_name_words(p.name)[1:]) & words]
    if len(hits) == 1:
        return hits[0]
    name, title = _split_title_name(toks)
    if len(name.split()) >= 2:
        return Person(name, title)
    # "Secretary Blinken": a role and a surname, kept as given.
    if name and title and _has_role(title):
        return Person(phrase, "")
    return None


def _title_people(title: str, labels: list[str]) -> dict[str, Person]:
    """People a headline names in full, matched to labels by surname.

    "Press Briefing by Press Secretary Jen Psaki" -> "MS. PSAKI": Jen Psaki, Press
    Secretary.  Only names of two or more words are used.
    """
    toks = title.replace(",", " , ").split()
    found: dict[str, Person] = {}
    i = 0
    while i < len(toks):
        if not _name_token(toks[i]):
            i += 1
            continue
        j = i
        while j < len(toks) and _name_token(toks[j]):
            j += 1
        run = toks[i:j]
        if len(run) >= 2:
            k = i
            while k > 0 and (_bare(toks[k - 1]) in _ROLE_WORDS | _TITLE_FILLER | {"press"}):
                k -= 1
            while k < i and toks[k].islower():  # "and President" -> "President"
                k += 1
            role = " ".join(toks[k:i])
            words = set(_name_words(" ".join(run)))
            hits = [
                lab
                for lab in labels
                if words & {w for w in _name_words(lab) if w.lower() not in _ROLE_WORDS}
            ]
            if len(hits) == 1 and hits[0] not in found:
                found[hits[0]] = Person(" ".join(run), role)
        i = j
    return found


def _name_token(tok: str) -> bool:
    low = _bare(tok)
    return (
        _is_cap(tok)
        and low not in _ROLE_WORDS
        and low not in _TITLE_FILLER
        and low not in _KIND_WORDS
        and not tok.endswith(("’s", "'s"))
    )


_TITLE_SPEAKER_RULES = [
    re.compile(
        r"^(?:(?:Opening|Closing|Keynote|Welcoming|Virtual|Joint|Pre-[Tt]aped|Prepared|Video|Recorded)\s+)?"
        r"(?:Remarks|Statement|Address|Speech|Toast)\s+"
        r"(?:(?i:as\s+(?:prepared\s+for\s+delivery|delivered|prepared))\s+)?(?:by|of|from)\s+(.+?)"
        r"(?:\s+(?i:at|on|to|before|during|in|for|with|after|following|upon|regarding|about|via|as)\b.*)?$"
    ),
    re.compile(r"^(.+?)[’']s?\s+(?:Opening |Closing |Keynote )?(?:Remarks|Statement|Address|Speech)\b"),
    re.compile(r"^(.+?)\s+(?:Delivers\s+)?(?:Remarks|Statement|Address)\b"),
]


def _speaker_from_title(title: str, participants: list[Person]) -> Person | None:
    """The one person a headline says is speaking ("Remarks by Secretary Blinken at ...")."""
    title = title[:300]  # headlines are short; this bounds the work on odd front matter
    for rx in _TITLE_SPEAKER_RULES:
        m = rx.match(title)
        if m:
            person = _person_from_phrase(m.group(1), participants)
            if person:
                return person
    return None


def _intro_person(sentence: str, labels: list[str]) -> tuple[str, Person] | None:
    """Who a host introduces: "Secretary of State Antony Blinken" -> the matching label."""
    sentence = re.split(r"(?<=[a-z])[.?!](?:\s|$)|[?!;]", sentence, maxsplit=1)[0]
    sentence = re.split(r",\s+(?:who|and|thanks|welcome)\b|\s+who\b", sentence, maxsplit=1)[0]
    sentence = sentence.strip(" ,.:")
    if sentence.lower().startswith("the "):
        sentence = sentence[4:]
    # "the Secretary of State, Antony Blinken" -> apposition
    sentence = sentence.replace(", ", " ")
    toks = sentence.split()[:12]
    while toks and not _is_cap(toks[-1]):
        toks.pop()
    if not toks:
        return None
    name, title = _split_title_name(toks)
    if not name:
        return None
    # "from Kyiv is Secretary of State" -> "Secretary of State"
    title_toks = title.split()
    for k in range(len(title_toks) - 1, -1, -1):
        if title_toks[k].islower() and _bare(title_toks[k]) not in _CONNECTORS:
            title_toks = title_toks[k + 1 :]
            break
    title = " ".join(title_toks)
    if title.lower().startswith("the "):
        title = title[4:]
    surname = set(_name_words(name.split()[-1]))
    matching = [lab for lab in labels if surname & set(_name_words(lab))]
    if len(matching) == 1:
        return matching[0], Person(name, title)
    others = [lab for lab in labels if lab.upper() not in _Q_LABELS and lab]
    if not matching and len(others) == 1 and len(name.split()) >= 2:
        return others[0], Person(name, title)
    return None


def _find_host_intro(turns: list[ParsedTurn]) -> str | None:
    """Text following "Joining me now is ..." near the start, if a host introduces a guest."""
    for turn in turns[:3]:
        for para in turn.paragraphs[:6]:
            m = _HOST_INTRO.search(para)
            if m:
                return para[m.end():]
    return None


def _self_introduction(turn: ParsedTurn) -> Person | None:
    """ "I’m Jake Tapper in Washington" / "I am ..." / "This is ..." in an opening turn."""
    for para in turn.paragraphs[:2]:
        m = _SELF_INTRO.search(para)
        if not m:
            continue
        toks: list[str] = []
        for tok in m.group(1).split():
            # A full stop after a word (not an initial) ends the sentence.
            if tok.endswith(".") and len(tok.rstrip(".")) > 1:
                toks.append(tok.rstrip("."))
                break
            toks.append(tok)
        name = " ".join(toks).rstrip(",")
        if len(toks) >= 2 and not _has_role(name) and not any(_bare(t) in _TITLE_FILLER for t in toks):
            return Person(name, "")
    return None


_ADDRESSED = re.compile(r"^(?:Thanks|Thank you|Well|Good (?:morning|afternoon|evening)|Hi|Hey|Yes|Look),?\s+([A-Z][a-z]+)\b")


def _addressed_otherwise(turns: list[ParsedTurn], interviewer: str) -> bool:
    """Whether the guest answers someone else by first name ("Thanks, Chuck." under a
    headline that names Jake Tapper): then the headline is not evidence enough."""
    given = interviewer.split()[0]
    for turn in turns[:12]:
        if not turn.speaker_label or turn.speaker_label.upper() in _Q_LABELS or not turn.paragraphs:
            continue
        m = _ADDRESSED.match(turn.paragraphs[0])
        if m and m.group(1) not in (given, "Mr", "Madam", "Secretary", "Minister", "President", "Ambassador", "Everyone", "Everybody", "All", "You"):
            return True
    return False


# Words that stand before a surname without being a given name ("Thank you, Hamill").
_NOT_GIVEN = frozenset(
    "the and but thank thanks dear hi hello welcome congratulations congrats like with from said "
    "says told today yesterday when where what who why how if so as at for to by on in of is was "
    "our my your his her their this that please okay ok yes no well now then also both".split()
)


def _named_in_text(labels: list[str], turns: list[ParsedTurn]) -> dict[str, Person]:
    """Full names the text gives for labels that print only a surname: the press secretary
    introduces "Mark Hamill", then "MR. HAMILL:" speaks. Used only when the text gives
    one given name for that surname."""
    found: dict[str, Person] = {}
    text = None
    for label in labels:
        toks = label.split()
        if not label.isupper() or len(toks) < 2:
            continue
        k = 0
        while k < len(toks) and (_bare(toks[k]) in _ROLE_WORDS or _bare(toks[k]) in _TITLE_FILLER):
            k += 1
        family = toks[k:]
        if not family or k == 0 or len(family) > 3 or any(_bare(t) in _ROLE_WORDS | _TITLE_FILLER for t in family):
            continue
        if text is None:
            text = "\n".join(p for t in turns for p in t.paragraphs)
        # The words before the surname, up to two ("Christen Linke Young" is not "Linke").
        pattern = re.compile(
            r"(?<![\w.’'-])((?:[A-Z][a-z’'-]+\s+)?[A-Z][a-z’'-]+(?:\s+[A-Z]\.)?)\s+("
            + r"\s+".join(f"(?i:{re.escape(w)})" for w in family)
            + r")(?![\w’'-])"
        )
        given: dict[str, str] = {}
        for m in pattern.finditer(text):
            first, printed = m.group(1), m.group(2)
            if not first[0].isupper() or not first[1:2].islower() or not printed[0].isupper() or printed.isupper():
                continue
            words = first.split()
            # "Thank you, Mark Hamill": drop a leading word that is not a name.
            while words and _bare(words[0]) in _NOT_GIVEN | _ROLE_WORDS | _TITLE_FILLER | _KIND_WORDS:
                words.pop(0)
            if not words or not words[0][0].isupper():
                continue
            first = " ".join(words)
            given.setdefault(first, f"{first} {printed}")
        if len(given) == 1:
            found[label] = Person(next(iter(given.values())), "")
    return found


def _speaker_hints(
    result: ParsedTranscript, host_intro: str | None, interview: TitleInterview | None = None
) -> dict[str, Person]:
    """Who stands behind each label, as far as the text itself says."""
    turns = result.turns
    participants = result.participants
    turn_labels = list(dict.fromkeys(t.speaker_label for t in turns if t.speaker_label))
    speakers: dict[str, Person] = {}
    for label in turn_labels:
        person = _person_from_label(label)
        if person:
            speakers[label] = person
    unmatched = [lab for lab in turn_labels if lab not in speakers]
    speakers.update(_match_participants(unmatched, participants))
    if host_intro is not None:
        found = _intro_person(host_intro, turn_labels)
        if found and found[0] not in speakers:
            speakers[found[0]] = found[1]
    if result.title:
        unmatched = [lab for lab in turn_labels if lab not in speakers]
        speakers.update(_title_people(result.title, unmatched))
    # Only an interview has one interviewer behind every question; in a press
    # conference reporters take turns under the same label. The headline names the
    # interviewer ("... With Jake Tapper of CNN"), or the interviewer introduces themself.
    if interview and not _addressed_otherwise(turns, interview.interviewer):
        for label in turn_labels:
            if label.upper() in _Q_LABELS and label not in speakers:
                speakers[label] = Person(interview.interviewer, interview.outlet)
    first = turns[0]
    if (
        result.kind == "interview"
        and first.speaker_label.upper() in _Q_LABELS
        and first.speaker_label not in speakers
    ):
        person = _self_introduction(first)
        if person:
            speakers[first.speaker_label] = person
    unmatched = [lab for lab in turn_labels if lab not in speakers and lab.upper() not in _Q_LABELS]
    result.mentions = _named_in_text(unmatched, turns)
    if any(not t.speaker_label for t in turns):
        person = None
        if len(participants) == 1:
            person = participants[0]
        elif result.title:
            person = _speaker_from_title(result.title, participants)
        if person:
            speakers[""] = person
    return speakers
