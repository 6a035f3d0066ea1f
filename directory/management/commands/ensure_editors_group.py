"""Create or update the "Editors" group with exactly the permissions moderation needs."""

from django.core.management.base import BaseCommand

from directory.editors import EDITOR_PERMISSIONS, ensure_editors_group


class Command(BaseCommand):
    help = "Create or update the Editors group (idempotent). Add editors in the admin."

    def handle(self, *args, **options):
        group = ensure_editors_group()
        count = group.permissions.count()
        expected = sum(len(codenames) for codenames in EDITOR_PERMISSIONS.values())
        self.stdout.write(f"Editors group: {count}/{expected} permissions.")
