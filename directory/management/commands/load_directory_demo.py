"""Load the directory's themes and its demo content (fixtures/demo/directory.json).

Idempotent: rows are matched on their slugs and updated in place; moderation goes through the
regular transitions, so a second run on the same day writes nothing new. Dates in the file
are relative to the day it runs, so the demo always shows upcoming sessions.

Themes are real reference data (editors extend them in the admin); professionals and groups
are fictional, flagged `is_example` and shown with an "example listing" mark.
"""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from directory.models import Group, Professional, Theme
from networks.models import PostalCode, Region

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "directory.json"
EVIDENCE = "Example listing: a fictional professional created for the demo (nothing to verify)."


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "Load the directory's themes and fictional demo professionals and groups."

    def add_arguments(self, parser):
        parser.add_argument(
            "--themes-only", action="store_true", help="Load the themes, not the demo listings."
        )

    @transaction.atomic
    def handle(self, *args, **options):
        data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        themes = self.load_themes(data["themes"])
        if options["themes_only"]:
            self.stdout.write(f"  directory: {themes} themes created")
            return
        professionals = self.load_professionals(data["professionals"])
        groups = self.load_groups(data["groups"])
        self.stdout.write(
            f"  directory: {themes} themes, {professionals} professionals, {groups} groups created"
        )

    def load_themes(self, rows) -> int:
        created = 0
        for row in rows:
            values = {
                "family": row["family"],
                "order": row["order"],
                **{f"name_{code}": name for code, name in row["name"].items()},
            }
            theme = Theme.objects.filter(slug=row["slug"]).first()
            if theme is None:
                Theme.objects.create(slug=row["slug"], **values)
                created += 1
            # Editors may rename or reorder themes in the admin: existing ones are kept as is.
        return created

    def load_professionals(self, rows) -> int:
        today = timezone.localdate()
        created = 0
        for index, row in enumerate(rows):
            values = {
                key: row[key]
                for key in (
                    "name",
                    "title",
                    "title_detail",
                    "organisation",
                    "registration_number",
                    "languages",
                    "bio",
                    "website",
                    "contact_email",
                )
            }
            _, was_created = Professional.objects.get_or_create(
                slug=row["slug"],
                defaults={
                    **values,
                    "is_example": True,
                    "verification_status": Professional.Verification.VERIFIED,
                    "verification_evidence": EVIDENCE,
                    "verified_at": timezone.make_aware(
                        dt.datetime.combine(today - dt.timedelta(days=40 + 9 * index), dt.time(10))
                    ),
                },
            )
            created += was_created
        Professional.objects.examples().filter(slug__in=[r["slug"] for r in rows]).publish(
            message="Demo content"
        )
        return created

    def load_groups(self, rows) -> int:
        today = timezone.localdate()
        owners = {p.slug: p for p in Professional.objects.examples()}
        themes = {t.slug: t for t in Theme.objects.all()}
        codes = {row["postcode"] for row in rows if row.get("postcode")}
        postal_codes = {p.code: p for p in PostalCode.objects.filter(code__in=codes)}
        regions = {r.code: r for r in Region.objects.all()}
        created = 0
        for row in rows:
            schedule = row["schedule"]
            first = today + dt.timedelta(days=schedule["first_days"])
            if schedule["recurrence"] == "monthly" and first.day > 28:
                first = first.replace(day=28)
            values = {
                "title": row["title"],
                "summary": row["summary"],
                "description": row["description"],
                "kind": row["kind"],
                "owner": owners[row["owner"]],
                "audiences": row["audiences"],
                "child_age_bands": row["child_age_bands"],
                "languages": row["languages"],
                "format": row["format"],
                "venue_name": row["venue_name"],
                "venue_note": row["venue_note"],
                "postal_code": postal_codes.get(row["postcode"]) if row["postcode"] else None,
                "online_joining_info": row["online_joining_info"],
                "wheelchair_access": row["wheelchair_access"],
                "accessibility_note": row["accessibility_note"],
                "price_type": row["price_type"],
                "price_amount": _decimal(row["price_amount"]),
                "price_amount_max": _decimal(row["price_amount_max"]),
                "reimbursement_note": row["reimbursement_note"],
                "registration_method": row["registration_method"],
                "registration_email": row.get("registration_email", ""),
                "registration_url": row.get("registration_url", ""),
                "registration_note": row["registration_note"],
                "schedule_type": schedule["type"],
                "recurrence": schedule["recurrence"],
                "weekday": schedule["weekday"],
                "week_of_month": schedule.get("week_of_month"),
                "first_session_on": first,
                "start_time": _time(schedule["start"]),
                "end_time": _time(schedule["end"]),
                "session_count": schedule.get("sessions"),
                "intake_deadline": (
                    today + dt.timedelta(days=schedule["intake_deadline_days"])
                    if "intake_deadline_days" in schedule
                    else None
                ),
                "open_to_newcomers": schedule.get("open_to_newcomers", True),
                "places_left": schedule.get("places_left"),
                "waiting_list": schedule.get("waiting_list", False),
                "schedule_note": schedule.get("note", ""),
                "confirmed_on": today - dt.timedelta(days=row["confirmed_days_ago"]),
                "is_example": True,
            }
            if row.get("region"):  # online groups: the region they serve
                values["region"] = regions.get(row["region"])
            group = Group.objects.filter(slug=row["slug"]).first()
            if group is None:
                group = Group(slug=row["slug"], **values)
                group.full_clean(exclude=["owner", "postal_code", "region"])
                group.save()
                created += 1
            else:
                changed = [name for name, value in values.items() if getattr(group, name) != value]
                if changed:
                    for name in changed:
                        setattr(group, name, values[name])
                    group.save(update_fields=changed)
            wanted = [themes[slug] for slug in row["themes"]]
            if {t.pk for t in group.themes.all()} != {t.pk for t in wanted}:
                group.themes.set(wanted)
            facilitators = [owners[slug] for slug in row["facilitators"]]
            if {p.pk for p in group.facilitators.all()} != {p.pk for p in facilitators}:
                group.facilitators.set(facilitators)
        Group.objects.examples().filter(slug__in=[r["slug"] for r in rows]).publish(
            message="Demo content"
        )
        return created


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
