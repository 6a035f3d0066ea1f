"""The themes and regions behind the search form, cached: they change a few times a year,
and every search page (and the follow-this-search box) needs both lists."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

CACHE_KEY = "directory:search-reference:1"
TIMEOUT = 60 * 60


def search_reference():
    """(themes, regions): every Theme and Region, from the cache when it has them."""
    from networks.models import Region

    from .models import Theme

    try:
        cached = cache.get(CACHE_KEY)
    except Exception:  # a cache outage only costs the two queries
        logger.warning("Cache unavailable for the search reference lists", exc_info=True)
        cached = None
    if cached is not None:
        return cached
    data = (list(Theme.objects.all()), list(Region.objects.all()))
    try:
        cache.set(CACHE_KEY, data, TIMEOUT)
    except Exception:
        logger.warning("Cache unavailable for the search reference lists", exc_info=True)
    return data


def forget(**kwargs) -> None:
    """Drop the cached lists now and again once the transaction commits."""

    def drop():
        try:
            cache.delete(CACHE_KEY)
        except Exception:
            logger.warning("Cache unavailable for the search reference lists", exc_info=True)

    drop()
    transaction.on_commit(drop)
