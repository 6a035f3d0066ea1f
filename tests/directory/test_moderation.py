"""Editors' moderation: the queue, decisions with a message emailed to the practitioner,
verification, the revision flow, and the Editors group."""

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from directory import moderation
from directory.editors import EDITOR_PERMISSIONS, EDITORS_GROUP, ensure_editors_group
from directory.models import Group, Professional, Revision, Status, StatusChange
from tests.directory.practitioner_support import *  # noqa: F403
from tests.directory.practitioner_support import group_data, published_group
from tests.factories import GroupFactory, PractitionerFactory

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args or None)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- the queue -------------------------------------------------------------------------------
def test_queue_lists_pending_first(editor_client, practitioner_a, theme):
    live = published_group(practitioner_a, title="Live one", themes=[theme])
    pending = GroupFactory(owner=practitioner_a, status=Status.PENDING, title="Waiting one")
    changed = published_group(practitioner_a, title="Changed one")
    Revision.objects.create(target=changed, data={"title": "Changed one, renamed"})
    response = editor_client.get(reverse("admin:directory_group_changelist"))
    assert response.status_code == 200
    titles = [group.title for group in response.context["cl"].result_list]
    assert titles == [pending.title, changed.title, live.title]
    filtered = editor_client.get(reverse("admin:directory_group_changelist") + "?changes=waiting")
    assert [g.pk for g in filtered.context["cl"].result_list] == [changed.pk]
    # Filters by status, region and theme.
    url = reverse("admin:directory_group_changelist")
    for query, expected in [
        (f"?status__exact={Status.PENDING}", [pending.pk]),
        (f"?region__id__exact={pending.region_id}", [pending.pk]),
        (f"?themes__id__exact={theme.pk}", [live.pk]),
    ]:
        result = editor_client.get(url + query).context["cl"].result_list
        assert [g.pk for g in result] == expected, query


def test_publish_action_emails_the_practitioner(editor_client, practitioner_a, outbox):
    group = GroupFactory(owner=practitioner_a, status=Status.PENDING, title="Calm evenings")
    editor_client.post(
        reverse("admin:directory_group_changelist"),
        {"action": "action_publish", "_selected_action": [group.pk]},
    )
    group.refresh_from_db()
    assert group.status == Status.PUBLISHED
    assert [m.to for m in outbox] == [["a@example.org"]]
    assert "Published: Calm evenings" in outbox[0].subject
    assert "http://testserver/en/groups/" in outbox[0].body


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_decisions_with_a_message_use_an_intermediate_page(
    editor_client, practitioner_a, outbox, decision
):
    group = GroupFactory(owner=practitioner_a, status=Status.PENDING)
    url = reverse("admin:directory_group_changelist")
    action = {"action": f"action_{decision}", "_selected_action": [group.pk]}
    page = editor_client.post(url, action)
    assert page.status_code == 200
    assert b'name="message"' in page.content
    group.refresh_from_db()
    assert group.status == Status.PENDING and outbox == []
    # An empty message is refused.
    page = editor_client.post(url, {**action, "confirm": "1", "decision": decision, "message": ""})
    assert page.status_code == 200
    assert b"errorlist" in page.content
    assert Group.objects.get(pk=group.pk).status == Status.PENDING
    response = editor_client.post(
        url,
        {**action, "confirm": "1", "decision": decision, "message": "Please add the end time."},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (
        group.status
        == {"request_changes": Status.CHANGES_REQUESTED, "reject": "rejected"}[decision]
    )
    change = StatusChange.objects.get(object_id=group.pk)
    assert (change.message, change.by.email) == ("Please add the end time.", "editor@example.org")
    assert len(outbox) == 1
    assert "Please add the end time." in outbox[0].body
    assert outbox[0].to == ["a@example.org"]


def test_review_page_shows_content_history_and_decides(editor_client, practitioner_a, outbox):
    group = GroupFactory(owner=practitioner_a, status=Status.PENDING, title="Grief circle")
    url = reverse("admin:directory_group_review", args=[group.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert b"Grief circle" in page.content
    response = editor_client.post(
        url, {"decision": "request_changes", "message": "Say who leads it."}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == Status.CHANGES_REQUESTED
    assert "Say who leads it." in outbox[0].body
    # The history shows on the review page and on the change page.
    assert b"Say who leads it." in editor_client.get(url).content
    change_page = editor_client.get(reverse("admin:directory_group_change", args=[group.pk]))
    assert b"Say who leads it." in change_page.content


def test_review_warns_when_the_organiser_is_not_public(editor_client):
    owner = PractitionerFactory(status=Status.PENDING)
    group = GroupFactory(owner=owner, status=Status.PENDING)
    page = editor_client.get(reverse("admin:directory_group_review", args=[group.pk]))
    assert reverse("admin:directory_professional_review", args=[owner.pk]).encode() in page.content


def test_verification_then_publication_of_a_profile(editor_client, editor, outbox):
    professional = PractitionerFactory(status=Status.PENDING)
    url = reverse("admin:directory_professional_review", args=[professional.pk])
    # Publishing an unverified profile needs the check and its evidence.
    page = editor_client.post(url, {"decision": "publish"})
    assert page.status_code == 200
    assert "verify" in page.context["form"].errors
    page = editor_client.post(url, {"decision": "publish", "verify": "on"})
    assert "evidence" in page.context["form"].errors
    response = editor_client.post(
        url,
        {"decision": "publish", "verify": "on", "evidence": "Psychologists' Commission, #123"},
    )
    assert response.status_code == 302
    professional.refresh_from_db()
    assert professional.status == Status.PUBLISHED
    assert professional.is_verified
    assert professional.verified_by == editor
    assert professional.verified_at is not None
    assert professional.verification_evidence == "Psychologists' Commission, #123"
    assert len(outbox) == 1


def test_verified_badge_on_public_pages(client, practitioner_a):
    group = published_group(practitioner_a)
    with translation.override("en"):
        page = client.get(group.get_absolute_url())
    assert b"verified" in page.content.lower()


# --- revisions -------------------------------------------------------------------------------
def test_revision_flow(client, editor_client, editor, practitioner_a, theme, postal_code, outbox):
    group = published_group(practitioner_a, title="Original title", postal_code=postal_code)
    group.themes.set([theme])
    practitioner = client.__class__()
    practitioner.force_login(practitioner_a.user)
    data = group_data(theme, postal_code, title="Better title")
    response = practitioner.post(en("directory:group_edit", group.pk), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.title == "Original title"  # still online as it was
    assert client.get(group.get_absolute_url()).status_code == 200
    revision = Revision.objects.for_object(group).pending().get()
    assert [row["name"] for row in moderation_changes(revision)][:1] == ["title"]
    # The dashboard says so; editing again updates the same revision.
    dashboard = practitioner.get(en("directory:dashboard")).content.decode()
    assert "Changes waiting for review" in dashboard
    practitioner.post(en("directory:group_edit", group.pk), {**data, "title": "Best title"})
    assert Revision.objects.for_object(group).count() == 1
    assert practitioner.get(en("directory:group_edit", group.pk)).context["form"][
        "title"
    ].value() == ("Best title")
    # The editor sees the side-by-side view and approves.
    review = editor_client.get(reverse("admin:directory_group_review", args=[group.pk]))
    assert b"Original title" in review.content and b"Best title" in review.content
    revision_page = editor_client.get(
        reverse("admin:directory_revision_change", args=[revision.pk])
    )
    assert b"Best title" in revision_page.content
    outbox.clear()
    editor_client.post(
        reverse("admin:directory_group_review", args=[group.pk]),
        {"decision": "approve_changes", "message": ""},
    )
    group.refresh_from_db()
    revision.refresh_from_db()
    assert group.title == "Best title"
    assert group.status == Status.PUBLISHED
    assert (revision.state, revision.decided_by) == (Revision.State.APPROVED, editor)
    assert [m.to for m in outbox] == [["a@example.org"]]
    assert "online" in outbox[0].subject


def moderation_changes(revision):
    from directory.revisions import changes

    return changes(revision)


def test_rejected_revision_leaves_the_live_group(editor_client, practitioner_a, outbox):
    group = published_group(practitioner_a, title="Keep me")
    revision = Revision.objects.create(target=group, data={"title": "Spam title"})
    url = reverse("admin:directory_group_review", args=[group.pk])
    page = editor_client.post(url, {"decision": "reject_changes", "message": ""})
    assert "message" in page.context["form"].errors
    editor_client.post(url, {"decision": "reject_changes", "message": "Title too long."})
    group.refresh_from_db()
    revision.refresh_from_db()
    assert group.title == "Keep me"
    assert revision.state == Revision.State.REJECTED
    assert "Title too long." in outbox[0].body


def test_revision_of_a_profile_applies_languages_and_name(editor, practitioner_a):
    revision = moderation.propose_changes(
        practitioner_a,
        {"name": "Renamed", "languages": ["nl", "de"]},
        by=practitioner_a.user,
    )
    moderation.approve_revision(revision, by=editor)
    practitioner_a.refresh_from_db()
    assert (practitioner_a.name, practitioner_a.languages) == ("Renamed", ["nl", "de"])


def test_only_one_pending_revision_per_item(practitioner_a):
    from django.db import IntegrityError, transaction

    group = published_group(practitioner_a)
    Revision.objects.create(target=group, data={})
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(target=group, data={})


# --- the Editors group -------------------------------------------------------------------------
def test_editors_group_has_exactly_its_permissions():
    group = ensure_editors_group()
    ensure_editors_group()  # idempotent
    assert AuthGroup.objects.filter(name=EDITORS_GROUP).count() == 1
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    expected = {(app, code) for app, codes in EDITOR_PERMISSIONS.items() for code in codes}
    assert codenames == expected
    assert not any(code.startswith("delete_") for _, code in codenames)


def test_ensure_editors_group_command(capsys):
    AuthGroup.objects.filter(name=EDITORS_GROUP).delete()
    call_command("ensure_editors_group")
    group = AuthGroup.objects.get(name=EDITORS_GROUP)
    assert group.permissions.count() == sum(len(c) for c in EDITOR_PERMISSIONS.values())


@pytest.mark.parametrize(
    "name",
    [
        "directory_group",
        "directory_professional",
        "directory_revision",
        "directory_listingreport",
        "directory_contactmessage",
        "directory_statuschange",
        "directory_theme",
    ],
)
def test_editor_reaches_the_moderation_pages(editor_client, name):
    assert editor_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_editor_cannot_reach_accounts(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_moderation_emails_wait_for_the_commit(
    practitioner_a, editor, django_capture_on_commit_callbacks
):
    group = GroupFactory(owner=practitioner_a, status=Status.PENDING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.decide(Group.objects.filter(pk=group.pk), "publish", by=editor)
    assert mail.outbox == []
    sends = [c for c in callbacks if type(getattr(c, "__self__", None)).__name__ == "EmailMessage"]
    assert len(sends) == 1
    sends[0]()
    assert len(mail.outbox) == 1


def test_professional_language_drives_the_email(editor, outbox):
    professional = PractitionerFactory(status=Status.PENDING, email_language="nl")
    professional.verification_status = Professional.Verification.VERIFIED
    professional.save()
    moderation.decide(Professional.objects.filter(pk=professional.pk), "publish", by=editor)
    assert outbox[0].body.count("/nl/") >= 1
