"""The header block (people, place, venue, headline, kind line, date) and the
metadata that competes with it (front matter, source URL, file name).

Also decides the transcript's kind, since the header, the headline and the front matter
are what say it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..types import KINDS, ParsedTranscript, Person
from .dates import _DATE_ANYWHERE, _date_from_filename, _date_from_match, _is_time_line, _parse_date_text
from .labels import _Label, _label_candidate, _LabelJudge
from .orgs import _is_org_line, _org_display
from .text import (
    _CONNECTORS,
    _KIND_LINES,
    _KIND_WORDS,
    _ROLE_WORDS,
    _VENUE_WORDS,
    _bare,
    _has_role,
    _is_cap,
    _norm,
    _split_title_name,
)
from .turns import _Para

_HEADER_BOILERPLATE = re.compile(
    r"^(?:for immediate release|as prepared(?: for delivery)?|as delivered|check against "
    r"delivery|embargoed\b.*|transcript|home|briefing room|share|print)\.?$",
    re.IGNORECASE,
)

_TAG_KINDS = {
    "press-briefings": "press-briefing",
    "press-briefing": "press-briefing",
    "press-gaggles": "press-briefing",
    "speeches-remarks": "remarks",
    "remarks": "remarks",
    "interviews": "interview",
    "interview": "interview",
    "press-conferences": "press-availability",
    "press-availabilities": "press-availability",
    "statements-releases": "other",
}

_TITLE_KIND_RULES = [
    (
        re.compile(r"\bpress availability\b|\bpress avail\b|\b(?:press|news) conference\b", re.I),
        "press-availability",
    ),
    (
        re.compile(r"\b(?:press|background|special) briefing\b|\bbriefing\b|\bgaggle\b|\bpress call\b", re.I),
        "press-briefing",
    ),
    (re.compile(r"\binterview", re.I), "interview"),
]
# Spoken events that State files as remarks: "Statements to the Press", "Before Their
# Meeting", a town hall, a ceremony, a toast.
_TITLE_REMARKS = re.compile(
    r"\bremarks\b|\bspeech\b|\baddress\b|\btoast\b|\bkeynote\b|\bstatements? to the (?:press|media)\b"
    r"|\bbefore (?:their|the|a|his|her) (?:meeting|bilateral|talks)\b|\btown ?hall\b|\bceremon(?:y|ies)\b"
    r"|\bcommencement\b|\broundtable\b|\bat an? (?:meeting|event|reception|dinner|luncheon|celebration)\b",
    re.I,
)
# "... With Jake Tapper of CNN's State of the Union" names a journalist and an outlet;
# "... on ABC's This Week with George Stephanopoulos" an outlet, a programme and a host.
_NAME_RUN = r"((?:[A-Z][\w.’'-]*\s+){1,3}[A-Z][\w.’'-]*)"
_TITLE_WITH_OUTLET = re.compile(rf"\b[Ww]ith {_NAME_RUN}\s+(?:of|on|from)\s+([A-Z][^,;]{{1,60}}?)\s*$")
_TITLE_ON_PROGRAM = re.compile(rf"\b[Oo]n ([A-Z][\w&.-]*(?: [A-Z][\w&.-]*)?)(?:[’']s)?\s+([A-Z][^,;]{{1,50}}?)\s+[Ww]ith {_NAME_RUN}\s*$")


@dataclass(frozen=True)
class TitleInterview:
    """Who a headline says asks the questions, and for which outlet and programme."""

    interviewer: str
    outlet: str = ""
    program: str = ""


# A headline may run long ("Secretary Antony J. Blinken and … at a Joint Press Availability"
# names every participant); other header lines are short.
_HEADLINE_MAX = 600
_HEADER_LINE_MAX = 200


def _header_like(text: str, limit: int = _HEADER_LINE_MAX) -> bool:
    """Could this line belong to a header block (short, not a sentence)?"""
    if not text or len(text) > limit or text.endswith((":", ";", ",", "?", "!")):
        return False
    if text[0].islower():
        return False
    if text.endswith("."):
        last = text.split()[-1].rstrip(".")
        if not ("." in last or (len(last) <= 3 and last[:1].isupper())):
            return False
    if re.search(r"[a-z]{2}[.?!]\s+[A-Z]", text):
        return False
    return True


def _place_like(text: str, max_words: int = 5) -> bool:
    text = text.strip().rstrip(".")
    if not text or any(ch.isdigit() for ch in text):
        return False
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > 3:
        return False
    words = 0
    for part in parts:
        toks = part.split()
        if not toks or len(toks) > 4:
            return False
        for i, tok in enumerate(toks):
            low = _bare(tok)
            if low in _ROLE_WORDS or (low in _KIND_WORDS and not (low in _CONNECTORS and tok.islower() and i)):
                return False
            if tok.islower() and low in _CONNECTORS and i:
                continue
            if not _is_cap(tok):
                return False
        words += len(toks)
    return words <= max_words + 2 if len(parts) > 1 else words <= max_words


def byline_person(text: str) -> Person | None:
    """The person a page's byline names ("Penny Wong, Minister for Foreign Affairs"), or None
    when it names an office or a site: the header rules' own test of a person line."""
    return _person_line(" ".join(text.split()))


def _person_line(text: str) -> Person | None:
    """ "Marco Rubio, Secretary of State" or "Greek Foreign Minister Giorgos Gerapetritis"."""
    if len(text) > 150 or (text.endswith((".", "?", "!")) and not text.endswith(("Jr.", "Sr."))):
        return None
    if ", " in text:
        name, _, title = text.partition(", ")
        name_toks = name.split()
        if not (2 <= len(name_toks) <= 5) or not _has_role(title) or len(title.split()) > 14:
            return None
        for i, tok in enumerate(name_toks):
            low = _bare(tok)
            if low in _ROLE_WORDS or (low in _KIND_WORDS and low not in _CONNECTORS):
                return None
            if not (_is_cap(tok) or (i and tok.islower() and low in _CONNECTORS)):
                return None
        if any(_bare(t) in _KIND_WORDS - _CONNECTORS for t in title.split()):
            return None
        return Person(_norm(name), _norm(title))
    toks = text.split()
    if len(toks) > 10 or any(_bare(t) in _KIND_WORDS - _CONNECTORS for t in toks):
        return None
    if any(t.islower() and _bare(t) not in _CONNECTORS for t in toks):
        return None
    name, title = _split_title_name(toks)
    if len(name.split()) >= 2 and title and _has_role(title):
        return Person(name, title)
    return None


def _is_venue(text: str) -> bool:
    """A building or a room rather than a town: "Ministry of Foreign Affairs", "Oval
    Office", "James S. Brady Press Briefing Room", "Aboard Air Force One"."""
    low = text.lower()
    if low.startswith(("aboard ", "on board ", "onboard ")):
        return True
    if low.startswith("en route"):
        return False
    toks = text.split()
    if len(toks) > 10 or text.endswith(("?", "!")):
        return False
    if _bare(toks[0]) in _VENUE_WORDS or _bare(toks[-1]) in _VENUE_WORDS:
        return True
    return any(_bare(t) in _VENUE_WORDS for t in toks) and not any(
        _bare(t) in (_KIND_WORDS - _CONNECTORS) for t in toks
    )


@dataclass
class _Header:
    """What the header block says; lines not classified wait in title/short lines."""

    title_lines: list[str] = field(default_factory=list)
    short_lines: list[str] = field(default_factory=list)
    participants: list[Person] = field(default_factory=list)
    date: datetime.date | None = None
    kind: str = ""
    location: str = ""
    venue: str = ""
    org: str = ""


def _header_items(para: _Para, wrapped: bool) -> list[list[int]]:
    """Split one header paragraph into groups of line indices, one group per header line.

    Unwrapped text has one line per paragraph already.  In hard-wrapped text a line is
    a header line of its own after a hard break, after a short line, or when it is a
    date, time or kind line; otherwise it continues a headline wrapped at ~72 columns.
    """
    if not wrapped:
        return [[i] for i in range(len(para.lines))]
    groups: list[list[int]] = [[0]]
    for i in range(1, len(para.lines)):
        prev = para.lines[i - 1]
        line = para.lines[i]
        separate = (
            para.breaks[i - 1]
            or len(prev) < 55
            or _parse_date_text(line) is not None
            or _parse_date_text(prev) is not None
            or _is_time_line(line)
            or _is_time_line(prev)
            or line.lower().rstrip(".") in _KIND_LINES
            or _is_venue(line)
            or _is_org_line(line)
            or line.lower().startswith("en route")
            or ("," in line and (_place_like(line) or _person_line(line) is not None))
        )
        if separate:
            groups.append([i])
        else:
            groups[-1].append(i)
    return groups


def _classify_header(lines: list[str]) -> _Header:
    head = _Header()
    for raw in lines:
        line = _norm(raw)
        line = re.sub(r"^#{1,6}\s+", "", line)
        if line[:2] in ("**", "__") and line.endswith(line[:2]) and len(line) > 4:
            line = line[2:-2].strip()
        if not line:
            continue
        if _is_time_line(line):
            continue
        date = _parse_date_text(line)
        if date:
            head.date = head.date or date
            continue
        place_date = _place_and_date(line)
        if place_date:
            head.date = head.date or place_date[1]
            if not head.location:
                head.location = place_date[0]
            continue
        kind = _KIND_LINES.get(line.lower().rstrip("."))
        if kind:
            head.kind = head.kind or kind
            continue
        if _is_org_line(line):
            head.org = head.org or _org_display(line)
            continue
        if _HEADER_BOILERPLATE.match(line):
            continue
        person = _person_line(line)
        if person:
            head.participants.append(person)
            continue
        if _is_venue(line):
            if not head.venue:
                head.venue = line
            continue
        if line.lower().startswith("en route") or ("," in line and _place_like(line)):
            if not head.location:
                head.location = line
            continue
        if _place_like(line) or (head.date and head.location and len(line.split()) <= 6):
            # After the date and the place, a short name is where in it ("Quai d’Orsay").
            head.short_lines.append(line)
        else:
            head.title_lines.append(line)
    return head


def _after_date_line(t: str) -> bool:
    """A header line that may follow the date: never a headline or a sentence."""
    return bool(
        _HEADER_BOILERPLATE.match(t)
        or _is_time_line(t)
        or t.lower().rstrip(".") in _KIND_LINES
        or _is_venue(t)
        or _is_org_line(t)
        or _person_line(t) is not None
        or t.lower().startswith(("en route", "aboard "))
        or _place_like(t)
        or _place_and_date(t)
    )


def _place_and_date(line: str) -> tuple[str, datetime.date] | None:
    """ "Washington, D.C., January 9, 2022" or "January 9, 2022 — Athens, Greece"."""
    if len(line) > 120:
        return None
    for rx in _DATE_ANYWHERE:
        m = rx.search(line)
        if not m:
            continue
        before = line[: m.start()].strip(" ,—–-|")
        after = line[m.end():].strip(" ,—–-|.")
        other = before if before and not after else after if after and not before else None
        date = _date_from_match(m)
        if other and date and _place_like(other):
            return other, date
    return None


def _meta_text(meta: dict, *keys: str) -> str:
    for key in keys:
        value = meta.get(key)
        if value is not None and not isinstance(value, (dict, list)):
            text = _norm(str(value).replace("\n", " "))
            if text:
                return text
    return ""


def _meta_date(meta: dict) -> datetime.date | None:
    for key in ("date", "published_time", "published", "publish_date"):
        value = meta.get(key)
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
            if m:
                try:
                    return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    pass
            parsed = _parse_date_text(value)
            if parsed:
                return parsed
    return None


def _meta_tags(meta: dict) -> list[str]:
    tags: list[str] = []
    for key in ("tags", "categories", "category"):
        value = meta.get(key)
        if isinstance(value, str):
            tags.extend(t for t in re.split(r"[,\s]+", value) if t)
        elif isinstance(value, list):
            tags.extend(str(t) for t in value if isinstance(t, (str, int)))
    return [t.strip().lower() for t in tags if t.strip()]


def _source_name(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    if not host:
        return ""
    if host == "whitehouse.gov" or host.endswith(".whitehouse.gov") or (
        host.endswith(".archives.gov") and "whitehouse" in host
    ):
        return "The White House"
    if host == "state.gov" or host.endswith(".state.gov"):
        return "U.S. Department of State"
    return host[4:] if host.startswith("www.") else host


def _kind_from_title(title: str) -> str:
    for rx, kind in _TITLE_KIND_RULES:
        if rx.search(title):
            return kind
    return ""


def _title_interview(title: str) -> TitleInterview | None:
    """The journalist (no office) and outlet a headline names: "... With Jake Tapper of
    CNN's State of the Union", "... on ABC's This Week with George Stephanopoulos"."""
    title = _norm(title[:300])
    m = _TITLE_WITH_OUTLET.search(title)
    if m and not _has_role(m.group(1)):
        parts = re.split(r"[’']s\s+", m.group(2), maxsplit=1)
        outlet = parts[0].strip()
        program = parts[1].strip() if len(parts) > 1 else ""
        return TitleInterview(m.group(1).strip(), outlet, program)
    m = _TITLE_ON_PROGRAM.search(title)
    if m and not _has_role(m.group(3)):
        return TitleInterview(m.group(3).strip(), m.group(1).strip(), m.group(2).strip())
    return None


def _split_header(
    paras: list[_Para], judge: _LabelJudge, wrapped: bool, markdown: bool
) -> tuple[list[str], list[_Para], list[_Label | None], list[int]]:
    """Separate the header block from the body.

    The header is what precedes the first strong label, up to and including the last
    date or time line among the leading header-like lines; without such a line, the
    leading header-like lines that are not labels.  Returns the header lines and the
    body paragraphs with their label candidates and original indices (-1 for the rest
    of a paragraph the header ended inside).
    """
    candidates = judge.candidates
    first_strong = next(
        (i for i, c in enumerate(candidates) if c and c.strength == "strong"), len(paras)
    )
    scan_end = min(first_strong, 25)
    items: list[tuple[int, list[int]]] = []
    for pi in range(scan_end):
        for group in _header_items(paras[pi], wrapped):
            items.append((pi, group))

    def item_text(item: tuple[int, list[int]]) -> str:
        pi, group = item
        return _norm(" ".join(paras[pi].lines[g] for g in group))

    header_end = 0  # number of items in the header
    for k, item in enumerate(items[:16]):
        t = item_text(item)
        if not _header_like(t, _HEADLINE_MAX if k == 0 else _HEADER_LINE_MAX) and not _is_time_line(t):
            break
        if _parse_date_text(t) or _is_time_line(t) or _place_and_date(t):
            header_end = k + 1
    if header_end:
        # What follows the date in feed text still belongs to the header, in any order: a
        # byline ("Antony J. Blinken, Secretary of State"), the place, the venue, the
        # publishing office, stock lines ("As Prepared for Delivery"), a start time.
        while header_end < len(items) and items[header_end][0] < first_strong:
            t = item_text(items[header_end])
            last_before_turns = header_end + 1 >= len(items) or items[header_end + 1][0] >= first_strong
            # The short name right before the first turn is the venue ("Quai d’Orsay").
            venue_line = last_before_turns and first_strong < len(paras) and len(t.split()) <= 6 and t[:1].isupper()
            if len(t) > 150 or not _header_like(t) or not (_after_date_line(t) or venue_line):
                break
            header_end += 1
    else:
        for k, item in enumerate(items[:16]):
            t = item_text(item)
            if not _header_like(t) or judge.accept(item[0], []) is not None:
                break
            header_end = k + 1
        # Unlabelled text made only of short lines has no header to speak of: keep it
        # all as the body rather than returning nothing.
        if header_end == len(items) and first_strong == len(paras) == scan_end:
            header_end = 0

    header_lines = [item_text(it) for it in items[:header_end]]
    body: list[_Para] = []
    body_cands: list[_Label | None] = []
    body_index: list[int] = []
    first_body = 0
    if header_end:
        last_pi = items[header_end - 1][0]
        first_body = last_pi + 1
        leftover = [g for (pi, group) in items[header_end:] if pi == last_pi for g in group]
        if leftover:
            p = paras[last_pi]
            rest = _Para([p.lines[g] for g in leftover], [p.breaks[g] for g in leftover])
            body.append(rest)
            body_cands.append(_label_candidate(rest.raw, markdown))
            body_index.append(-1)
    for pi in range(first_body, len(paras)):
        body.append(paras[pi])
        body_cands.append(candidates[pi])
        body_index.append(pi)
    return header_lines, body, body_cands, body_index


def _set_date(result: ParsedTranscript, head: _Header, meta: dict, filename: str) -> None:
    meta_date = _meta_date(meta)
    if head.date:
        result.date = head.date
        if meta_date and meta_date != head.date:
            result.warnings.append(
                f"header date {head.date.isoformat()} differs from front matter date "
                f"{meta_date.isoformat()}; using the header date"
            )
    elif meta_date:
        result.date = meta_date
    else:
        file_date = _date_from_filename(filename)
        if file_date:
            result.date = file_date
            result.warnings.append("date taken from the file name")
        else:
            result.warnings.append("no date found")


def _decide_kind(title: str, head: _Header, meta: dict, host_intro: bool, turns=()) -> str:
    """Kind from, in order: front matter, the headline's specific words, the category
    line, "Remarks" in the headline, a journalist named in it, front matter tags, and a
    host introducing a guest."""
    meta_kind = _meta_text(meta, "kind")
    if meta_kind in KINDS:
        return meta_kind
    kind = _kind_from_title(title) or head.kind
    if kind:
        return kind
    if title and _TITLE_REMARKS.search(title):
        return "remarks"
    if title and _title_interview(title):
        return "interview"
    for tag in _meta_tags(meta):
        if tag in _TAG_KINDS:
            return _TAG_KINDS[tag]
    if host_intro:
        return "interview"
    # Labelled speech the headline does not name: questions from the press make it a
    # press availability, speakers alone make it remarks; unlabelled text stays "other".
    labels = {t.speaker_label for t in turns if t.speaker_label}
    if any(lab.upper() in ("Q", "QUESTION") for lab in labels):
        return "press-availability"
    return "remarks" if labels else "other"
