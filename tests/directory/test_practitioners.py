"""The practitioner space: account, profile, groups (create, preview, submit, duplicate,
archive, delete, confirm). Interface text is asserted on /en/ pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Group, Professional, Revision, Status, StatusChange
from tests.directory.practitioner_support import *  # noqa: F403
from tests.directory.practitioner_support import group_data, published_group
from tests.factories import GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def en(name, *args, **kwargs):
    with translation.override("en"):
        return reverse(f"directory:{name}", args=args or None, kwargs=kwargs or None)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


# --- account -------------------------------------------------------------------------------
SIGNUP = {
    "email": "New.Person@Example.org",
    "password1": "calm-river-lantern-42",
    "password2": "calm-river-lantern-42",
    "accept": "on",
}


def test_signup_confirm_and_log_in(client, outbox):
    response = client.post(en("signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == en("signup_sent")
    user = User.objects.get()
    assert (user.username, user.email, user.is_active) == (
        "new.person@example.org",
        "new.person@example.org",
        False,
    )
    assert [m.to for m in outbox] == [["new.person@example.org"]]
    url = link_in(outbox[0]).removeprefix("http://testserver")
    assert url.startswith("/en/practitioners/confirm/")

    page = client.get(url)
    assert page.status_code == 200
    assert b"Confirm my address" in page.content
    user.refresh_from_db()
    assert not user.is_active  # a GET (a mail scanner) confirms nothing
    # Confirming takes the password chosen at sign-up.
    page = client.post(url, {"password": "not-the-one"})
    assert "password" in page.context["form"].errors
    user.refresh_from_db()
    assert not user.is_active

    response = client.post(url, {"password": SIGNUP["password1"]})
    assert response.status_code == 302
    assert response["Location"] == en("profile")
    user.refresh_from_db()
    assert user.is_active
    assert client.get(en("dashboard")).status_code == 200
    # The link is single-use.
    client.logout()
    assert client.post(url).status_code == 200  # "already confirmed" page, nothing changes


def test_signing_up_again_before_confirming_takes_the_new_password(client, outbox):
    client.post(en("signup"), SIGNUP)
    first = link_in(outbox[0]).removeprefix("http://testserver")
    client.post(
        en("signup"),
        {**SIGNUP, "password1": "new-quiet-harbour-9", "password2": "new-quiet-harbour-9"},
    )
    assert User.objects.count() == 1
    second = link_in(outbox[1]).removeprefix("http://testserver")
    assert client.get(first).status_code == 400  # the older link is retired
    response = client.post(second, {"password": "new-quiet-harbour-9"})
    assert response.status_code == 302
    assert User.objects.get().is_active


def test_a_switched_off_account_cannot_sign_up_again(client, outbox):
    former = UserFactory(email="former.editor@example.org", is_staff=True, is_active=False)
    response = client.post(en("signup"), {**SIGNUP, "email": "former.editor@example.org"})
    assert response.status_code == 302
    assert outbox == []
    former.refresh_from_db()
    assert not former.is_active and former.check_password("a-long-test-passphrase")
    # Logging in with the right password does not send an activation link either.
    response = client.post(
        en("login"),
        {"username": "former.editor@example.org", "password": "a-long-test-passphrase"},
    )
    assert b"not confirmed" not in response.content
    assert outbox == []
    # Nor does a link made for it work.
    from directory.views.practitioners import confirm_url

    url = confirm_url(former, "en").removeprefix("http://testserver")
    assert client.post(url, {"password": "a-long-test-passphrase"}).status_code == 400
    former.refresh_from_db()
    assert not former.is_active


def test_confirm_link_forged(client, db):
    assert client.get(en("confirm_email", uidb64="MQ", token="nope-nope")).status_code == 400


def test_signup_with_existing_address_reveals_nothing(client, outbox, practitioner_a):
    data = {**SIGNUP, "email": "A@example.org"}
    response = client.post(en("signup"), data)
    assert response.status_code == 302
    assert response["Location"] == en("signup_sent")
    assert User.objects.count() == 1
    assert len(outbox) == 1
    assert "already have one" in outbox[0].body


def test_signup_validation_keeps_what_was_typed(client, outbox):
    response = client.post(
        en("signup"), {**SIGNUP, "password2": "something-else-entirely", "accept": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"password2", "accept"}
    assert b'value="New.Person@Example.org"' in response.content
    assert b"data-error-summary" in response.content
    assert b'href="#id_password2"' in response.content
    assert User.objects.count() == 0 and outbox == []


def test_signup_honeypot(client, outbox):
    response = client.post(en("signup"), {**SIGNUP, "homepage": "http://spam.example"})
    assert response.status_code == 302
    assert User.objects.count() == 0 and outbox == []


def test_signup_rate_limit(client, outbox, settings):
    settings.RATE_LIMITS = {"signup": "2/h"}
    for n in range(2):
        response = client.post(en("signup"), {**SIGNUP, "email": f"p{n}@example.org"})
        assert response.status_code == 302
    response = client.post(en("signup"), {**SIGNUP, "email": "p3@example.org"})
    assert response.status_code == 429
    assert User.objects.count() == 2


def test_login_by_email_any_case_and_logout(client, practitioner_a):
    response = client.post(
        en("login"), {"username": " A@Example.org ", "password": "a-long-test-passphrase"}
    )
    assert response.status_code == 302
    assert response["Location"] == en("dashboard")
    response = client.post(en("logout"))
    assert response.status_code == 302
    assert client.get(en("dashboard")).status_code == 302


def test_login_unconfirmed_resends_the_link(client, outbox):
    client.post(en("signup"), SIGNUP)
    outbox.clear()
    response = client.post(
        en("login"),
        {"username": "new.person@example.org", "password": SIGNUP["password1"]},
    )
    assert response.status_code == 200
    assert b"not confirmed yet" in response.content
    assert len(outbox) == 1
    # A wrong password says nothing about the account.
    response = client.post(en("login"), {"username": "new.person@example.org", "password": "x"})
    assert b"not confirmed" not in response.content
    assert len(outbox) == 1


def test_password_reset(client, outbox, practitioner_a):
    response = client.post(en("password_reset"), {"email": "a@example.org"})
    assert response.status_code == 302
    assert len(outbox) == 1
    url = link_in(outbox[0]).removeprefix("http://testserver")
    response = client.get(url, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "another-quiet-morning-7", "new_password2": "another-quiet-morning-7"},
    )
    assert response.status_code == 302
    assert client.login(username="a@example.org", password="another-quiet-morning-7")


def test_pages_render_in_every_language(client, practitioner_a):
    client.force_login(practitioner_a.user)
    group = GroupFactory(owner=practitioner_a)
    for language in ("fr", "nl", "en", "de"):
        with translation.override(language):
            for url in (
                reverse("directory:dashboard"),
                reverse("directory:profile"),
                reverse("directory:group_create"),
                reverse("directory:group_edit", args=[group.pk]),
                reverse("directory:group_preview", args=[group.pk]),
                reverse("directory:group_duplicate", args=[group.pk]),
                reverse("directory:group_archive", args=[group.pk]),
                reverse("directory:password_change"),
            ):
                assert client.get(url).status_code == 200, url
    client.logout()
    for name in ("signup", "login", "password_reset", "signup_sent"):
        assert client.get(en(name)).status_code == 200


def test_practitioner_pages_are_never_cached(client, practitioner_a):
    client.force_login(practitioner_a.user)
    response = client.get(en("dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


# --- profile -------------------------------------------------------------------------------
PROFILE = {
    "name": "Dr Example Person",
    "title": Professional.Title.CLINICAL_PSYCHOLOGIST,
    "registration_number": "EX-12345",
    "bio": "Fictional.",
    "languages": ["fr", "nl"],
    "contact_email": "office@example.org",
    "email_language": "nl",
}


def test_profile_created_then_group_form(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(en("group_create"))["Location"] == en("profile")
    response = client.post(en("profile"), PROFILE)
    assert response.status_code == 302
    assert response["Location"] == en("group_create")
    professional = Professional.objects.get()
    assert professional.user == user
    assert professional.slug == "dr-example-person"
    assert professional.status == Status.DRAFT
    assert professional.languages == ["fr", "nl"]


def test_profile_requires_registration_number_for_regulated_titles(client):
    client.force_login(UserFactory())
    response = client.post(en("profile"), {**PROFILE, "registration_number": ""})
    assert response.status_code == 200
    assert "registration_number" in response.context["form"].errors
    response = client.post(
        en("profile"),
        {**PROFILE, "registration_number": "", "title": Professional.Title.PEER_FACILITATOR},
    )
    assert response.status_code == 302


def test_editing_a_published_profile_waits_for_review(client, practitioner_a, outbox):
    client.force_login(practitioner_a.user)
    old_name = practitioner_a.name
    data = {
        **PROFILE,
        "name": "New Name",
        "contact_email": practitioner_a.contact_email,
    }
    response = client.post(en("profile"), data)
    assert response.status_code == 302
    practitioner_a.refresh_from_db()
    assert practitioner_a.name == old_name
    revision = Revision.objects.for_object(practitioner_a).pending().get()
    assert revision.data["name"] == "New Name"
    assert "New Name" in client.get(en("profile")).content.decode()  # edits continue there
    assert [m.to for m in outbox] == [["editors@localhost"]]


# --- groups --------------------------------------------------------------------------------
def test_create_preview_submit(client, practitioner_a, theme, postal_code, outbox):
    practitioner_a.status = Status.DRAFT
    practitioner_a.save()
    client.force_login(practitioner_a.user)
    response = client.post(en("group_create"), group_data(theme, postal_code))
    assert response.status_code == 302, response.context["form"].errors
    group = Group.objects.get()
    assert response["Location"] == en("group_preview", group.pk)
    assert (group.owner, group.status, group.slug) == (
        practitioner_a,
        Status.DRAFT,
        "parents-of-anxious-teenagers",
    )
    assert group.postal_code == postal_code
    assert group.region_id == postal_code.region_id
    assert list(group.themes.all()) == [theme]
    assert group.confirmed_on == timezone.localdate()

    preview = client.get(en("group_preview", group.pk))
    assert preview.status_code == 200
    assert b"Send for review" in preview.content

    response = client.post(en("group_submit", group.pk))
    assert response.status_code == 302
    group.refresh_from_db()
    practitioner_a.refresh_from_db()
    assert group.status == Status.PENDING
    assert practitioner_a.status == Status.PENDING  # sent with its first group
    changes = StatusChange.objects.filter(to_status=Status.PENDING)
    assert changes.count() == 2
    assert set(changes.values_list("by", flat=True)) == {practitioner_a.user.pk}
    assert {m.to[0] for m in outbox} == {"editors@localhost"}
    review = f"http://testserver/admin/directory/group/{group.pk}/review/"
    assert any(review in m.body for m in outbox)
    # Submitting again does nothing.
    client.post(en("group_submit", group.pk))
    assert StatusChange.objects.count() == 2


def test_group_form_honeypot_and_rate_limit(client, practitioner_a, theme, postal_code, settings):
    client.force_login(practitioner_a.user)
    data = group_data(theme, postal_code)
    assert client.post(en("group_create"), {**data, "homepage": "x"}).status_code == 302
    assert not Group.objects.exists()
    settings.RATE_LIMITS = {"group-create": "1/d"}
    assert client.post(en("group_create"), data).status_code == 302
    assert client.post(en("group_create"), data).status_code == 429
    assert Group.objects.count() == 1


def test_postal_code_shows_municipality_and_unknown_is_refused(client, postal_code):
    response = client.get(en("postal_code_lookup", code="1050"))
    assert response.status_code == 200
    assert response.json()["municipality"] == "Ixelles"
    assert client.get(en("postal_code_lookup", code="0999")).json() == {
        "code": "0999",
        "found": False,
    }


def test_duplicate_for_next_cycle(client, practitioner_a, theme):
    client.force_login(practitioner_a.user)
    source = GroupFactory(owner=practitioner_a, cycle=True, themes=[theme], places_left=3)
    response = client.get(en("group_duplicate", source.pk))
    form = response.context["form"]
    assert form.initial["title"] == source.title
    assert form.initial["themes"] == [theme.pk]
    assert "first_session_on" not in form.initial and "places_left" not in form.initial
    data = group_data(
        theme,
        source.postal_code,
        title=source.title,
        schedule_type=Group.ScheduleType.CYCLE,
        session_count="8",
    )
    response = client.post(en("group_duplicate", source.pk), data)
    assert response.status_code == 302
    copy = Group.objects.exclude(pk=source.pk).get()
    assert copy.title == source.title and copy.slug != source.slug
    assert copy.status == Status.DRAFT


def test_archive_and_delete(client, practitioner_a):
    client.force_login(practitioner_a.user)
    live = published_group(practitioner_a)
    draft = GroupFactory(owner=practitioner_a)
    assert client.get(en("group_archive", live.pk)).status_code == 200
    client.post(en("group_archive", live.pk))
    live.refresh_from_db()
    assert live.status == Status.ARCHIVED
    assert live.status_changes.get().by == practitioner_a.user
    # A published (now archived) group cannot be deleted; a never-published draft can.
    client.post(en("group_delete", live.pk))
    assert Group.objects.filter(pk=live.pk).exists()
    client.post(en("group_delete", draft.pk))
    assert not Group.objects.filter(pk=draft.pk).exists()


def test_confirm_still_current_from_dashboard(client, practitioner_a):
    client.force_login(practitioner_a.user)
    group = published_group(practitioner_a, confirmed_on=timezone.localdate().replace(year=2020))
    page = client.get(en("dashboard"))
    assert b"Yes, it is still current" in page.content
    client.post(en("group_confirm", group.pk))
    group.refresh_from_db()
    assert group.confirmed_on == timezone.localdate()


def test_dashboard_lists_status_and_editor_message(
    client, practitioner_a, editor, django_assert_max_num_queries
):
    client.force_login(practitioner_a.user)
    group = GroupFactory(owner=practitioner_a, status=Status.PENDING, title="Needs work")
    group.request_changes(by=editor, message="Please give the end time.")
    live = published_group(practitioner_a, title="Online now")
    Revision.objects.create(target=live, data={"title": "Online now!"})
    with django_assert_max_num_queries(12):
        page = client.get(en("dashboard"))
    content = page.content.decode()
    assert "Needs work" in content and "Changes requested" in content
    assert "Please give the end time." in content
    assert "Changes waiting for review since" in content
    assert content.index("Needs work") < content.index("Online now")
    assert live.get_absolute_url() in content  # owner and group published: a public link
    assert "Visible once your profile is published" not in content


def test_dashboard_queries_do_not_grow_with_groups(client, practitioner_a, editor):
    client.force_login(practitioner_a.user)
    GroupFactory(owner=practitioner_a).request_changes(by=editor, message="x")
    with CaptureQueriesContext(connection) as one:
        client.get(en("dashboard"))
    for _ in range(5):
        group = GroupFactory(owner=practitioner_a, status=Status.PENDING)
        group.request_changes(by=editor, message="y")
        Revision.objects.create(target=published_group(practitioner_a), data={})
    with CaptureQueriesContext(connection) as many:
        client.get(en("dashboard"))
    assert len(many.captured_queries) == len(one.captured_queries)
