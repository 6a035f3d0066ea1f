"""Full-text index behind `GroupQuerySet.search()`, per database.

* PostgreSQL: a GIN index on ``to_tsvector('simple', COALESCE(search_text, ''))``, the exact
  expression `SearchVector("search_text", config="simple")` compiles to, so the planner uses it.
  ``search_text`` is already lower-cased and accent-free, hence the language-neutral config.
* SQLite: an external-content FTS5 table over ``directory_group.search_text`` (rowid = group
  id), kept in sync by triggers, so bulk inserts and ``QuerySet.update()`` stay indexed too.

The model state does not know about these objects (they are not expressible as portable
``Meta.indexes``), which is why they live in this migration only.
"""

from django.db import migrations

FTS_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_group_fts USING fts5("
    "search_text, content='directory_group', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO directory_group_fts(directory_group_fts) VALUES ('rebuild')",
    "CREATE TRIGGER IF NOT EXISTS directory_group_fts_insert AFTER INSERT ON directory_group "
    "BEGIN INSERT INTO directory_group_fts(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS directory_group_fts_update "
    "AFTER UPDATE OF search_text ON directory_group "
    "BEGIN INSERT INTO directory_group_fts(directory_group_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO directory_group_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS directory_group_fts_delete AFTER DELETE ON directory_group "
    "BEGIN INSERT INTO directory_group_fts(directory_group_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
]
FTS_DROP_SQL = [
    "DROP TRIGGER IF EXISTS directory_group_fts_insert",
    "DROP TRIGGER IF EXISTS directory_group_fts_update",
    "DROP TRIGGER IF EXISTS directory_group_fts_delete",
    "DROP TABLE IF EXISTS directory_group_fts",
]
PG_INDEX = "directory_group_search_gin"


def _pg_index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("search_text", config="simple"), name=PG_INDEX)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in FTS_SQL:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("directory", "Group"), _pg_index())


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in FTS_DROP_SQL:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("directory", "Group"), _pg_index())


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
