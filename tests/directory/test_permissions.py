"""Who may do what: (anonymous, practitioner A, practitioner B, editor, superuser) x
(view a draft, edit, submit, publish, delete, see the organiser's contact email).

The group belongs to practitioner A. Practitioners work in the practitioner space, editors
and superusers in the admin; each cell names the request and the outcome it must have.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from directory.models import Group, Status
from tests.directory.practitioner_support import *  # noqa: F403
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "practitioner_a", "practitioner_b", "editor", "superuser"]


@pytest.fixture
def world(practitioner_a, practitioner_b, editor, superuser):
    return {
        "anonymous": None,
        "practitioner_a": practitioner_a.user,
        "practitioner_b": practitioner_b.user,
        "editor": editor,
        "superuser": superuser,
        "owner": practitioner_a,
    }


def as_role(client, world, role):
    user = world[role]
    if user is not None:
        client.force_login(user)
    return client


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args or None)


def login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


# Each action returns what happened, as a short word the matrix compares.
def view_draft(client, group, world):
    with translation.override("en"):
        response = client.get(group.get_absolute_url())
    return {200: "ok", 404: "hidden"}[response.status_code]


def edit_in_practitioner_space(client, group, world):
    response = client.get(en("directory:group_edit", group.pk))
    if login_redirect(response):
        return "login"
    return {200: "ok", 404: "hidden"}[response.status_code]


def edit_in_admin(client, group, world):
    response = client.get(reverse("admin:directory_group_change", args=[group.pk]))
    if login_redirect(response):
        return "login"
    return {200: "ok", 403: "forbidden"}[response.status_code]


def submit(client, group, world):
    response = client.post(en("directory:group_submit", group.pk))
    group.refresh_from_db()
    if login_redirect(response):
        return "login"
    if response.status_code == 404:
        return "hidden"
    return "done" if group.status == Status.PENDING else "refused"


def publish(client, group, world):
    group.status = Status.PENDING
    group.save(update_fields=["status"])
    response = client.post(
        reverse("admin:directory_group_changelist"),
        {"action": "action_publish", "_selected_action": [group.pk]},
    )
    group.refresh_from_db()
    if login_redirect(response):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    return "done" if group.status == Status.PUBLISHED else "refused"


def delete_in_practitioner_space(client, group, world):
    response = client.post(en("directory:group_delete", group.pk))
    if login_redirect(response):
        return "login"
    if response.status_code == 404:
        return "hidden"
    return "done" if not Group.objects.filter(pk=group.pk).exists() else "refused"


def delete_in_admin(client, group, world):
    response = client.post(
        reverse("admin:directory_group_delete", args=[group.pk]), {"post": "yes"}
    )
    if login_redirect(response):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    return "done" if not Group.objects.filter(pk=group.pk).exists() else "refused"


def see_contact_email(client, group, world):
    """Anywhere this role can go: the public pages, their profile page, the admin."""
    owner = world["owner"]
    group.status = Status.PUBLISHED
    group.save(update_fields=["status"])
    pages = [
        group.get_absolute_url(),
        owner.get_absolute_url(),
        en("directory:group_contact", group.slug),
        en("directory:profile"),
        reverse("admin:directory_professional_change", args=[owner.pk]),
    ]
    with translation.override("en"):
        for url in pages:
            response = client.get(url, follow=True)
            if owner.contact_email.encode() in response.content:
                return "visible"
    return "hidden"


ACTIONS = {
    "view_draft": view_draft,
    "edit_practitioner_space": edit_in_practitioner_space,
    "edit_admin": edit_in_admin,
    "submit": submit,
    "publish": publish,
    "delete_practitioner_space": delete_in_practitioner_space,
    "delete_admin": delete_in_admin,
    "see_contact_email": see_contact_email,
}

#                       anonymous  practitioner A  practitioner B  editor       superuser
MATRIX = {
    "view_draft": ("hidden", "ok", "hidden", "ok", "ok"),
    "edit_practitioner_space": ("login", "ok", "hidden", "hidden", "hidden"),
    "edit_admin": ("login", "login", "login", "ok", "ok"),
    "submit": ("login", "done", "hidden", "hidden", "hidden"),
    "publish": ("login", "login", "login", "done", "done"),
    "delete_practitioner_space": ("login", "done", "hidden", "hidden", "hidden"),
    "delete_admin": ("login", "login", "login", "forbidden", "done"),
    "see_contact_email": ("hidden", "visible", "hidden", "visible", "visible"),
}

CASES = [
    pytest.param(action, role, expected[i], id=f"{action}-{role}")
    for action, expected in MATRIX.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_authorization_matrix(client, world, action, role, expected):
    group = GroupFactory(owner=world["owner"], status=Status.DRAFT)
    as_role(client, world, role)
    assert ACTIONS[action](client, group, world) == expected
