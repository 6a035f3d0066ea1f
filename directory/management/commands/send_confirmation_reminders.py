"""Freshness: remind organisers to confirm their groups, and unpublish the forgotten ones.

Groups published and not confirmed for GROUP_CONFIRM_AFTER_DAYS days get one email per
organiser, with a one-click "still current" link per group. Groups still unconfirmed
GROUP_CONFIRM_GRACE_DAYS days after that reminder are archived (with an audit-trail entry)
and the organiser is told. Run it daily: `python manage.py send_confirmation_reminders`.
"""

from django.core.management.base import BaseCommand

from directory.moderation import freshness_run


class Command(BaseCommand):
    help = (
        "Email confirmation reminders and archive groups left unconfirmed after the grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count, send and change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = freshness_run(dry_run=dry_run)
        prefix = "Would remind" if dry_run else "Reminded"
        self.stdout.write(
            f"{prefix}: {counts['reminded']} group(s) in {counts['reminder_emails']} email(s). "
            f"{'Would archive' if dry_run else 'Archived'}: {counts['archived']} group(s), "
            f"{counts['archive_emails']} email(s)."
        )
