"""Delete the stored copies of contact messages older than CONTACT_MESSAGE_RETENTION_DAYS.

Also forgets the reporter's email address of listing reports resolved that long ago.
Run it daily (cron or a systemd timer): `python manage.py purge_contact_messages`.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from directory.models import ContactMessage, ListingReport


class Command(BaseCommand):
    help = "Delete stored contact messages older than the retention period (default 30 days)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: settings.CONTACT_MESSAGE_RETENTION_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.CONTACT_MESSAGE_RETENTION_DAYS if days is None else days
        old = ContactMessage.objects.older_than(days)
        cutoff = timezone.now() - dt.timedelta(days=days)
        reports = ListingReport.objects.filter(resolved_at__lt=cutoff).exclude(email="")
        if dry_run:
            self.stdout.write(
                f"Would delete {old.count()} contact message(s) older than {days} days and "
                f"forget {reports.count()} reporter address(es)."
            )
            return
        deleted, _ = old.delete()
        forgotten = reports.update(email="")
        self.stdout.write(
            f"Deleted {deleted} contact message(s) older than {days} days; "
            f"forgot {forgotten} reporter address(es)."
        )
