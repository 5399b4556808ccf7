"""How transcripts, turns, speakers and topics look in the JSON API."""

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive.api.errors import QueryStringSerializer
from archive.links import absolute_url
from archive.models import Speaker, Topic, Transcript, Turn


class AbsoluteUrlMixin:
    """Adds ``url``: the object's public page as a full address."""

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return absolute_url(self.context.get("request"), obj.get_absolute_url())


class TurnSpeakerSerializer(serializers.ModelSerializer):
    """The speaker of a turn, as named inside it."""

    class Meta:
        model = Speaker
        fields = ["name", "slug", "title"]


class TranscriptSpeakerSerializer(serializers.ModelSerializer):
    """A speaker of one transcript, with how many turns they have in it."""

    turn_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Speaker
        fields = ["name", "slug", "title", "kind", "turn_count"]


class TurnSerializer(AbsoluteUrlMixin, serializers.ModelSerializer):
    speaker = TurnSpeakerSerializer(read_only=True, allow_null=True)
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)
    answers = serializers.SerializerMethodField(help_text="Number of the question turn this turn answers.")
    url = serializers.SerializerMethodField(help_text="The turn's permanent page.")
    topics = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug", help_text="Slugs of the topics the turn speaks about."
    )

    class Meta:
        model = Turn
        fields = ["position", "number", "speaker_label", "speaker", "text", "notes", "answers", "topics", "url"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_answers(self, turn):
        return turn.answers.number if turn.answers_id else None


class TranscriptListSerializer(AbsoluteUrlMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The transcript's page.")
    turn_count = serializers.IntegerField(read_only=True, help_text="Turns in the current version.")

    class Meta:
        model = Transcript
        fields = [
            "slug", "title", "date", "kind", "location", "venue", "source_name", "source_url", "url", "turn_count",
        ]


class TranscriptDetailSerializer(TranscriptListSerializer):
    """A transcript with its speakers and every live turn, in order.

    Expects ``live_turn_list`` prefetched (turns with speaker and answers selected, topics
    prefetched).
    """

    speakers = serializers.SerializerMethodField()
    turns = TurnSerializer(many=True, read_only=True, source="live_turn_list")

    class Meta(TranscriptListSerializer.Meta):
        fields = TranscriptListSerializer.Meta.fields + ["outlet", "program", "speakers", "turns"]

    @extend_schema_field(TranscriptSpeakerSerializer(many=True))
    def get_speakers(self, transcript):
        # Derived from the turns already loaded: no query of its own.
        speakers = {}
        for turn in transcript.live_turn_list:
            if turn.speaker_id:
                speaker = speakers.setdefault(turn.speaker_id, turn.speaker)
                speaker.turn_count = getattr(speaker, "turn_count", 0) + 1
        return TranscriptSpeakerSerializer(list(speakers.values()), many=True, context=self.context).data


class NameSerializer(serializers.Serializer):
    """A person's name in parts, as a citation needs it; empty parts for a role."""

    given = serializers.CharField(source="given_name", help_text='"Antony J."; empty when only a label named them.')
    family = serializers.CharField(source="family_name", help_text='"Blinken", "de la Cruz", "Chaves Robles".')
    suffix = serializers.CharField(source="name_suffix", help_text='"Jr."')
    honorific = serializers.CharField(help_text='"Mr." of a person known only as "MR. KIRBY".')


class SpeakerListSerializer(AbsoluteUrlMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The speaker's page.")
    turn_count = serializers.IntegerField(read_only=True)
    transcript_count = serializers.IntegerField(read_only=True)
    name_parts = NameSerializer(source="*", read_only=True)

    class Meta:
        model = Speaker
        fields = ["slug", "name", "name_parts", "title", "kind", "url", "turn_count", "transcript_count"]


class SpeakerTranscriptSerializer(AbsoluteUrlMixin, serializers.ModelSerializer):
    """A transcript a speaker appears in, with the speaker's number of turns there."""

    url = serializers.SerializerMethodField()
    turn_count = serializers.IntegerField(read_only=True, source="speaker_turns")

    class Meta:
        model = Transcript
        fields = ["slug", "title", "date", "kind", "url", "turn_count"]


class SpeakerDetailSerializer(SpeakerListSerializer):
    """A speaker with the labels they were printed under and the transcripts they speak in.

    Expects ``transcript_list`` set by the view.
    """

    labels = serializers.SlugRelatedField(many=True, read_only=True, slug_field="label")
    transcripts = SpeakerTranscriptSerializer(many=True, read_only=True, source="transcript_list")

    class Meta(SpeakerListSerializer.Meta):
        fields = SpeakerListSerializer.Meta.fields + ["labels", "transcripts"]


class TopicListSerializer(AbsoluteUrlMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The topic's page.")
    turn_count = serializers.IntegerField(read_only=True, help_text="Turns that speak about the topic.")

    class Meta:
        model = Topic
        fields = ["slug", "name", "kind", "url", "turn_count"]


class TopicDetailSerializer(TopicListSerializer):
    """A topic with the words that tag a turn with it, and where to find its turns."""

    aliases = serializers.SerializerMethodField(help_text="Words and phrases that tag a turn with the topic.")
    turns_url = serializers.SerializerMethodField(help_text="The API search for the turns about this topic, newest first.")

    class Meta(TopicListSerializer.Meta):
        fields = TopicListSerializer.Meta.fields + ["description", "aliases", "turns_url"]

    def get_aliases(self, topic) -> list[str]:
        return topic.alias_list()

    @extend_schema_field(OpenApiTypes.URI)
    def get_turns_url(self, topic):
        query = urlencode({"topic": topic.slug, "sort": "newest"})
        return absolute_url(self.context.get("request"), f"{reverse('api_search')}?{query}")


class TranscriptFilterSerializer(QueryStringSerializer):
    """The query string of /api/transcripts/."""

    year = serializers.RegexField(
        r"^([1-9][0-9]{3}|unknown)$",
        required=False,
        error_messages={"invalid": 'Give a four-digit year or "unknown".'},
        help_text='Only transcripts of this year (e.g. 2022), or "unknown" for undated ones.',
    )
    kind = serializers.ChoiceField(
        choices=Transcript.Kind.values, required=False, help_text="Only transcripts of this kind."
    )
