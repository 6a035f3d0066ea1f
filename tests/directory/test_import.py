"""Editors' bulk import (CSV, HSDS JSON) with a dry-run preview, and the CSV export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from directory import importers
from directory.models import Group, Professional, Status
from tests.factories import (
    GroupFactory,
    PostalCodeFactory,
    ProfessionalFactory,
    RegionFactory,
    ThemeFactory,
)

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "import-sample.csv"


@pytest.fixture(autouse=True)
def _english():
    """Reasons are asserted in English (the messages are translated)."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference(db):
    """What the sample file refers to: two postal codes and three themes."""
    PostalCodeFactory(code="5000", municipality_fr="Namur", region=RegionFactory(code="NAM"))
    PostalCodeFactory(code="1000", municipality_fr="Bruxelles", region=RegionFactory(code="BRU"))
    for slug in ("anxiety", "parenting", "separation"):
        ThemeFactory(slug=slug)


def _fates(report) -> list[tuple[int, str, str]]:
    return [(row.number, row.fate, row.professional_fate) for row in report.rows]


def test_sample_file_dry_run_reports_every_row_and_changes_nothing(reference):
    report = importers.run_import(SAMPLE.read_text(encoding="utf-8"), dry_run=True)
    assert report.errors == []
    assert _fates(report) == [
        (2, "created", "created"),
        (3, "created", "unchanged"),
        (4, "rejected", ""),
        (5, "rejected", ""),
        (6, "rejected", ""),
        (7, "created", "created"),
    ]
    reasons = {row.number: " ".join(row.reasons) for row in report.rows}
    assert "0999" in reasons[4]
    assert "not-a-theme" in reasons[4]
    assert "price_amount" in reasons[5]
    assert "weekday" in reasons[5]
    assert "organiser is unknown" in reasons[6]
    # A dry run leaves the database as it was.
    assert not Group.objects.exists()
    assert not Professional.objects.exists()


def test_sample_file_import_creates_only_the_good_rows_as_pending(reference):
    report = importers.run_import(SAMPLE.read_text(encoding="utf-8"), dry_run=False)
    assert report.summary == {"created": 3, "changed": 0, "unchanged": 0, "rejected": 3}
    assert sorted(Group.objects.values_list("title", flat=True)) == [
        "Online cycle: calmer evenings (imported example)",
        "Parents d'ados anxieux \N{EN DASH} groupe de parole (exemple importé)",
    ]
    assert set(Group.objects.values_list("status", flat=True)) == {Status.PENDING}
    lea = Professional.objects.get(contact_email="lea.exemple@example.org")
    assert lea.status == Status.PENDING
    assert not lea.is_verified
    assert lea.groups.count() == 2
    assert Professional.objects.filter(name="Anna Beispiel", languages=["de", "fr"]).exists()
    assert not Group.objects.published().exists()
    cycle = Group.objects.get(schedule_type="cycle")
    assert (cycle.session_count, cycle.registration_email) == (8, "inscriptions@example.org")
    in_person = Group.objects.get(format="in_person")
    assert in_person.postal_code.code == "5000"
    assert sorted(in_person.themes.values_list("slug", flat=True)) == ["anxiety", "parenting"]
    # Importing the same file again finds everything in place (no duplicates).
    again = importers.run_import(SAMPLE.read_text(encoding="utf-8"), dry_run=False)
    assert [row.fate for row in again.rows if row.fate != "rejected"] == ["unchanged"] * 3
    assert Group.objects.count() == 2


def test_export_and_reimport_round_trip(reference):
    group = GroupFactory(published=True, postal_code=PostalCodeFactory(code="5000"))
    text = importers.export_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == importers.EXPORT_COLUMNS
    assert rows[0]["slug"] == group.slug
    assert rows[0]["status"] == "published"
    # Unchanged: nothing to do, the published group stays online.
    report = importers.run_import(text, dry_run=False)
    assert [row.fate for row in report.rows] == ["unchanged"]
    group.refresh_from_db()
    assert group.status == Status.PUBLISHED
    # A change sends the listing back to review.
    rows[0]["title"] = "A new title"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=importers.EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    report = importers.run_import(buffer.getvalue(), dry_run=False)
    [row] = report.rows
    assert (row.fate, row.changes) == ("changed", ["title"])
    group.refresh_from_db()
    assert (group.title, group.status) == ("A new title", Status.PENDING)
    assert group.status_changes.first().message == "Changed by a bulk import."


def test_export_defuses_spreadsheet_formulas_and_import_restores_them(reference):
    group = GroupFactory(
        title='=HYPERLINK("http://example.org")',
        recurrence=Group.Recurrence.MONTHLY_NTH,
        week_of_month=-1,
    )
    text = importers.export_csv()
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["title"] == '\'=HYPERLINK("http://example.org")'
    assert row["week_of_month"] == "'-1"
    [result] = importers.run_import(text, dry_run=False).rows
    assert result.fate == "unchanged"
    group.refresh_from_db()
    assert group.title.startswith("=HYPERLINK")


def test_rows_for_another_organisers_group_are_rejected(reference):
    group = GroupFactory()
    other = ProfessionalFactory()
    text = f"slug,title,professional_slug\n{group.slug},Taken over,{other.slug}\n"
    [row] = importers.run_import(text, dry_run=False).rows
    assert row.fate == "rejected"
    assert "another organiser" in row.reasons[0]


def test_hsds_json_import(client, reference):
    """The API's own output imports back (as new listings on another site)."""
    from directory.api import ids

    group = GroupFactory(
        published=True,
        postal_code=PostalCodeFactory(code="5000"),
        recurrence=Group.Recurrence.MONTHLY_NTH,
        week_of_month=2,
        weekday=3,
    )
    url = reverse("api:service_detail", args=[ids.make(ids.SERVICE, group.pk)])
    service = client.get(url).json()
    service["url"] = "https://elsewhere.example.org/groups/imported/"
    service["organization"]["uri"] = "https://elsewhere.example.org/people/x/"
    service["organization"]["email"] = "someone@example.org"
    service["organization"]["name"] = "Someone Else"
    text = json.dumps({"contents": [service, "junk"]})
    report = importers.run_import(text, kind="hsds", dry_run=False)
    assert [row.fate for row in report.rows] == ["created", "rejected"], report.rows
    imported = Group.objects.exclude(pk=group.pk).get()
    assert imported.status == Status.PENDING
    assert (imported.recurrence, imported.week_of_month, imported.weekday) == ("monthly_nth", 2, 3)
    assert imported.postal_code.code == "5000"
    assert imported.owner.contact_email == "someone@example.org"


# --- Admin -------------------------------------------------------------------------------------
@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    codenames = [
        f"{action}_{model}"
        for action in ("add", "change", "view")
        for model in ("group", "professional")
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_admin_import_preview_then_apply(client, editor, reference):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(editor)
    url = reverse("directory_admin:import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("sample.csv", SAMPLE.read_bytes(), content_type="text/csv")
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "Preview: nothing has changed yet" in content
    assert content.count("import-row--rejected") == 3
    assert not Group.objects.exists()
    token = preview.context["token"]
    applied = client.post(url, {"apply": token})
    assert applied.status_code == 200
    assert Group.objects.filter(status=Status.PENDING).count() == 2
    # A preview applies once.
    assert client.post(url, {"apply": token}).status_code == 302
    assert Group.objects.count() == 2


def test_admin_import_and_export_need_permissions(client, django_user_model, reference):
    url = reverse("directory_admin:import")
    assert client.get(url).status_code == 302  # to the admin login
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    assert client.get(reverse("directory_admin:export")).status_code == 403


def test_admin_export(client, editor, reference):
    GroupFactory(published=True, title="Exported group")
    GroupFactory(title="Draft group")
    client.force_login(editor)
    response = client.get(reverse("directory_admin:export"), {"status": "published"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    titles = [row["title"] for row in rows if row["title"]]
    assert titles == ["Exported group"]
    changelist = client.get(reverse("admin:directory_group_changelist"))
    assert reverse("directory_admin:import") in changelist.content.decode()
