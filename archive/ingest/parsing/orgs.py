"""Site and organisation names ("U.S. Department of State", "The White House").

The same line means a publisher in a header, the start of a footer, and never a speaker
label, so chrome, header and labels all ask here.
"""

from __future__ import annotations

import re

from .text import _norm

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
