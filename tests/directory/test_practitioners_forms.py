"""The group form's rules: each mistake gets a clear message on the right field, and what
was typed comes back in the form."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from directory.forms import GroupForm
from directory.models import Group
from tests.directory.practitioner_support import *  # noqa: F403
from tests.directory.practitioner_support import group_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def errors_for(theme_obj, place, **overrides) -> dict:
    form = GroupForm(data=group_data(theme_obj, place, **overrides))
    assert not form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_valid_data_is_valid(theme, postal_code):
    form = GroupForm(data=group_data(theme, postal_code))
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        # End before start (time, and the last date of a series).
        ({"start_time": "20:00", "end_time": "19:00"}, "end_time", "after the start time"),
        (
            {"last_session_on": (timezone.localdate() - dt.timedelta(days=400)).isoformat()},
            "last_session_on",
            "cannot end before it starts",
        ),
        # Zero sessions.
        (
            {"schedule_type": "cycle", "session_count": "0"},
            "session_count",
            "at least one session",
        ),
        ({"schedule_type": "cycle", "session_count": ""}, "session_count", "number of sessions"),
        # Negative price, and zero for a paid group.
        ({"price_type": "per_session", "price_amount": "-5"}, "price_amount", "cannot be negative"),
        ({"price_type": "per_session", "price_amount": "0"}, "price_amount", "choose “Free”"),
        ({"price_type": "per_session"}, "price_amount", "Give the amount"),
        # Online group without a way to join.
        (
            {"format": "online", "postal_code": "", "street_address": ""},
            "online_joining_info",
            "how people join online",
        ),
        (
            {"format": "hybrid"},
            "online_joining_info",
            "how people join online",
        ),
        # A registration method without its details.
        ({"registration_method": "link"}, "registration_url", "registration link"),
        ({"registration_method": "email"}, "registration_email", "registration email"),
        # In-person group without an address.
        ({"street_address": ""}, "street_address", "street and number"),
        ({"postal_code": ""}, "postal_code", "postal code"),
        # A postal code that does not exist, or is not one.
        ({"postal_code": "9999"}, "postal_code", "do not know the postal code 9999"),
        ({"postal_code": "12a"}, "postal_code", "4 digits"),
        # Text over sane limits.
        ({"title": "x" * 161}, "title", "under 160 characters"),
        ({"description": "x" * 5001}, "description", "under 5000 characters"),
        ({"online_joining_info": "x" * 1001, "format": "hybrid"}, "online_joining_info", "1000"),
        # Required choices.
        ({"themes": []}, "themes", "at least one theme"),
        ({"recurrence": "monthly_nth"}, "week_of_month", "which week"),
    ],
)
def test_rule(theme, postal_code, overrides, field, words):
    errors = errors_for(theme, postal_code, **overrides)
    assert field in errors, errors
    assert any(words in message for message in errors[field]), errors[field]


def test_one_message_per_field(theme, postal_code):
    """The model's own check ("needs a postal code") does not repeat the form's."""
    errors = errors_for(theme, postal_code, postal_code="9999")
    assert len(errors["postal_code"]) == 1


def test_free_group_drops_an_amount_left_over(theme, postal_code):
    form = GroupForm(data=group_data(theme, postal_code, price_amount="12"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["price_amount"] is None


def test_online_group_drops_the_address(theme, postal_code):
    data = group_data(
        theme, postal_code, format="online", online_joining_info="Zoom, link by email."
    )
    form = GroupForm(data=data)
    assert form.is_valid(), form.errors
    group = form.save(commit=False)
    assert group.postal_code is None and group.street_address == ""


def test_errors_come_back_with_what_was_typed(client, practitioner_a, theme, postal_code):
    client.force_login(practitioner_a.user)
    data = group_data(
        theme,
        postal_code,
        title="Parents & teens: our evening",
        postal_code="9999",
        price_type="per_session",
        price_amount="-5",
        start_time="20:00",
        end_time="19:00",
    )
    with translation.override("en"):
        url = reverse("directory:group_create")
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    # What was typed stays.
    assert 'value="Parents &amp; teens: our evening"' in html
    assert 'value="9999"' in html
    assert 'value="-5"' in html
    # A summary at the top, focusable, linking to each field; errors tied to their field.
    assert 'class="error-summary" data-error-summary tabindex="-1"' in html
    for field in ("postal_code", "price_amount", "end_time"):
        assert f'href="#id_{field}"' in html
        assert f'<p class="field__error" id="id_{field}_error">' in html
        tag = re.search(rf'<input[^>]*\bid="id_{field}"[^>]*>', html).group(0)
        assert f"id_{field}_error" in tag and 'aria-invalid="true"' in tag
    assert 'aria-invalid="true"' in html
    assert not Group.objects.exists()


def test_radio_groups_link_errors_on_their_fieldset(client, practitioner_a, theme, postal_code):
    client.force_login(practitioner_a.user)
    data = group_data(theme, postal_code)
    data.pop("kind")
    with translation.override("en"):
        response = client.post(reverse("directory:group_create"), data)
    html = response.content.decode()
    assert 'href="#id_kind_0"' in html
    assert re.search(r'<fieldset[^>]*id="field-kind"[^>]*aria-describedby="id_kind_error"', html)
