"""Characters, word lists and the small token helpers every part of the parser shares.

Kept at the bottom of the package (it imports nothing from it) so that any module can
compare names, spot role words or collapse whitespace the same way.
"""

from __future__ import annotations

import re
import unicodedata

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
    mr. ms. mrs. dr. mr ms mrs dr sir dame speaker panelist narrator lady gentleman
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
    toast transcript release media note fact sheet day
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

# Lines that name a transcript's kind ("Remarks", "Press Briefing"): a header line to
# classify, and never a speaker label on its own.
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


def _norm(text: str) -> str:
    """Collapse runs of horizontal whitespace (NBSP too) to one space and trim."""
    if "\n" in text:
        return _HSPACE.sub(" ", text).strip()
    # Without line breaks, str.split() does the same in C: the profile of a 1 MB
    # transcript spent two thirds of its time in the regular expression.
    return " ".join(text.split())


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


def _split_title_name(tokens: list[str]) -> tuple[str, str]:
    """Split "Secretary of State Antony J. Blinken" into (name, title)."""
    k = len(tokens)
    while k > 0 and len(tokens) - k < 4:
        tok = tokens[k - 1]
        low = _bare(tok)
        # A capitalised particle inside a name ("Jean-Yves Le Drian", "Ursula Von der
        # Leyen") belongs to it; "of" and "the" never do.
        particle = low in _CONNECTORS and low not in ("of", "the", "for", "and", "on", "to", "at", "in") and k < len(tokens)
        if not _is_cap(tok) or low in _ROLE_WORDS or low in _TITLE_FILLER or (low in _CONNECTORS and not particle):
            break
        k -= 1
    name = " ".join(tokens[k:]).strip(" ,")
    title = " ".join(tokens[:k]).strip(" ,")
    if title.lower().startswith("the "):
        title = title[4:]
    return name, title
