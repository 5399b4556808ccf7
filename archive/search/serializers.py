"""Shapes of the search API's answers (for the OpenAPI schema and the response)."""

from rest_framework import serializers

from archive.api.errors import QueryStringSerializer
from archive.models import Transcript
from archive.search.service import SORTS


class SearchQuerySerializer(QueryStringSerializer):
    """The query string of /api/search/: what the schema documents is what is accepted.

    Every parameter is optional; one that is given must hold a value (``page=`` is not a page).
    A ``to`` before ``from`` is a period with no days in it, which matches nothing.
    """

    q = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text='Words to find: all by default; "exact phrase", OR, -exclude. Empty lists the newest turns.',
    )
    speaker = serializers.SlugField(
        required=False, trim_whitespace=False, help_text="Only turns by this speaker (slug).",
        error_messages={"invalid": "Give a speaker's slug, such as antony-j-blinken."},
    )
    topic = serializers.SlugField(
        required=False, trim_whitespace=False, help_text="Only turns tagged with this topic (slug).",
        error_messages={"invalid": "Give a topic's slug, such as russia."},
    )
    kind = serializers.ChoiceField(choices=Transcript.Kind.values, required=False, help_text="Only transcripts of this kind.")
    sort = serializers.ChoiceField(
        choices=list(SORTS), required=False,
        help_text="Order of results: best match, date of the event (newest or oldest first), or recently added to the archive.",
    )
    page = serializers.IntegerField(min_value=1, required=False, help_text="Page number, from 1 (20 results a page).")

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so the two dates are added by name.
        fields["from"] = serializers.DateField(
            required=False, input_formats=["%Y-%m-%d"], help_text="Only transcripts dated on or after (YYYY-MM-DD)."
        )
        fields["to"] = serializers.DateField(
            required=False, input_formats=["%Y-%m-%d"], help_text="Only transcripts dated on or before (YYYY-MM-DD)."
        )
        return fields


class SpeakerRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField()


class TranscriptRefSerializer(serializers.Serializer):
    title = serializers.CharField()
    slug = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    kind = serializers.CharField()
    url = serializers.URLField()


class QuestionSerializer(serializers.Serializer):
    speaker = serializers.CharField()
    text = serializers.CharField()
    url = serializers.URLField()


class TopicRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class SearchResultSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The turn's permanent address.")
    number = serializers.IntegerField()
    speaker = SpeakerRefSerializer(allow_null=True)
    speaker_label = serializers.CharField(help_text="The label as printed.")
    display_speaker = serializers.CharField()
    text = serializers.CharField(help_text="The words spoken, without stage directions.")
    highlighted = serializers.CharField(
        help_text="HTML: the text (or a window of it) escaped, with the query's words in <mark>."
    )
    transcript = TranscriptRefSerializer()
    question = QuestionSerializer(allow_null=True, help_text="The question this turn answers.")
    topics = TopicRefSerializer(many=True)
    score = serializers.FloatField(help_text="Relevance; 0 when sorted by date.")


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    speaker = FacetValueSerializer(many=True)
    topic = FacetValueSerializer(many=True)
    year = FacetValueSerializer(many=True)
    kind = FacetValueSerializer(many=True)


class SuggestionSerializer(serializers.Serializer):
    speaker = SpeakerRefSerializer()
    url = serializers.URLField(help_text="This search restricted to the speaker.")


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Exact number of matching turns, the same on every page and order.")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    sort = serializers.CharField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    notices = serializers.ListField(
        child=serializers.CharField(),
        help_text="What was left out of a query past the limits (length, terms, words in a phrase), in words.",
    )
    results = SearchResultSerializer(many=True)
    facets = FacetsSerializer()
    suggestions = SuggestionSerializer(many=True)
