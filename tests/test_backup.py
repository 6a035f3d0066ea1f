"""Backups: `dumpdata` then `loaddata` into an emptied database restores the content.

The README's "Backups" section documents this path (portable between SQLite and
PostgreSQL) next to `sqlite3 .backup` and `pg_dump`/`pg_restore`.
"""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils.html import escape

CONTENT_APPS = {"networks", "directory", "articles"}
# What the README's dump command leaves out: rebuilt by `migrate`, or throwaway.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in CONTENT_APPS | {"auth"}
        and model._meta.label != "auth.Permission"
    }


def to_millisecond(value):
    # Django's JSON serializer writes times to the millisecond (documented in the README).
    if isinstance(value, dt.datetime | dt.time):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def samples() -> dict[str, list]:
    """A few field values of every content model, first rows by primary key."""
    values = {}
    for model in apps.get_models():
        if model._meta.app_label not in CONTENT_APPS:
            continue
        # Content types are rebuilt by migrate with new ids: compare them by natural key.
        fields = [
            f"{f.name}__model" if f.is_relation and f.related_model is ContentType else f.attname
            for f in model._meta.concrete_fields
        ]
        rows = model._default_manager.order_by("pk").values_list(*fields)[:3]
        values[model._meta.label] = [tuple(map(to_millisecond, row)) for row in rows]
    return values


def m2m_links() -> dict[str, int]:
    links = {}
    for model in apps.get_models():
        if model._meta.app_label not in CONTENT_APPS:
            continue
        for field in model._meta.many_to_many:
            links[f"{model._meta.label}.{field.name}"] = field.remote_field.through.objects.count()
    return links


@pytest.mark.django_db(transaction=True)
def test_dumpdata_loaddata_round_trip(tmp_path, client):
    call_command("load_demo", stdout=io.StringIO())
    counts, values, links = snapshot(), samples(), m2m_links()
    assert counts["networks.Network"] > 0
    assert sum(counts.values()) > 1000  # postal codes, networks, groups, articles...

    dump = tmp_path / "backup.json.gz"  # dumpdata compresses by the file's extension
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *[arg for model in EXCLUDED for arg in ("--exclude", model)],
        "--output",
        str(dump),
        stdout=io.StringIO(),
    )
    assert dump.stat().st_size > 10_000

    call_command("flush", "--noinput", stdout=io.StringIO())
    assert all(count == 0 for label, count in snapshot().items() if label != "auth.Group")

    call_command("loaddata", str(dump), stdout=io.StringIO())
    assert snapshot() == counts
    assert samples() == values
    assert m2m_links() == links

    # The restored site serves its content.
    network = apps.get_model("networks", "Network").objects.order_by("pk").first()
    response = client.get(network.get_absolute_url())
    assert response.status_code == 200
    assert network.short_name in response.content.decode()
    # ...and the group search (its full-text index is rebuilt as rows come back).
    group = apps.get_model("directory", "Group").objects.published().order_by("pk").first()
    response = client.get("/en/groups/", {"q": group.title})
    assert response.status_code == 200
    assert escape(group.title) in response.content.decode()
