"""Visitors: the contact form relays to the organiser (address hidden), "report a problem"
reaches the editors; the stored copies are purged; honeypots and rate limits."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from directory import ratelimit
from directory.models import ContactMessage, ListingReport
from tests.directory.practitioner_support import *  # noqa: F403
from tests.directory.practitioner_support import published_group
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

MESSAGE = {
    "name": "Sam Visitor",
    "email": "sam@example.net",
    "message": "Hello, is there still a place in September for a father?",
    "consent": "on",
}


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args or None)


@pytest.fixture
def group(practitioner_a):
    return published_group(practitioner_a, title="Fathers' circle")


def test_group_page_has_the_forms_and_hides_the_address(client, group):
    with translation.override("en"):
        page = client.get(group.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert f'action="{en("directory:group_contact", group.slug)}"' in html
    assert f'action="{en("directory:group_report", group.slug)}"' in html
    assert group.owner.contact_email not in html
    # No CSRF token: the page stays cacheable for anonymous visitors.
    assert "csrfmiddlewaretoken" not in html
    assert not page.cookies


def test_contact_relays_by_email_with_reply_to(client, group, outbox):
    response = client.post(en("directory:group_contact", group.slug), MESSAGE)
    assert response.status_code == 302
    assert response["Location"].endswith(f"{group.get_absolute_url()}#contact")
    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == [group.owner.contact_email]
    assert message.reply_to == ["sam@example.net"]
    assert "Fathers' circle" in message.subject  # plain text: no HTML escaping
    assert MESSAGE["message"] in message.body
    stored = ContactMessage.objects.get()
    assert (stored.group, stored.email) == (group, "sam@example.net")
    # The visitor's confirmation page never shows the organiser's address.
    page = client.get(response["Location"].split("#")[0])
    assert group.owner.contact_email.encode() not in page.content


def test_contact_needs_consent_and_keeps_what_was_typed(client, group, outbox):
    response = client.post(en("directory:group_contact", group.slug), {**MESSAGE, "consent": ""})
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert b"is there still a place in September" in response.content
    assert group.owner.contact_email.encode() not in response.content
    assert outbox == [] and not ContactMessage.objects.exists()


def test_contact_honeypot(client, group, outbox):
    response = client.post(
        en("directory:group_contact", group.slug), {**MESSAGE, "homepage": "buy-now.example"}
    )
    assert response.status_code == 302  # looks like success to the robot
    assert outbox == [] and not ContactMessage.objects.exists()


def test_contact_rate_limit(client, group, outbox, settings):
    settings.RATE_LIMITS = {"contact": "2/h"}
    url = en("directory:group_contact", group.slug)
    assert [client.post(url, MESSAGE).status_code for _ in range(3)] == [302, 302, 429]
    assert len(outbox) == 2
    # Another address is not affected.
    other = client.post(url, MESSAGE, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_contact_only_for_published_groups(client, practitioner_a, outbox):
    draft = GroupFactory(owner=practitioner_a)
    assert client.post(en("directory:group_contact", draft.slug), MESSAGE).status_code == 404
    assert outbox == []


def test_report_reaches_the_editors(client, group, outbox, editor):
    response = client.post(
        en("directory:group_report", group.slug),
        {"reason": "ended", "message": "They stopped in June.", "email": ""},
    )
    assert response.status_code == 302
    report = ListingReport.objects.get()
    assert (report.group, report.reason, report.is_open) == (group, "ended", True)
    assert [m.to for m in outbox] == [["editors@localhost"]]
    assert "They stopped in June." in outbox[0].body
    # In the editors' queue, open first; they resolve it.
    client.force_login(editor)
    listing = client.get(reverse("admin:directory_listingreport_changelist"))
    assert list(listing.context["cl"].result_list) == [report]
    client.post(
        reverse("admin:directory_listingreport_changelist"),
        {"action": "resolve", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.resolved_by == editor and not report.is_open


def test_report_needs_a_reason_and_honeypot(client, group, outbox):
    url = en("directory:group_report", group.slug)
    assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "other", "homepage": "x"})
    assert not ListingReport.objects.exists() and outbox == []


def test_purge_contact_messages(group):
    with time_machine.travel(timezone.now() - dt.timedelta(days=31)):
        old = ContactMessage.objects.create(group=group, name="a", email="a@x.org", message="m")
        report = ListingReport.objects.create(
            group=group, reason="other", email="r@x.org", resolved_at=timezone.now()
        )
    recent = ContactMessage.objects.create(group=group, name="b", email="b@x.org", message="m")
    out = io.StringIO()
    call_command("purge_contact_messages", "--dry-run", stdout=out)
    assert ContactMessage.objects.count() == 2
    call_command("purge_contact_messages", stdout=out)
    assert list(ContactMessage.objects.all()) == [recent]
    assert not ContactMessage.objects.filter(pk=old.pk).exists()
    report.refresh_from_db()
    assert report.email == ""
    assert "Deleted 1 contact message" in out.getvalue()


def test_purge_follows_the_setting(group, settings):
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 5
    with time_machine.travel(timezone.now() - dt.timedelta(days=6)):
        ContactMessage.objects.create(group=group, name="a", email="a@x.org", message="m")
    call_command("purge_contact_messages", stdout=io.StringIO())
    assert not ContactMessage.objects.exists()


# --- the limiter itself ------------------------------------------------------------------------
def test_rate_parse():
    assert ratelimit.Rate.parse("5/h") == ratelimit.Rate(5, 3600)
    assert ratelimit.Rate.parse("10/15m") == ratelimit.Rate(10, 900)
    with pytest.raises(ValueError):
        ratelimit.Rate.parse("5/week")


def test_window_counts_and_resets():
    rate = ratelimit.Rate(2, 60)
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, 0, 1, tzinfo=dt.UTC), tick=False):
        assert [ratelimit.hit("t", "ip", rate) for _ in range(3)] == [True, True, False]
        assert ratelimit.hit("t", "other", rate)
        assert ratelimit.hit("u", "ip", rate)  # scopes are separate
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, 1, 1, tzinfo=dt.UTC), tick=False):
        assert ratelimit.hit("t", "ip", rate)


def test_cache_outage_lets_requests_through(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit.cache, "add", broken)
    assert ratelimit.hit("t", "ip", ratelimit.Rate(0, 60))
