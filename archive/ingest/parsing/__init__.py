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

The way through, in the order ``transcript.parse`` uses it (each module imports only
those above it in this list):

* ``text``, ``dates``, ``notes``, ``orgs``: shared vocabulary and line shapes (word lists
  and token helpers; dates, times and end markers; stage directions; site names);
* ``labels``: which paragraphs start with a speaker label;
* ``turns``: lines into paragraphs, paragraphs into turns;
* ``chrome``: front matter, the site banner and the footer, which are not the transcript;
* ``header``: the header block, front-matter metadata, the date and the kind;
* ``people``: who stands behind each label;
* ``transcript``: ``parse`` itself, the steps in order.

``from archive.ingest.parsing import parse`` is the public way in; ``byline_person`` lets
the page reader ask the header rules whether a byline names a person.
"""

from .header import byline_person
from .transcript import parse

__all__ = ["byline_person", "parse"]
