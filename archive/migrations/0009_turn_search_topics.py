import archive.models
from django.db import migrations

# PostgreSQL only (elsewhere the column stays empty, as it does for the Whoosh engine):
# - The turns the search engine has written lexemes for get their topics, as ids for the
#   topic facet and as "#slug" lexemes for the topic filter (``archive/search/postgres.py``);
#   the engine writes both from then on.
# - Lexemes stay in the row (storage MAIN) rather than move to the TOAST table when a row
#   passes 2 kB: ranking the 229,391 turns holding "about" in a million read ~310,000 TOAST
#   pages, and kept in the row the same statement took 530 ms instead of 854 ms. The lexemes
#   of rows that may have been moved out are written again, to come back.
# About two minutes for a million turns.
KEEP_LEXEMES_IN_ROW = "ALTER TABLE archive_turn ALTER COLUMN search_lexemes SET STORAGE MAIN"
ADD_TOPICS = """
UPDATE archive_turn AS t SET search_topics = links.ids, search_lexemes = t.search_lexemes || links.lexemes
FROM (
    SELECT tt.turn_id, array_agg(tt.topic_id ORDER BY tt.topic_id) AS ids,
        array_to_tsvector(array_agg('#' || tp.slug)) AS lexemes
    FROM archive_turn_topics AS tt JOIN archive_topic AS tp ON tp.id = tt.topic_id GROUP BY tt.turn_id
) AS links
WHERE t.id = links.turn_id AND t.search_lexemes IS NOT NULL
"""
BRING_BACK = (
    "UPDATE archive_turn SET search_lexemes = search_lexemes || ''::tsvector "
    "WHERE search_lexemes IS NOT NULL AND search_topics IS NULL AND pg_column_size(search_lexemes) > 1500"
)
REMOVE_TOPICS = """
UPDATE archive_turn SET search_lexemes = ts_delete(search_lexemes,
    ARRAY(SELECT lexeme FROM unnest(search_lexemes) WHERE left(lexeme, 1) = '#'))
WHERE search_lexemes IS NOT NULL AND search_topics IS NOT NULL
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(KEEP_LEXEMES_IN_ROW)
        schema_editor.execute(ADD_TOPICS)
        schema_editor.execute(BRING_BACK)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE_TOPICS)
        schema_editor.execute("ALTER TABLE archive_turn ALTER COLUMN search_lexemes SET STORAGE EXTENDED")


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0008_turn_tallies"),
    ]

    operations = [
        migrations.AddField(
            model_name="turn",
            name="search_topics",
            field=archive.models.SearchTopicsField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
