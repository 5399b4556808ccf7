"""The Whoosh fields behind each field of ``TurnIndex``.

Haystack would make every text field stemmed, stored and sortable and every facet a stemmed
text field; the archive's backend builds its schema from this table instead.
"""

from whoosh import fields

from archive.search.whoosh_analysis import EXACT_ANALYZER, STEMMING_ANALYZER


def _column_only(field):
    """A field read only as a column (sorting), never searched: its terms would be most of a
    numeric field's cost to write (16 of them for a 64-bit number), so none are written."""
    field.indexed = False
    return field


def whoosh_fields():
    """A fresh mapping of index field name to Whoosh field type."""
    return {
        "id": fields.ID(stored=True, unique=True),
        "django_ct": fields.ID(stored=True),
        "django_id": fields.ID(stored=True),
        # The words spoken, stemmed; not stored: results are shown from the database.
        "text": fields.TEXT(analyzer=STEMMING_ANALYZER, phrase=True, stored=False),
        # The same words unstemmed, so verbatim matches outrank stemmed ones.
        "text_exact": fields.TEXT(analyzer=EXACT_ANALYZER, phrase=True, stored=False),
        "speaker_name": fields.TEXT(analyzer=EXACT_ANALYZER, phrase=True, stored=True),
        "title": fields.TEXT(analyzer=STEMMING_ANALYZER, phrase=True, stored=False),
        # Filters and facets: exact values with columns for counting and sorting.
        "speaker": fields.ID(stored=True, sortable=True),
        "topics": fields.KEYWORD(stored=True, sortable=True, scorable=False, lowercase=False),
        "kind": fields.ID(stored=True, sortable=True),
        "year": fields.ID(stored=True, sortable=True),
        # Whoosh's tiered numeric terms give wrong answers for wide ranges; plain terms are
        # exact, and there are only a few thousand distinct days.
        "day": fields.NUMERIC(numtype=int, bits=32, stored=True, sortable=True, signed=False, shift_step=0),
        "undated": _column_only(fields.NUMERIC(numtype=int, bits=8, stored=False, sortable=True, signed=False)),
        "transcript": fields.ID(stored=True),
        # For ordering turns by event (``whoosh_tables.rank_table``).
        "transcript_pk": _column_only(fields.NUMERIC(numtype=int, bits=64, stored=False, sortable=True, signed=False)),
        "position": _column_only(fields.NUMERIC(numtype=int, bits=32, stored=True, sortable=True, signed=False)),
        # Fingerprint of the document's content, for check_search_index.
        "digest": fields.STORED(),
    }
