"""Following a search: feeds, and email alerts from subscription to unsubscription."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from directory.alerts import normalize_query, send_alert
from directory.models import Group, SearchAlert
from tests.factories import (
    GroupFactory,
    PostalCodeFactory,
    ProfessionalFactory,
    RegionFactory,
    ThemeFactory,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def adhd(db):
    return ThemeFactory(slug="adhd", name_en="ADHD", name_fr="TDAH")


@pytest.fixture
def namur(db):
    return PostalCodeFactory(code="5000", municipality_fr="Namur", region=RegionFactory(code="NAM"))


def _links(text: str) -> list[str]:
    return re.findall(r"http://testserver\S+", text)


# --- The normalised search ---------------------------------------------------------------------
def test_normalize_query_is_stable_and_drops_what_is_not_a_filter(adhd):
    one = normalize_query(QueryDict("theme=adhd&format=online&sort=newest&page=3&nonsense=1"))
    two = normalize_query(QueryDict("format=online&theme=adhd&theme=unknown"))
    assert one == two == "format=online&theme=adhd"
    assert normalize_query(QueryDict("")) == ""


# --- "Follow this search" on the search page ---------------------------------------------------
def test_search_page_offers_to_follow_the_search(client, adhd):
    response = client.get("/en/groups/", {"theme": "adhd", "page": "1"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Follow this search" in content
    assert 'href="/en/groups/feed/?theme=adhd"' in content
    assert 'href="/en/groups/feed/atom/?theme=adhd"' in content
    assert 'href="/en/alerts/new/?theme=adhd"' in content


# --- Feeds -------------------------------------------------------------------------------------
def test_feeds_list_new_matching_groups_and_new_cycles(client, adhd, namur):
    old = GroupFactory(published=True, title="Older ADHD group", themes=[adhd], cycle=True)
    old.published_at = timezone.now() - dt.timedelta(days=30)
    Group.objects.filter(pk=old.pk).update(published_at=old.published_at)
    GroupFactory(published=True, title="Newest ADHD group", themes=[adhd])
    GroupFactory(published=True, title="Grief group")
    GroupFactory(title="Draft ADHD group", themes=[adhd])

    rss = client.get("/en/groups/feed/", {"theme": "adhd"})
    assert rss.status_code == 200
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert "ADHD" in channel.findtext("title")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Newest ADHD group", "Older ADHD group"]

    # The organiser announces the next cycle: the older group comes back on top.
    old.refresh_from_db()
    old.first_session_on = old.first_session_on + dt.timedelta(days=60)
    old.save()
    assert old.new_cycle_at is not None
    atom = client.get("/en/groups/feed/atom/", {"theme": "adhd"})
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "New cycle: Older ADHD group",
        "Newest ADHD group",
    ]


def test_moving_a_cycle_earlier_or_editing_it_is_not_a_new_cycle(adhd):
    group = GroupFactory(published=True, cycle=True)
    group.title = "Renamed"
    group.save()
    group.first_session_on -= dt.timedelta(days=3)
    group.save()
    group.refresh_from_db()
    assert group.new_cycle_at is None


# --- Email alerts: the round trip --------------------------------------------------------------
def test_alert_round_trip(client, adhd, namur):
    search = {"theme": "adhd", "postcode": "5000", "radius": "25"}
    form_url = reverse("data:alert_new")
    assert client.get("/en" + form_url.removeprefix("/fr"), search).status_code == 200

    # Subscribe (the query string carries the search).
    response = client.post(
        "/en/alerts/new/?theme=adhd&postcode=5000&radius=25",
        {"email": "Parent@Example.org", "frequency": "immediate", "website": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/alerts/sent/"
    alert = SearchAlert.objects.get()
    assert (alert.email, alert.query, alert.language) == (
        "parent@example.org",
        "postcode=5000&radius=25&theme=adhd",
        "en",
    )
    assert not alert.is_confirmed
    [confirmation] = mail.outbox
    assert confirmation.to == ["parent@example.org"]
    assert confirmation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    confirm_link = next(link for link in _links(confirmation.body) if "/confirm/" in link)

    # Nothing is sent before the confirmation, even when a group appears.
    GroupFactory(published=True, title="Too early", themes=[adhd], postal_code=namur)
    call_command("send_search_alerts")
    assert len(mail.outbox) == 1

    # Confirm: GET shows a button (mail scanners follow links), POST confirms.
    path = confirm_link.removeprefix("http://testserver")
    page = client.get(path)
    assert page.status_code == 200
    assert b"Yes, confirm my alert" in page.content
    alert.refresh_from_db()
    assert not alert.is_confirmed
    assert client.post(path).status_code == 200
    alert.refresh_from_db()
    assert alert.is_confirmed

    # Groups already there when confirming are not news; a newly published match is.
    call_command("send_search_alerts")
    assert len(mail.outbox) == 1
    GroupFactory(published=True, title="Outside the search", postal_code=namur)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        owner = ProfessionalFactory(published=True)
        match = GroupFactory(
            title="ADHD parents in Namur",
            themes=[adhd],
            postal_code=namur,
            owner=owner,
            status="pending",
        )
        assert match.publish()
        call_command("send_search_alerts")
    assert len(mail.outbox) == 2
    email = mail.outbox[1]
    assert email.to == ["parent@example.org"]
    assert "ADHD parents in Namur" in email.body
    assert "Outside the search" not in email.body
    assert "Too early" not in email.body
    assert f"http://testserver/en/groups/{match.slug}/" in email.body
    unsubscribe_link = f"http://testserver/en/alerts/unsubscribe/{alert.token}/"
    assert email.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_link}>"
    assert unsubscribe_link in email.body

    # Nothing new: no email.
    call_command("send_search_alerts")
    assert len(mail.outbox) == 2

    # Unsubscribe: GET asks, POST deletes the alert and the address.
    path = unsubscribe_link.removeprefix("http://testserver")
    assert b"parent@example.org" in client.get(path).content
    assert client.post(path).status_code == 200
    assert not SearchAlert.objects.filter(email="parent@example.org").exists()
    assert client.get(path).status_code == 404


def test_one_click_unsubscribe_needs_no_csrf_token(adhd):
    from django.test import Client

    alert = SearchAlert.objects.create(email="a@example.org", confirmed_at=timezone.now())
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/en/alerts/unsubscribe/{alert.token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not SearchAlert.objects.exists()


def test_weekly_alerts_wait_a_week(adhd):
    now = timezone.now()
    alert = SearchAlert.objects.create(
        email="w@example.org",
        query="theme=adhd",
        frequency=SearchAlert.Frequency.WEEKLY,
        confirmed_at=now - dt.timedelta(days=3),
        last_sent_at=now - dt.timedelta(days=3),
    )
    GroupFactory(published=True, themes=[adhd])
    assert list(SearchAlert.objects.due(now)) == []
    call_command("send_search_alerts")
    assert mail.outbox == []
    assert list(SearchAlert.objects.due(now + dt.timedelta(days=4))) == [alert]
    assert send_alert(alert, now=now + dt.timedelta(days=4)) == 1
    assert len(mail.outbox) == 1


def test_resubscribing_reveals_nothing_and_sends_no_duplicate(client, adhd):
    SearchAlert.objects.create(
        email="known@example.org", query="theme=adhd", confirmed_at=timezone.now()
    )
    response = client.post(
        "/en/alerts/new/?theme=adhd", {"email": "known@example.org", "frequency": "weekly"}
    )
    assert response.status_code == 302
    assert mail.outbox == []
    assert SearchAlert.objects.count() == 1


def test_subscribe_form_errors_and_honeypot(client, db):
    invalid = client.post("/en/alerts/new/", {"email": "not an address", "frequency": "weekly"})
    assert invalid.status_code == 400
    assert b"error-summary" in invalid.content
    bot = client.post(
        "/en/alerts/new/",
        {"email": "bot@example.org", "frequency": "weekly", "website": "http://spam"},
    )
    assert bot.status_code == 302
    assert not SearchAlert.objects.exists()
    assert mail.outbox == []


def test_bad_or_expired_confirmation_links(client, adhd):
    assert client.get("/en/alerts/confirm/not-a-signature/").status_code == 404
    client.post("/en/alerts/new/?theme=adhd", {"email": "late@example.org", "frequency": "weekly"})
    link = next(link for link in _links(mail.outbox[0].body) if "/confirm/" in link)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert client.get(link.removeprefix("http://testserver")).status_code == 404
        call_command("send_search_alerts")
    assert not SearchAlert.objects.exists()


def test_subscribe_rate_limit(client, db):
    for index in range(10):
        client.post("/en/alerts/new/", {"email": f"p{index}@example.org", "frequency": "weekly"})
    blocked = client.post("/en/alerts/new/", {"email": "p99@example.org", "frequency": "weekly"})
    assert blocked.status_code == 429
    assert SearchAlert.objects.count() == 10


@pytest.mark.django_db
def test_editors_can_look_up_and_delete_an_alert_in_admin(admin_client):
    from directory.models import SearchAlert

    alert = SearchAlert.objects.create(email="parent@example.org", query="theme=adhd")
    changelist = admin_client.get("/admin/directory/searchalert/", {"q": "parent@example.org"})
    assert changelist.status_code == 200
    assert "parent@example.org" in changelist.content.decode()
    assert admin_client.get("/admin/directory/searchalert/add/").status_code == 403
    response = admin_client.post(
        f"/admin/directory/searchalert/{alert.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not SearchAlert.objects.exists()
