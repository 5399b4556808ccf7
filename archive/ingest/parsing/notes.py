"""Stage directions ("(Laughter.)", "[inaudible]", "(In Greek.)").

Shared by labels (a note inside a label moves into the text) and turns (each paragraph's
notes are listed in the order printed).
"""

from __future__ import annotations

import re

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


def _note_text(inner: str) -> bool:
    inner = inner.strip()
    return len(inner) <= 60 and _NOTE_TEXT.match(inner) is not None and (
        # The whole note must be a stage direction, not a sentence that starts like one.
        len(inner.split()) <= 8
    )


def _notes_in(text: str) -> list[str]:
    notes = []
    for m in _NOTE_SPAN.finditer(text):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        if _note_text(inner):
            notes.append(m.group(0))
    return notes
