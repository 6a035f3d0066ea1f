"""Create (once) a local admin account for trying the site, and print how to log in."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
EMAIL = "admin@example.org"


class Command(BaseCommand):
    help = "Create a local demo superuser (DEBUG only) and print its credentials."

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            default=str(Path(settings.BASE_DIR) / ".demo-admin"),
            help="Where the generated password is kept between runs (git-ignored).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a demo admin with DJANGO_DEBUG off.")
        users = get_user_model()
        path = Path(options["credentials_file"])
        password = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
        user = users.objects.filter(username=USERNAME).first()
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            if user is None:
                user = users.objects.create_superuser(USERNAME, EMAIL, password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            path.write_text(password + "\n", encoding="utf-8")
            path.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: http://127.0.0.1:8000/admin/  user: {USERNAME}  password: {password}"
            )
        )
