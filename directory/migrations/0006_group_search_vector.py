"""PostgreSQL: a stored, generated `search_vector` column with a GIN index.

Migration 0002 indexed the expression `to_tsvector('simple', search_text)`; that index serves
searches that start from it, but when the planner walks the search's ordered index instead
(a common word, or a filter on top), PostgreSQL re-parsed each row's text. A stored column is
parsed once, on write, so every plan is cheap. The column is not a model field (it exists on
PostgreSQL only, and Django never writes it); `GroupQuerySet.search()` reads it. Changing
the type of `search_text` later requires dropping this column first.

SQLite keeps its FTS5 table (migration 0002): nothing to do there.
"""

from django.db import migrations

PG_OLD_INDEX = "directory_group_search_gin"
FORWARD = [
    "ALTER TABLE directory_group ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) STORED",
    "CREATE INDEX directory_group_search_vector ON directory_group USING gin (search_vector)",
    f"DROP INDEX IF EXISTS {PG_OLD_INDEX}",
]
BACKWARD = [
    "ALTER TABLE directory_group DROP COLUMN IF EXISTS search_vector",
    f"CREATE INDEX IF NOT EXISTS {PG_OLD_INDEX} ON directory_group USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_group_search_indexes")]

    operations = [migrations.RunPython(forward, backward)]
