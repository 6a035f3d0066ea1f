"""Email every due search alert the groups that are new for it (run it every 15 minutes).

Immediate alerts go whenever something new appeared since their last email; weekly ones at
most once every 7 days. Alert requests never confirmed are deleted after a week.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from directory.alerts import send_alert
from directory.models import SearchAlert


class Command(BaseCommand):
    help = "Send due search alerts (new groups matching saved searches)."

    def handle(self, *args, **options):
        now = timezone.now()
        purged, _details = SearchAlert.objects.stale_unconfirmed().delete()
        sent = groups = failed = 0
        for alert in SearchAlert.objects.due(now).order_by("pk").iterator(500):
            try:
                count = send_alert(alert, now=now)
            except Exception as exc:  # one bad address must not stop the others
                failed += 1
                self.stderr.write(f"Alert {alert.pk}: {exc!r}")
                continue
            if count:
                sent += 1
                groups += count
        self.stdout.write(
            f"Sent {sent} alert email(s) listing {groups} group(s); {failed} failed; "
            f"deleted {purged} unconfirmed request(s)."
        )
