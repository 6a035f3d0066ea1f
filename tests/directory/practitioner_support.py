"""Fixtures and helpers shared by the practitioner-space and moderation tests.

Import the fixtures explicitly in a test module: ``from tests.directory.practitioner_support
import *``.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from directory import emails
from directory.editors import ensure_editors_group
from directory.models import Group, Status
from tests.factories import (
    GroupFactory,
    PostalCodeFactory,
    PractitionerFactory,
    ThemeFactory,
    UserFactory,
)

__all__ = [
    "editor",
    "group_data",
    "outbox",
    "postal_code",
    "practitioner_a",
    "practitioner_b",
    "send_mail_now",
    "superuser",
    "theme",
]


@pytest.fixture
def send_mail_now(monkeypatch):
    """Send queued emails at once: the test's transaction never commits."""
    monkeypatch.setattr(
        emails,
        "transaction",
        SimpleNamespace(on_commit=lambda func, using=None, robust=False: func()),
    )


@pytest.fixture
def outbox(send_mail_now):
    mail.outbox.clear()
    return mail.outbox


@pytest.fixture
def practitioner_a(db):
    return PractitionerFactory(published=True, user__email="a@example.org")


@pytest.fixture
def practitioner_b(db):
    return PractitionerFactory(published=True, user__email="b@example.org")


@pytest.fixture
def editor(db):
    user = UserFactory(email="editor@example.org", is_staff=True)
    user.groups.add(ensure_editors_group())
    return user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def theme(db):
    return ThemeFactory(slug="anxiety")


@pytest.fixture
def postal_code(db):
    return PostalCodeFactory(code="1050", municipality_fr="Ixelles", municipality_nl="Elsene")


def group_data(theme_obj, place, **overrides) -> dict:
    """A valid POST for the group form (an in-person weekly group)."""
    start = timezone.localdate() + dt.timedelta(days=10)
    data = {
        "title": "Parents of anxious teenagers",
        "kind": Group.Kind.SUPPORT,
        "summary": "A calm evening to share what helps.",
        "description": "We meet every week, listen, and share what works at home.",
        "themes": [str(theme_obj.pk)],
        "audiences": ["parents"],
        "languages": ["fr"],
        "schedule_type": Group.ScheduleType.ONGOING,
        "recurrence": Group.Recurrence.WEEKLY,
        "weekday": "2",
        "first_session_on": start.isoformat(),
        "start_time": "19:30",
        "end_time": "21:00",
        "format": Group.Format.IN_PERSON,
        "venue_name": "Maison de quartier",
        "street_address": "Rue de l'Exemple 1",
        "postal_code": place.code,
        "wheelchair_access": Group.Access.YES,
        "price_type": Group.Price.FREE,
        "registration_method": Group.Registration.CONTACT_FORM,
        "open_to_newcomers": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def published_group(owner, **kwargs):
    return GroupFactory(
        owner=owner,
        status=Status.PUBLISHED,
        status_changed_at=timezone.now(),
        published_at=timezone.now(),
        **kwargs,
    )
