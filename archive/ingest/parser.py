"""Turn the text of one diplomatic transcript into a :class:`ParsedTranscript`.

Pure Python (no Django): text in, plain data out.  The parser understands the layouts
official sites publish transcripts in:

* State Department pages saved as text: a site banner, a header block (people, place,
  venue, headline, kind, date), ``LABEL:`` turns, and a footer (site name followed by
  related-article titles);
* Markdown copies with YAML front matter and lines hard-wrapped at ~72 columns;
* prepared remarks or readouts with no speaker labels at all.

Every regular expression here is anchored or bounded so that a large transcript parses
in linear time.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml

from .types import KINDS, ParsedTranscript, ParsedTurn, Person, TranscriptError

__all__ = ["parse"]

# ---------------------------------------------------------------------------
# Characters and small helpers
# ---------------------------------------------------------------------------

# Horizontal whitespace of every sort (NBSP included) collapses to one plain space.
_HSPACE = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")

_CONNECTORS = frozenset(
    "of the for and on to de del della da dos das van von der den al el la le du des "
    "bin ibn y e at in".split()
)

# Words that mark a speaker label or a person's title ("Secretary", "Moderator").
_ROLE_WORDS = frozenset(
    """
    secretary minister president vice prime spokesperson spokesman spokeswoman ambassador
    envoy director adviser advisor counselor counsellor administrator coordinator deputy
    assistant undersecretary under chancellor premier king queen prince princess emir
    sultan sheikh governor senator representative congressman congresswoman commissioner
    chair chairman chairwoman chairperson general admiral commander official officer
    mayor leader chief moderator host anchor correspondent reporter journalist interviewer
    questioner question answer participant audience interpreter translator operator staff
    mr. ms. mrs. dr. mr ms mrs dr sir dame speaker panelist narrator
    secretary-general attorney justice lieutenant colonel captain major pope
    """.split()
)
# Words that may sit inside a title ("Secretary of State") but are not part of a name.
_TITLE_FILLER = frozenset(
    """
    state foreign affairs defense defence national security homeland treasury commerce
    department white house u.s. us united states of the for and senior administration
    special presidential high external european union general economic political
    public diplomacy international trade energy health justice interior
    """.split()
)
# Words that make a header line read as a headline rather than a place.
_KIND_WORDS = frozenset(
    """
    remarks interview briefing press conference availability statement readout gaggle
    speech address meeting call with at on by and to before after during discussion
    roundtable event ceremony signing visit dialogue summit session hearing testimony
    toast transcript release media note fact sheet
    """.split()
)
_VENUE_WORDS = frozenset(
    """
    ministry office room hall garden palace building embassy consulate residence chancery
    chancellery parliament auditorium museum library headquarters university villa lobby
    studio center centre hotel theater theatre cathedral church house pavilion terrace
    lawn colonnade suite ballroom salon kremlin capitol pentagon academy college school
    stadium arena club rotunda
    """.split()
)
_LANGUAGES = (
    "english|greek|russian|spanish|french|german|arabic|chinese|mandarin|cantonese|"
    "japanese|korean|ukrainian|hebrew|turkish|italian|portuguese|polish|persian|farsi|"
    "hindi|urdu|dutch|swedish|norwegian|danish|finnish|czech|hungarian|romanian|"
    "bulgarian|serbian|croatian|albanian|georgian|armenian|vietnamese|thai|indonesian|"
    "malay|tagalog|swahili|amharic|pashto|dari|bengali|tamil|lithuanian|latvian|"
    "estonian|slovak|slovenian|macedonian|kazakh|uzbek|azerbaijani|mongolian|khmer|"
    "burmese|lao|nepali|somali|hausa|yoruba|kurdish|icelandic|maltese|irish|welsh"
)

# Stage directions: a parenthetical or bracketed note whose text starts like one of these.
_NOTE_SPAN = re.compile(r"\(([^()\n]{1,80})\)|\[([^\[\]\n]{1,80})\]")
_NOTE_TEXT = re.compile(
    r"(?:laughter|laughs|laughing|chuckles|chuckling|applause|cheers|cheering|boos|booing"
    r"|crosstalk|cross-talk|cross talk|inaudible|unintelligible|indiscernible|unclear"
    r"|off[- ]?mi(?:ke|c)|(?:via|through) (?:an |the )?interpret(?:er|ation)"
    r"|as interpreted|interpreted|interpretation|translated|translation"
    r"|in progress|pause|pauses|silence|music|gavel|coughs|coughing|sighs|interruption"
    r"|technical difficult\w*|no audio|audio (?:gap|drops?|cuts? out|lost|interrupted)"
    r"|break in (?:audio|transmission|recording)|phone rings|bell rings"
    r"|video (?:plays|played|shown|clip|message)|(?:beginning|end) of (?:video|audio|clip)"
    rf"|(?:speaks |speaking |spoke |answers |continues |continuing )?(?:in )?(?:{_LANGUAGES})"
    r")\b",
    re.IGNORECASE,
)

_BANNER = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^an official website of the united states government",
        r"^here[’']s how you know\.?$",
        r"^official websites use \.gov",
        r"^a \.gov website belongs to an official",
        r"^secure \.gov websites use https",
        r"^a lock \(.{0,20}\) or https://",
        r"means you[’']ve safely connected to the \.gov website",
        r"^share sensitive information only on official, secure websites",
        r"^skip to (?:main )?content\.?$",
    )
]

_ORG_NAMES = frozenset(
    {
        "u.s. department of state",
        "us department of state",
        "united states department of state",
        "department of state",
        "the white house",
        "white house",
        "office of the spokesperson",
        "office of the press secretary",
        "the white house office of the press secretary",
    }
)
_ORG_PATTERN = re.compile(
    r"^(?:u\.s\.|united states) (?:embassy|mission|consulate)\b[^:]{0,60}$", re.IGNORECASE
)
_FOOTER_PHRASES = frozenset(
    {
        "related articles",
        "related content",
        "related",
        "tags",
        "back to top",
        "share",
        "share this page",
        "print",
        "subscribe to updates",
        "see also",
        "read more",
    }
)
_HEADER_BOILERPLATE = re.compile(
    r"^(?:for immediate release|as prepared(?: for delivery)?|as delivered|check against "
    r"delivery|embargoed\b.*|transcript|home|briefing room|share|print)\.?$",
    re.IGNORECASE,
)

_KIND_LINES = {
    "interview": "interview",
    "interviews": "interview",
    "remarks": "remarks",
    "speech": "remarks",
    "speeches": "remarks",
    "speeches and remarks": "remarks",
    "remarks to the press": "remarks",
    "remarks as prepared": "remarks",
    "keynote": "remarks",
    "press briefing": "press-briefing",
    "press briefings": "press-briefing",
    "department press briefing": "press-briefing",
    "background briefing": "press-briefing",
    "special briefing": "press-briefing",
    "briefing": "press-briefing",
    "press gaggle": "press-briefing",
    "gaggle": "press-briefing",
    "press call": "press-briefing",
    "background press call": "press-briefing",
    "on-the-record briefing": "press-briefing",
    "press availability": "press-availability",
    "joint press availability": "press-availability",
    "press conference": "press-availability",
    "joint press conference": "press-availability",
    "news conference": "press-availability",
    "readout": "other",
    "statement": "other",
    "press statement": "other",
    "joint statement": "other",
    "media note": "other",
    "fact sheet": "other",
    "testimony": "other",
    "op-ed": "other",
    "notice": "other",
}
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
_TITLE_REMARKS = re.compile(r"\bremarks\b|\bspeech\b|\baddress\b|\btoast\b|\bkeynote\b", re.I)
# "... With Jake Tapper of CNN" names a journalist and an outlet: an interview.
_TITLE_WITH_OUTLET = re.compile(
    r"\b[Ww]ith ((?:[A-Z][\w.’'-]*\s+){1,4})(?:of|on|from)\s+[A-Z]"
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

# Labels -------------------------------------------------------------------------------
_LABEL_HEAD = re.compile(r"([^:\n]{1,100}?):(?=\s|$)")
_Q_STRONG = re.compile(r"Q(?::|\.(?=\s)|(?=[\t\u00a0]| {2}|$))[\s]*")
_A_STRONG = re.compile(r"A:(?=\s|$)\s*")
# "A." or "A" and spaces answers a "Q." only in a text that has Q labels.
_A_WEAK = re.compile(r"A(?:\.(?=\s)|(?=[\t\u00a0]| {2}))\s*")
_Q_WEAK = re.compile(r"Q (?=[A-Z(\[“\"‘'—–])")
_NOT_LABELS = frozenset(
    """
    note notes update updated correction editor subject re topic topics time date location
    place source embargoed washington ps p.s. nb tags related summary background agenda
    title when where what who why how first second third finally one two three warning
    important breaking alert url transcript keywords caption photo video audio
    """.split()
) | {"editor’s note", "editor's note"}

_LABEL_TOKEN = re.compile(r"[^\W_][\w.’'&/-]*,?|\(.*|.*\)")
_Q_LABELS = frozenset({"Q", "QUESTION", "QUESTIONER", "INTERVIEWER", "HOST", "ANCHOR"})

# Dates and times ---------------------------------------------------------------------
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues|Tue|Wednes|Wed|Thurs|Thu|Fri|Satur|Sat|Sun)(?:day)?\.?,?\s+)?"
_CLOCK = r"\d{1,2}(?::\d{2})?\s*[AaPp]\.?\s?[Mm]\.?(?:\s+[A-Z]{2,5})?"
_DATE_CORE = [
    rf"{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
    rf"{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})",
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})",
]
_DATE_LINE = [
    re.compile(rf"{core}(?:\s*(?:,|at|–|—|-)?\s*{_CLOCK})?\.?", re.IGNORECASE)
    for core in _DATE_CORE
]
_DATE_ANYWHERE = [re.compile(core, re.IGNORECASE) for core in _DATE_CORE]
_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_TIME_LINE = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?\s?[Mm]\.?)?"
    r"(?:\s+(?:[A-Z]{2,5}|Local|local)\.?)?(?:\s*\([^()]{1,20}\))?\.?"
)
_RULE_LINE = re.compile(r"(?:[-*_=~•·](?:\s*)){3,}")
_END_LINE = re.compile(
    r"END(?:\s+OF\s+[A-Z ]{1,30})?[\s.:]*(?:\d{1,2}:\d{2}[^\n]{0,30})?|#(?:\s*#){2,}"
)


def _norm(text: str) -> str:
    """Collapse runs of horizontal whitespace (NBSP too) to one space and trim."""
    return _HSPACE.sub(" ", text).strip()


def _fold(text: str) -> str:
    """Upper-case ASCII-ish form used only to compare names ("Erdoğan" ~ "ERDOGAN")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _name_words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{2,}", _fold(text))


def _is_cap(token: str) -> bool:
    token = token.lstrip("“\"‘'(")
    return bool(token) and token[0].isalpha() and token[0].isupper()


def _bare(token: str) -> str:
    return token.strip(",.;:“”\"‘’'()").lower()


def _has_role(text: str) -> bool:
    return any(_bare(t) in _ROLE_WORDS or t.lower().rstrip(",") in _ROLE_WORDS for t in text.split())


# ---------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------


@dataclass
class _Para:
    lines: list[str]  # lines with surrounding whitespace removed
    breaks: list[bool]  # the line ended with a hard line break in the source

    def __post_init__(self) -> None:
        self.raw = " ".join(self.lines)
        self.text = _norm(self.raw)


@dataclass
class _Label:
    label: str
    rest: str
    strength: str  # "strong", "weak" (needs support from the rest of the text) or "alone"


def _is_time_line(text: str) -> bool:
    return len(text) <= 40 and _TIME_LINE.fullmatch(text) is not None


def _is_end_marker(text: str) -> bool:
    return len(text) <= 60 and _END_LINE.fullmatch(text) is not None


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", "?", "!", ":", "—", "–", '"', "”", "’", ")", "]"))


def _build_paragraphs(lines: list[str], wrapped: bool) -> list[_Para]:
    """Group raw lines into paragraphs.

    Blank (or whitespace-only) lines always separate paragraphs.  In hard-wrapped text,
    consecutive lines are joined, except where a new labelled turn or an end marker
    plainly starts on a line of its own.
    """
    paras: list[_Para] = []
    block: list[tuple[str, bool]] = []

    def flush() -> None:
        if not block:
            return
        if not wrapped:
            for text, brk in block:
                paras.append(_Para([text], [brk]))
        else:
            cur_lines: list[str] = []
            cur_breaks: list[bool] = []
            for text, brk in block:
                if cur_lines and _starts_new_paragraph(cur_lines[-1], cur_breaks[-1], text, len(cur_lines)):
                    paras.append(_Para(cur_lines, cur_breaks))
                    cur_lines, cur_breaks = [], []
                cur_lines.append(text)
                cur_breaks.append(brk)
            if cur_lines:
                paras.append(_Para(cur_lines, cur_breaks))
        block.clear()

    for line in lines:
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        # endswith, not a regex: a regex anchored at "$" is quadratic on long space runs
        block.append((stripped, line.endswith(("  ", "\\"))))
    flush()
    return paras


def _starts_new_paragraph(prev: str, prev_break: bool, line: str, run: int) -> bool:
    if (len(prev) <= 60 and (_is_time_line(prev) or _is_end_marker(prev))) or (
        len(line) <= 60 and (_is_end_marker(line) or _is_time_line(line))
    ):
        return True
    if run == 1 and _alone_label_shape(prev):
        return True
    if _strong_label_start(line):
        # Only where the previous line plainly ended; a wrapped sentence rarely breaks
        # right before an all-caps word and a colon, but be safe.
        return prev_break or _ends_sentence(prev) or len(prev) < 45
    return False


def _strong_label_start(line: str) -> bool:
    if _Q_STRONG.match(line) or _A_STRONG.match(line):
        return True
    m = _LABEL_HEAD.match(line)
    return bool(m) and _label_shape(_norm(m.group(1)))[0] == "caps"


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------


def _note_text(inner: str) -> bool:
    inner = inner.strip()
    return len(inner) <= 60 and _NOTE_TEXT.match(inner) is not None and (
        # The whole note must be a stage direction, not a sentence that starts like one.
        len(inner.split()) <= 8
    )


# Labels repeat hundreds of times in a long transcript: classify each distinct one once.
@functools.lru_cache(maxsize=8192)
def _label_shape(label: str) -> tuple[str | None, str, str]:
    """Classify a candidate label: ("caps"|"mixed"|None, label, note moved out of it)."""
    note = ""
    if label.endswith(")") and "(" in label:
        base, _, paren = label[:-1].rpartition("(")
        base = base.strip()
        if base and _note_text(paren):
            note = f"({paren})"
            label = base
    if not label or len(label) > 80 or label.lower() in _NOT_LABELS:
        return None, label, note
    if not label[0].isalpha():
        return None, label, note
    tokens = label.replace(",", ", ").split()
    if len(tokens) > 10:
        return None, label, note
    if not all(_LABEL_TOKEN.fullmatch(t) for t in tokens):
        return None, label, note
    letters = [c for c in label if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        if not re.search(r"[^\W\d_]{2}|^[A-Z]$", label):
            return None, label, note
        return "caps", label, note
    # Mixed case: capitalised words joined by a few connectors, no digits, no verbs.
    for i, tok in enumerate(tokens):
        bare = tok.rstrip(",")
        if any(ch.isdigit() for ch in bare):
            return None, label, note
        if bare.lower() in _CONNECTORS and bare.islower():
            if i == 0:
                return None, label, note
            continue
        if not _is_cap(bare):
            return None, label, note
    return "mixed", label, note


@functools.lru_cache(maxsize=8192)
def _alone_label_shape(text: str) -> bool:
    """An all-caps name on a line of its own ("SECRETARY BLINKEN"), text below it."""
    if len(text) > 50 or ":" in text or len(text.split()) > 6:
        return False
    if _is_time_line(text) or _is_end_marker(text) or text.lower() in _KIND_LINES:
        return False
    if text == "Q":
        return True
    if _is_org_line(text) or _parse_date_text(text):
        return False
    shape, label, _ = _label_shape(text)
    return shape == "caps" and label == text


def _label_candidate(raw: str, markdown: bool) -> _Label | None:
    text = raw
    if markdown and text[:2] in ("**", "__"):
        close = text.find(text[:2], 2, 110)
        if close > 2:
            text = text[2:close] + text[close + 2 :]
    m = _Q_STRONG.match(text)
    if m:
        return _Label("Q", text[m.end():], "strong")
    m = _A_STRONG.match(text)
    if m:
        return _Label("A", text[m.end():], "strong")
    m = _Q_WEAK.match(text)
    if m:
        return _Label("Q", text[m.end():], "weak")
    m = _A_WEAK.match(text)
    if m:
        return _Label("A", text[m.end():], "weak")
    m = _LABEL_HEAD.match(text)
    if m:
        shape, label, note = _label_shape(_norm(m.group(1)))
        if shape:
            rest = text[m.end():]
            if note:
                rest = f"{note} {rest}"
            return _Label(label, rest, "strong" if shape == "caps" else "weak")
        return None
    if _alone_label_shape(_norm(text)):
        return _Label(_norm(text), "", "alone")
    return None


# ---------------------------------------------------------------------------
# Front matter, banner, footer
# ---------------------------------------------------------------------------


def _split_front_matter(text: str) -> tuple[dict | None, str, list[str]]:
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != "---":
        return None, text, []
    end = None
    for j in range(i + 1, min(len(lines), i + 400)):
        if lines[j].strip() in ("---", "..."):
            end = j
            break
    if end is None:
        return None, text, []
    warnings: list[str] = []
    try:
        data = yaml.safe_load("\n".join(lines[i + 1 : end]))
    except Exception:  # any YAML problem: keep the body, report the header
        data = {}
        warnings.append("front matter could not be read and was ignored")
    if not isinstance(data, dict):
        if data is not None:
            warnings.append("front matter is not a mapping and was ignored")
        data = {}
    return data, "\n".join(lines[end + 1 :]), warnings


def _drop_banner(lines: list[str]) -> tuple[list[str], bool]:
    """Remove site-banner lines from the top of the page (before any turn)."""
    kept: list[str] = []
    removed = False
    seen = 0
    in_top = True
    for line in lines:
        if not in_top:
            kept.append(line)
            continue
        stripped = _norm(line)
        if stripped:
            seen += 1
            if seen > 40 or _strong_label_start(stripped):
                in_top = False
            elif any(p.search(stripped) for p in _BANNER):
                removed = True
                continue
        kept.append(line)
    return kept, removed


def _clean_org(text: str) -> str:
    return _norm(text).rstrip(".:").lower()


def _is_org_line(text: str) -> bool:
    cleaned = _clean_org(text)
    return cleaned in _ORG_NAMES or bool(_ORG_PATTERN.match(cleaned))


def _org_display(text: str) -> str:
    """The publisher a site-name line stands for, or "" when it does not say."""
    cleaned = _clean_org(text)
    if "department of state" in cleaned:
        return "U.S. Department of State"
    if "white house" in cleaned:
        return "The White House"
    return ""


def _find_footer(paras: list[_Para], start: int, labels: dict[int, _Label]) -> int | None:
    """Index of the first footer paragraph, or None.

    A footer starts at a line that is exactly a site or organisation name (or a stock
    footer heading such as "Related Articles") when everything after it is short and
    holds no labelled turn.
    """
    n = len(paras)
    best = None
    # Walk backwards from the end: the earliest footer line after which everything is
    # short and unlabelled wins.
    for i in range(n - 1, max(start, n - 80) - 1, -1):
        p = paras[i]
        if _is_org_line(p.text) or _clean_org(p.text) in _FOOTER_PHRASES:
            best = i
        if len(p.text) > 300 or (i in labels and labels[i].strength == "strong"):
            break
    return best


# ---------------------------------------------------------------------------
# Header block
# ---------------------------------------------------------------------------


def _parse_date_text(text: str) -> datetime.date | None:
    text = _norm(text).rstrip(",")
    if len(text) > 60:
        return None
    for rx in _DATE_LINE:
        m = rx.fullmatch(text)
        if m:
            return _date_from_match(m)
    return None


def _date_from_match(m: re.Match) -> datetime.date | None:
    month = m.group("month")
    month_no = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    try:
        return datetime.date(int(m.group("year")), int(month_no), int(m.group("day")))
    except (TypeError, ValueError):
        return None


def _header_like(text: str) -> bool:
    """Could this line belong to a header block (short, not a sentence)?"""
    if not text or len(text) > 200 or text.endswith((":", ";", ",", "?", "!")):
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


def _split_title_name(tokens: list[str]) -> tuple[str, str]:
    """Split "Secretary of State Antony J. Blinken" into (name, title)."""
    k = len(tokens)
    while k > 0 and len(tokens) - k < 4:
        tok = tokens[k - 1]
        low = _bare(tok)
        if not _is_cap(tok) or low in _ROLE_WORDS or low in _TITLE_FILLER or low in _CONNECTORS:
            break
        k -= 1
    name = " ".join(tokens[k:]).strip(" ,")
    title = " ".join(tokens[:k]).strip(" ,")
    if title.lower().startswith("the "):
        title = title[4:]
    return name, title


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
        if _place_like(line):
            head.short_lines.append(line)
        else:
            head.title_lines.append(line)
    return head


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


# ---------------------------------------------------------------------------
# Metadata helpers
# ---------------------------------------------------------------------------


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


def _date_from_filename(filename: str) -> datetime.date | None:
    base = os.path.basename(filename or "")
    for m in _FILENAME_DATE.finditer(base):
        try:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _kind_from_title(title: str) -> str:
    for rx, kind in _TITLE_KIND_RULES:
        if rx.search(title):
            return kind
    return ""


def _title_interview(title: str) -> bool:
    """ "... With Jake Tapper of CNN": a journalist (no office) and an outlet."""
    m = _TITLE_WITH_OUTLET.search(title[:300])
    return bool(m) and not _has_role(m.group(1))


# ---------------------------------------------------------------------------
# Turns
# ---------------------------------------------------------------------------


def _notes_in(text: str) -> list[str]:
    notes = []
    for m in _NOTE_SPAN.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        if _note_text(inner):
            notes.append(m.group(0))
    return notes


def _add_paragraph(turn: ParsedTurn, raw: str) -> None:
    text = _norm(raw)
    if not text:
        return
    turn.paragraphs.append(text)
    turn.notes.extend(_notes_in(text))


# ---------------------------------------------------------------------------
# Speakers
# ---------------------------------------------------------------------------


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
        r"^(?:(?:Opening|Closing|Keynote|Welcoming|Virtual|Joint)\s+)?"
        r"(?:Remarks|Statement|Address|Speech|Toast)\s+(?:by|of|from)\s+(.+?)"
        r"(?:\s+(?:at|on|to|before|during|in|for|with|after|following|upon|regarding|about|via)\b.*)?$"
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


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def parse(text: str, *, filename: str = "") -> ParsedTranscript:
    """Parse the text of one transcript.

    ``filename`` is only used for hints: a ``.md`` name means Markdown, and a
    ``YYYY-MM-DD`` in it is the date of last resort (with a warning).  Raises
    :class:`TranscriptError` with a short reason when no transcript text remains.
    """
    if not isinstance(text, str):
        raise TranscriptError("transcript text must be a string")
    try:
        return _parse(text, filename or "")
    except TranscriptError:
        raise
    except RecursionError as exc:  # pragma: no cover - defensive
        raise TranscriptError("transcript is too deeply nested to read") from exc
    except Exception as exc:  # pragma: no cover - defensive: odd input never crashes ingest
        raise TranscriptError(f"could not parse transcript ({type(exc).__name__}: {exc})") from exc


class _LabelJudge:
    """Decides which label candidates are real labels, using the whole text.

    All-caps labels and ``Q`` with a colon or several spaces are trusted on sight.
    Weaker candidates (mixed case, ``Q`` plus one space, an all-caps name alone on a
    line) need support: a role word, a second occurrence, or a header participant.
    """

    def __init__(self, candidates: list[_Label | None]) -> None:
        self.candidates = candidates
        self.weak_counts = Counter(c.label for c in candidates if c and c.strength != "strong")
        self.strong_q = any(c and c.label == "Q" and c.strength == "strong" for c in candidates)

    def accept(self, i: int, participants: list[Person]) -> _Label | None:
        c = self.candidates[i]
        if c is None or c.strength == "strong":
            return c
        if c.label in ("Q", "A"):
            return c if (self.strong_q or self.weak_counts[c.label] >= 2) else None
        label_words = set(_name_words(c.label))
        supported = (
            _has_role(c.label)
            or self.weak_counts[c.label] >= 2
            or any(set(_name_words(p.name)[1:]) & label_words for p in participants)
        )
        if not supported:
            return None
        if c.strength == "alone":
            # A name alone on its line must be followed by the text it introduces.
            if i + 1 >= len(self.candidates) or self.candidates[i + 1] is not None:
                return None
        return c


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
        if not _header_like(t) and not _is_time_line(t):
            break
        if _parse_date_text(t) or _is_time_line(t) or _place_and_date(t):
            header_end = k + 1
    if header_end:
        # Stock lines right after the date still belong to the header
        # ("As Prepared for Delivery", "Oval Office", a start time).
        while header_end < len(items):
            t = item_text(items[header_end])
            if len(t) > 80 or not (
                _HEADER_BOILERPLATE.match(t)
                or _is_time_line(t)
                or t.lower().rstrip(".") in _KIND_LINES
                or _is_venue(t)
            ):
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


def _collect_turns(
    paras: list[_Para], labels: dict[int, _Label]
) -> tuple[list[ParsedTurn], list[str], int]:
    """Build turns from body paragraphs; stop at an end marker.

    Returns the turns, the labels dropped for having no text, and how many paragraphs
    with content were ignored after the end marker.
    """
    last_label = max((k for k in labels if k < len(paras)), default=-1)
    turns: list[ParsedTurn] = []
    current: ParsedTurn | None = None
    empty_labels: list[str] = []
    ignored = 0
    for bi, para in enumerate(paras):
        t = para.text
        # A bare time after the last label closes the transcript ("4:05 P.M. EDT").
        if _is_end_marker(t) or (_is_time_line(t) and bi > last_label):
            ignored = sum(
                1
                for p in paras[bi + 1 :]
                if p.text and not _is_time_line(p.text) and not _is_end_marker(p.text)
            )
            break
        if _is_time_line(t) or _RULE_LINE.fullmatch(t):
            continue  # a time stamp between sessions or a separator, not speech
        lab = labels.get(bi)
        if lab is not None:
            if current is not None and not current.paragraphs and current.speaker_label:
                empty_labels.append(current.speaker_label)
                turns.pop()
            current = ParsedTurn(_norm(lab.label), [], [])
            turns.append(current)
            _add_paragraph(current, lab.rest)
            continue
        if current is None:
            current = ParsedTurn("", [], [])
            turns.append(current)
        _add_paragraph(current, para.raw)
    if current is not None and not current.paragraphs:
        if current.speaker_label:
            empty_labels.append(current.speaker_label)
        turns.pop()
    return turns, empty_labels, ignored


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


def _decide_kind(title: str, head: _Header, meta: dict, host_intro: bool) -> str:
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
    return "interview" if host_intro else "other"


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


def _speaker_hints(result: ParsedTranscript, host_intro: str | None) -> dict[str, Person]:
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
    # conference reporters take turns under the same label.
    first = turns[0]
    if (
        result.kind == "interview"
        and first.speaker_label.upper() in _Q_LABELS
        and first.speaker_label not in speakers
    ):
        person = _self_introduction(first)
        if person:
            speakers[first.speaker_label] = person
    if any(not t.speaker_label for t in turns):
        person = None
        if len(participants) == 1:
            person = participants[0]
        elif result.title:
            person = _speaker_from_title(result.title, participants)
        if person:
            speakers[""] = person
    return speakers


def _parse(text: str, filename: str) -> ParsedTranscript:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.lstrip("\ufeff").replace("\x00", "")
    if not text.strip():
        raise TranscriptError("empty transcript")

    result = ParsedTranscript()
    meta, body, fm_warnings = _split_front_matter(text)
    result.warnings.extend(fm_warnings)
    markdown = meta is not None or filename.lower().endswith((".md", ".markdown"))
    meta = meta or {}
    if markdown:
        body = _MD_ESCAPE.sub(r"\1", body)

    lines, banner_removed = _drop_banner(body.split("\n"))
    # Pages saved from a browser keep each paragraph on one long line; copies wrapped at
    # ~72 columns never exceed about a hundred.
    longest = max((len(line.strip()) for line in lines), default=0)
    wrapped = markdown or longest <= 100
    paras = _build_paragraphs(lines, wrapped)
    judge = _LabelJudge([_label_candidate(p.raw, markdown) for p in paras])

    header_lines, body_paras, body_cands, body_index = _split_header(paras, judge, wrapped, markdown)
    head = _classify_header(header_lines)
    labels: dict[int, _Label] = {}
    for bi, pi in enumerate(body_index):
        if pi >= 0:
            c = judge.accept(pi, head.participants)
        else:
            c = body_cands[bi] if body_cands[bi] and body_cands[bi].strength == "strong" else None
        if c is not None:
            labels[bi] = c

    # The footer comes after the first turn; with no labels at all, it may be all that
    # is left once the banner is gone.
    footer_at = _find_footer(body_paras, min(labels) + 1 if labels else 0, labels)
    footer_org = ""
    if footer_at is not None:
        footer_org = _org_display(body_paras[footer_at].text)
        body_paras = body_paras[:footer_at]

    turns, empty_labels, ignored = _collect_turns(body_paras, labels)
    if not turns:
        if banner_removed or footer_at is not None:
            raise TranscriptError("no transcript text after removing site banner and footer")
        raise TranscriptError("no transcript text found (only header lines)")
    if empty_labels:
        result.warnings.append("dropped label(s) with no text: " + ", ".join(dict.fromkeys(empty_labels)))
    if ignored:
        result.warnings.append(f"ignored {ignored} paragraph(s) after the end marker")
    result.turns = turns

    meta_title = _meta_text(meta, "title")
    title_lines = [t for t in head.title_lines if t != meta_title]
    if meta_title:
        result.title = meta_title
    elif title_lines:
        result.title = max(title_lines, key=len)
    result.location = head.location
    result.venue = head.venue
    for line in head.short_lines:
        if not result.location:
            result.location = line
        elif not result.venue and _is_venue(line):
            result.venue = line
    result.participants = head.participants

    url = _meta_text(meta, "source_url", "url", "canonical_url", "link", "source")
    result.source_url = url if " " not in url else ""
    result.source_name = (
        _meta_text(meta, "source_name", "site", "publisher")
        or _source_name(result.source_url)
        or head.org
        or footer_org
    )
    _set_date(result, head, meta, filename)

    host_intro = _find_host_intro(turns)
    result.kind = _decide_kind(result.title, head, meta, host_intro is not None)
    result.speakers = _speaker_hints(result, host_intro)
    if not labels:
        result.warnings.append("no speaker labels found; the text is kept as one unlabelled turn")
    return result
