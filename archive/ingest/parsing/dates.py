"""Dates and times: the header's date line, a date inside a place line, the date in a
file name, and the time stamps and end markers that open and close a transcript.
"""

from __future__ import annotations

import datetime
import os
import re

from .text import _norm

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

_END_LINE = re.compile(
    r"END(?:\s+OF\s+[A-Z ]{1,30})?[\s.:]*(?:\d{1,2}:\d{2}[^\n]{0,30})?|#(?:\s*#){2,}"
)


def _is_time_line(text: str) -> bool:
    return len(text) <= 40 and _TIME_LINE.fullmatch(text) is not None


def _is_end_marker(text: str) -> bool:
    return len(text) <= 60 and _END_LINE.fullmatch(text) is not None


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


def _date_from_filename(filename: str) -> datetime.date | None:
    base = os.path.basename(filename or "")
    for m in _FILENAME_DATE.finditer(base):
        try:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None
