"""Keeps the SQLite full-text table and its triggers in place after every `migrate`.

SQLite cannot alter a column in place: when a later migration changes `directory_group`,
Django rebuilds the table, and triggers attached to the old table disappear with it. This
post_migrate hook recreates whatever is missing and rebuilds the index in that case.
(PostgreSQL's expression index survives column changes; nothing to do there.)
"""

from importlib import import_module

from django.db import connections

_migration = import_module("directory.migrations.0002_group_search_index")
TRIGGERS = {
    "directory_group_fts_insert",
    "directory_group_fts_update",
    "directory_group_fts_delete",
}


def ensure_search_index(using: str = "default", **kwargs) -> bool:
    """Create the FTS table/triggers when missing; True when something was repaired."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if "directory_group" not in tables:
            return False  # migrations not applied yet
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["directory_group_fts%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if "directory_group_fts" in tables and present >= TRIGGERS:
            return False
        for sql in _migration.FTS_SQL:
            cursor.execute(sql)
    return True
