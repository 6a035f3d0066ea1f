"""Load reference data and demo content; safe to run again (it changes nothing the second time).

It lives in `articles`, the top layer, because it drives every app's loader by
command name; each loader is idempotent on its own.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Order matters: directory content needs regions and postal codes, articles need themes.
LOADERS = [
    "load_reference",
    "load_directory_demo",
    "ensure_editors_group",
    "load_articles_demo",
]


class Command(BaseCommand):
    help = "Load the reference data (regions, postal codes, networks, help lines) and demo content."

    def handle(self, *args, **options):
        for name in LOADERS:
            self.stdout.write(f"- {name}")
            call_command(name, verbosity=options["verbosity"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
