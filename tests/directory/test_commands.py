"""Directory management commands: the demo content and the benchmark data generator."""

import io

import pytest
from django.core.management import call_command

from directory.models import Group, Professional, StatusChange, Theme
from networks.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    call_command("load_reference", stdout=io.StringIO())


def test_demo_content_covers_the_directory(reference):
    call_command("load_directory_demo", stdout=io.StringIO())
    groups = Group.objects.published()
    assert groups.count() >= 40
    assert not Group.objects.exclude(is_example=True).exists()
    assert not Professional.objects.exclude(is_example=True).exists()
    assert set(Theme.objects.values_list("family", flat=True)) == set(Theme.Family.values)
    covered = set(groups.values_list("region__code", flat=True))
    assert {r.code for r in Region.objects.on_map()} <= covered
    assert groups.in_region("DG").exists()
    for theme_family in Theme.Family.values:
        assert groups.filter(themes__family=theme_family).exists(), theme_family
    for language in Group.Language.values:
        assert groups.speaking(language).exists(), language
    for value in Group.Format.values:
        assert groups.with_format(value).exists(), value
    for value in Group.Kind.values:
        assert groups.of_kind(value).exists(), value
    for value in Group.Recurrence.values:
        assert groups.filter(recurrence=value).exists(), value
    for value in Group.ScheduleType.values:
        assert groups.filter(schedule_type=value).exists(), value
    for value in Group.Audience.values:
        assert groups.for_audience(value).exists(), value
    emails = Professional.objects.values_list("contact_email", "website")
    assert all(
        e.endswith("@example.org") and w.startswith("https://example.org/") for e, w in emails
    )
    # every group has an upcoming date or an announced cycle, and a confirmation date
    assert not groups.filter(confirmed_on__isnull=True).exists()


def test_demo_content_is_idempotent(reference):
    call_command("load_directory_demo", stdout=io.StringIO())
    before = (Group.objects.count(), Professional.objects.count(), StatusChange.objects.count())
    out = io.StringIO()
    call_command("load_directory_demo", stdout=out)
    assert (
        Group.objects.count(),
        Professional.objects.count(),
        StatusChange.objects.count(),
    ) == before
    assert "0 themes, 0 professionals, 0 groups created" in out.getvalue()


def test_generate_groups_is_deterministic(reference):
    call_command("generate_groups", 120, seed=3, stdout=io.StringIO())
    first = list(
        Group.objects.order_by("slug").values_list("slug", "title", "audiences", "postal_code")
    )
    assert len(first) == 120
    assert Group.objects.published().exists()
    assert Group.objects.exclude(status="published").exists()  # some stay hidden
    call_command("generate_groups", delete=True, stdout=io.StringIO())
    assert not Group.objects.exists()
    call_command("generate_groups", 120, seed=3, stdout=io.StringIO())
    again = list(
        Group.objects.order_by("slug").values_list("slug", "title", "audiences", "postal_code")
    )
    assert [row[:3] for row in again] == [row[:3] for row in first]
    # searchable straight away (bulk inserts keep the full-text index in step)
    word = Group.objects.first().title.split()[0]
    assert Group.objects.search(word).exists()


def test_refresh_group_dates():
    import datetime as dt

    from tests.factories import GroupFactory

    group = GroupFactory()
    Group.objects.filter(pk=group.pk).update(next_session_on=dt.date(2001, 1, 1))
    out = io.StringIO()
    call_command("refresh_group_dates", stdout=out)
    assert "1 groups have a new next-session date." in out.getvalue()
    group.refresh_from_db()
    assert group.next_session_on > dt.date(2001, 1, 1)
