"""Site chrome: what a saved page carries around the transcript and is not part of it
(YAML front matter, the ".gov" banner, the footer of related links).
"""

from __future__ import annotations

import re

import yaml

from .labels import _Label, _strong_label_start
from .orgs import _clean_org, _is_org_line
from .text import _norm
from .turns import _Para

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
