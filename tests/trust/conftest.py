import pytest
from django.db import transaction

from .pages import load_demo_pages, practitioner_user


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """The demo content, loaded once per module and rolled back after it: {type: URL}."""
    with django_db_blocker.unblock(), transaction.atomic():
        urls = load_demo_pages()
        practitioner_user()
        yield urls
        transaction.set_rollback(True)


@pytest.fixture
def practitioner(pages, db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(professional__slug="trust-practitioner")
