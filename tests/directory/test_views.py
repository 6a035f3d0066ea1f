"""Public directory pages: the search, a group, its .ics file and JSON-LD, a professional."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from icalendar import Calendar

from directory.jsonld import as_script_data
from directory.models import Status
from tests.factories import (
    GroupFactory,
    PostalCodeFactory,
    ProfessionalFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def en(url: str) -> str:
    return url.replace("/fr/", "/en/", 1)


def json_ld(content: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return [json.loads(block) for block in blocks]


# --- search page --------------------------------------------------------------------------------


def test_search_page(client):
    group = GroupFactory(published=True, title="Parents together in Namur")
    response = client.get("/en/groups/")
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "directory/group_list.html" in names
    assert "directory/includes/group_card.html" in names  # rendered, then cached
    content = response.content.decode()
    assert "Parents together in Namur" in content
    assert 'id="group-map-data"' in content
    data = json.loads(
        re.search(r'<script id="group-map-data" type="application/json">(.*?)</script>', content)[1]
    )
    assert [marker["id"] for marker in data["markers"]] == [group.pk]
    assert "<script>" not in content  # no inline script (CSP)


def test_cards_come_from_the_cache_until_the_group_changes(client):
    group = GroupFactory(published=True, title="First title")
    client.get("/en/groups/")
    second = client.get("/en/groups/")
    assert "directory/includes/group_card.html" not in [t.name for t in second.templates]
    assert "First title" in second.content.decode()
    group.title = "Second title"
    group.save()
    third = client.get("/en/groups/").content.decode()
    assert "Second title" in third and "First title" not in third
    french = client.get("/fr/groups/")
    assert "directory/includes/group_card.html" in [t.name for t in french.templates]


def test_search_lists_online_groups_apart_from_the_map(client):
    GroupFactory(published=True)
    online = GroupFactory(published=True, online=True)
    response = client.get("/en/groups/")
    assert online.pk not in {m["id"] for m in response.context["map_data"]["markers"]}
    assert [g.pk for g in response.context["online_on_page"]] == [online.pk]
    assert "Not on the map: 1 online group in this list." in response.content.decode()


def test_example_listings_are_marked(client):
    GroupFactory(published=True, is_example=True)
    assert "Example listing" in client.get("/en/groups/").content.decode()


# --- group page ---------------------------------------------------------------------------------


def test_group_page_shows_what_a_parent_needs(client):
    theme = ThemeFactory(slug="grief", name_en="Grief")
    group = GroupFactory(
        published=True,
        themes=[theme],
        title="After a loss",
        price_type="per_session",
        price_amount="15.00",
        reimbursement_note="Some mutual insurers refund part of it.",
        wheelchair_access="yes",
        languages=["fr", "lsfb"],
        audiences=["parents", "siblings"],
        child_age_bands=["12-17"],
        confirmed_on=dt.date(2026, 3, 1),
    )
    response = client.get(en(group.get_absolute_url()))
    assert response.status_code == 200
    assert response.templates[0].name == "directory/group_detail.html"
    content = response.content.decode()
    for text in [
        "After a loss",
        "Grief",
        "€15 per session",
        "Some mutual insurers refund part of it.",
        "Wheelchair accessible",
        "French Belgian Sign Language (LSFB)",
        "Brothers and sisters",
        "12 to 17 years",
        "Every Tuesday, 19:30",
        "Next session:",
        "Add to my calendar (.ics)",
        group.owner.name,
        "Verified on",
        'datetime="2026-03-01"',
        'id="contact"',
        reverse("networks:help"),
    ]:
        assert text in content, text
    assert group.owner.contact_email not in content  # never public


def test_group_page_json_ld(client):
    group = GroupFactory(published=True, title="Evening </script><script>alert(1)</script>")
    content = client.get(en(group.get_absolute_url())).content.decode()
    assert "</script><script>alert(1)" not in content
    event, breadcrumbs = json_ld(content)
    assert event["@type"] == "Event"
    assert event["name"] == group.title
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert event["eventSchedule"]["repeatFrequency"] == "P1W"
    assert event["eventSchedule"]["byDay"] == "https://schema.org/Tuesday"
    assert event["eventSchedule"]["scheduleTimezone"] == "Europe/Brussels"
    assert event["location"]["address"]["postalCode"] == group.postal_code.code
    assert event["offers"]["price"] == "0"
    assert event["organizer"]["name"] == group.owner.name
    assert event["startDate"].endswith(("+01:00", "+02:00"))
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert breadcrumbs["itemListElement"][-1]["name"] == group.title


def test_online_group_json_ld_has_virtual_location(client):
    group = GroupFactory(published=True, online=True, cycle=True)
    event, _ = json_ld(client.get(en(group.get_absolute_url())).content.decode())
    assert event["location"]["@type"] == "VirtualLocation"
    assert event["eventSchedule"]["repeatCount"] == 8


def test_script_data_cannot_close_the_element():
    assert (
        as_script_data({"a": "</script><b>&"})
        == '{"a":"\\u003C/script\\u003E\\u003Cb\\u003E\\u0026"}'
    )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING, Status.REJECTED, Status.ARCHIVED])
def test_unpublished_groups_are_404(client, status):
    group = GroupFactory(status=status, owner=ProfessionalFactory(published=True))
    assert client.get(group.get_absolute_url()).status_code == 404
    assert client.get(group.get_ics_url()).status_code == 404


def test_group_of_unpublished_professional_is_404(client):
    group = GroupFactory(status=Status.PUBLISHED, owner=ProfessionalFactory(verified=True))
    assert client.get(group.get_absolute_url()).status_code == 404
    assert group.pk not in {g.pk for g in client.get("/en/groups/").context["page_obj"]}


def test_staff_and_owner_can_preview(client):
    owner = ProfessionalFactory(
        verified=True, user=get_user_model().objects.create_user("pro", password="x")
    )
    group = GroupFactory(status=Status.PENDING, owner=owner)
    client.force_login(owner.user)
    response = client.get(en(group.get_absolute_url()))
    assert response.status_code == 200
    assert response.context["is_preview"] is True
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "Preview" in response.content.decode()
    other = get_user_model().objects.create_user("someone", password="x")
    client.force_login(other)
    assert client.get(group.get_absolute_url()).status_code == 404
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(group.get_absolute_url()).status_code == 200
    assert client.get(group.get_ics_url()).status_code == 404  # the calendar is public data only


def test_hidden_facilitators_are_not_shown(client):
    hidden = ProfessionalFactory(verified=True, name="Hidden Person")
    shown = ProfessionalFactory(published=True, name="Shown Person")
    group = GroupFactory(published=True)
    group.facilitators.set([hidden, shown])
    content = client.get(en(group.get_absolute_url())).content.decode()
    assert "Shown Person" in content
    assert "Hidden Person" not in content


# --- .ics -------------------------------------------------------------------------------------


def test_ics_weekly_series(client):
    group = GroupFactory(
        published=True, weekday=4, first_session_on=dt.date(2026, 1, 1), last_session_on=None
    )
    response = client.get(group.get_ics_url())
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{group.slug}.ics"' in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event["SUMMARY"] == group.title
    assert event.decoded("DTSTART") == dt.datetime(
        2026, 1, 1, 19, 30, tzinfo=event.decoded("DTSTART").tzinfo
    )
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Brussels"
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH"
    assert "VTIMEZONE" in response.content.decode()
    assert group.postal_code.code in str(event["LOCATION"])


def test_ics_cycle_and_nth_weekday(client):
    group = GroupFactory(
        published=True,
        cycle=True,
        session_count=6,
        recurrence="monthly_nth",
        weekday=2,
        week_of_month=-1,
    )
    event = Calendar.from_ical(client.get(group.get_ics_url()).content).walk("VEVENT")[0]
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;COUNT=6;BYDAY=-1TU"


# --- professional page -----------------------------------------------------------------------


def test_professional_page(client):
    professional = ProfessionalFactory(published=True, bio="I listen.", name="Dana Example")
    own = GroupFactory(published=True, owner=professional, title="Own group")
    cofacilitated = GroupFactory(published=True, title="Shared group")
    cofacilitated.facilitators.add(professional)
    GroupFactory(owner=professional, title="Draft group")
    response = client.get(en(professional.get_absolute_url()))
    assert response.status_code == 200
    assert response.templates[0].name == "directory/professional_detail.html"
    assert {g.pk for g in response.context["groups"]} == {own.pk, cofacilitated.pk}
    content = response.content.decode()
    assert "Dana Example" in content and "I listen." in content and "Verified on" in content
    assert "Draft group" not in content
    assert professional.contact_email not in content


def test_unpublished_professional_is_404(client):
    professional = ProfessionalFactory(verified=True, status=Status.PENDING)
    assert client.get(professional.get_absolute_url()).status_code == 404


# --- network pages list the region's groups ---------------------------------------------------


def test_region_groups_tag():
    from django.template import Context, Template

    namur = PostalCodeFactory(code="5000", region=RegionFactory(code="NAM"))
    arlon = PostalCodeFactory(code="6700", region=RegionFactory(code="LUX"))
    group = GroupFactory(published=True, title="Namur circle", postal_code=namur)
    GroupFactory(published=True, title="Elsewhere circle", postal_code=arlon)
    html = Template("{% load directory_tags %}{% region_groups region limit=6 %}").render(
        Context({"region": group.region})
    )
    assert "Namur circle" in html
    assert "Elsewhere circle" not in html
    assert f"?region={group.region.code}" in html
