"""Shared fixtures for the whole suite."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (page cache, rate limits)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    """Requests without a language prefix resolve to French, as for a real visitor."""
    settings.LANGUAGE_CODE = "fr"
