"""Recompute each group's stored next-session date (the search's "soonest" sort key).

The date is also recomputed whenever a group is saved; run this once a day (cron, systemd
timer) so groups whose session just passed move down the "next session first" order:

    python manage.py refresh_group_dates
"""

from django.core.management.base import BaseCommand

from directory.models import Group


class Command(BaseCommand):
    help = "Recompute the next-session date of every group (run daily)."

    def handle(self, *args, **options):
        changed = Group.objects.refresh_next_sessions()
        self.stdout.write(f"{changed} groups have a new next-session date.")
