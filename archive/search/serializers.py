"""Shapes of the search API's answers (for the OpenAPI schema and the response)."""

from rest_framework import serializers


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
