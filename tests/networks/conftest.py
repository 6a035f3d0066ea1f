"""The reference data (regions, postal codes, networks, help lines), loaded once per module.

Loading 1,149 postal codes for every test would be slow; the rows are loaded outside the
per-test transactions, so each test still rolls back its own changes, and removed afterwards
so that other test modules start from an empty database.
"""

import io

import pytest
from django.core.management import call_command

from networks.models import HelpLine, Network, PostalCode, Region


def remove_reference_data() -> None:
    Network.objects.all().delete()
    HelpLine.objects.all().delete()
    PostalCode.objects.all().delete()
    Region.objects.exclude(parent=None).delete()
    Region.objects.all().delete()


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        remove_reference_data()
