"""The haystack index of turns.

Field types here only describe the documents to haystack; the Whoosh field behind each one
(analyzer, exactness, columns) comes from ``archive.search.schema``.
"""

from haystack import indexes

from archive.models import Turn
from archive.search.documents import TURN_VALUES, document


class TurnIndex(indexes.SearchIndex, indexes.Indexable):
    """One document per live turn: the words spoken, who spoke, where, when and on what."""

    text = indexes.CharField(document=True)
    text_exact = indexes.CharField()
    speaker_name = indexes.CharField()
    title = indexes.CharField()
    speaker = indexes.CharField()
    topics = indexes.CharField()
    kind = indexes.CharField()
    year = indexes.CharField()
    day = indexes.IntegerField()
    undated = indexes.IntegerField()
    transcript = indexes.CharField()
    transcript_pk = indexes.IntegerField()
    position = indexes.IntegerField()
    digest = indexes.CharField(indexed=False)

    def get_model(self):
        return Turn

    def index_queryset(self, using=None):
        return Turn.objects.live()

    def full_prepare(self, obj, with_string_facet=True):
        """Build the document from the database exactly as the bulk indexer does."""
        row = Turn.objects.filter(pk=obj.pk).values(*TURN_VALUES).first()
        if row is None or row["position"] is None:
            from haystack.exceptions import SkipDocument

            raise SkipDocument(f"turn {obj.pk} is not live")
        slugs = obj.topics.values_list("slug", flat=True)
        self.prepared_data = document(row, slugs)
        return self.prepared_data
