"""Freshness: reminders with a one-click confirm link, then unpublishing after the grace."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from directory.models import Group, Status, StatusChange
from tests.directory.practitioner_support import *  # noqa: F403
from tests.directory.practitioner_support import published_group
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_confirmation_reminders", *args, stdout=out)
    return out.getvalue()


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def test_reminder_then_one_click_confirmation(client, practitioner_a, outbox):
    stale = published_group(practitioner_a, title="Stale one", confirmed_on=days_ago(91))
    stale_too = published_group(practitioner_a, title="Stale two", confirmed_on=None)
    fresh = published_group(practitioner_a, title="Fresh", confirmed_on=days_ago(10))
    published_group(PractitionerFactory(published=True), is_example=True, confirmed_on=None)

    assert "Would remind: 2 group(s) in 1 email(s)" in run("--dry-run")
    assert outbox == []
    assert "Reminded: 2 group(s) in 1 email(s)" in run()
    assert len(outbox) == 1
    email = outbox[0]
    assert email.to == ["a@example.org"]
    assert "Stale one" in email.body and "Stale two" in email.body
    assert "Fresh" not in email.body
    links = re.findall(r"http://testserver(/en/practitioners/still-current/\S+/)", email.body)
    assert len(links) == 2
    stale.refresh_from_db()
    assert stale.reminder_sent_on == timezone.localdate()
    # Running again the same day (or the next) sends nothing new.
    run()
    assert len(outbox) == 1

    # The link works without logging in: a page with a button, then a POST.
    page = client.get(links[0])
    assert page.status_code == 200
    assert b"still current" in page.content
    stale.refresh_from_db()
    assert stale.confirmed_on == days_ago(91)  # a GET confirms nothing
    client.post(links[0])
    stale.refresh_from_db()
    assert (stale.confirmed_on, stale.reminder_sent_on) == (timezone.localdate(), None)
    fresh.refresh_from_db()
    stale_too.refresh_from_db()
    assert stale_too.confirmed_on is None


def test_forged_or_expired_link(client, practitioner_a, settings):
    assert client.get("/en/practitioners/still-current/12:abc:def/").status_code == 400
    group = published_group(practitioner_a, confirmed_on=days_ago(200))
    from directory.moderation import confirm_token

    token = confirm_token(group)
    days = settings.GROUP_CONFIRM_AFTER_DAYS + settings.GROUP_CONFIRM_GRACE_DAYS + 1
    with time_machine.travel(timezone.now() + dt.timedelta(days=days)):
        assert client.get(f"/en/practitioners/still-current/{token}/").status_code == 400


def test_unpublished_after_the_grace_period(practitioner_a, outbox, settings):
    settings.GROUP_CONFIRM_GRACE_DAYS = 30
    group = published_group(practitioner_a, title="Forgotten", confirmed_on=days_ago(100))
    run()
    assert group.__class__.objects.get(pk=group.pk).status == Status.PUBLISHED
    outbox.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(days=29)):
        run()
        assert Group.objects.get(pk=group.pk).status == Status.PUBLISHED
        assert outbox == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert "Archived: 1 group(s), 1 email(s)" in run()
    group.refresh_from_db()
    assert group.status == Status.ARCHIVED
    change = StatusChange.objects.get(object_id=group.pk, to_status=Status.ARCHIVED)
    assert change.by is None and "not confirmed" in change.message
    assert [m.to for m in outbox] == [["a@example.org"]]
    assert "Forgotten" in outbox[0].body


def test_confirming_after_the_reminder_prevents_unpublishing(client, practitioner_a, outbox):
    group = published_group(practitioner_a, confirmed_on=days_ago(100))
    run()
    client.force_login(practitioner_a.user)
    client.post(f"/en/practitioners/groups/{group.pk}/confirm/")
    with time_machine.travel(timezone.now() + dt.timedelta(days=45)):
        run()
    group.refresh_from_db()
    assert group.status == Status.PUBLISHED


def test_archived_group_link_says_so(client, practitioner_a):
    from directory.moderation import confirm_token

    group = published_group(practitioner_a)
    group.archive()
    page = client.post(f"/en/practitioners/still-current/{confirm_token(group)}/")
    assert b"not online any more" in page.content
    group.refresh_from_db()
    assert group.status == Status.ARCHIVED
