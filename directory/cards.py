"""Result cards, rendered once and reused from the cache.

A card is most of a search page's rendering time (20 per page, a dozen translated labels
and computed sentences each) and changes only when its group or organiser is saved, when
the date or language changes, or with the visitor's distance. So cards are cached under a
key made of exactly those facts (plus a hash of the card template, so a deploy never serves
old markup), fetched together with one `get_many`. A cache outage only means rendering.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import Group
from .schedule import today

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "directory/includes/group_card.html"
CARD_TIMEOUT = 30 * 60  # the "next session" line may move on during the day


@lru_cache(maxsize=1)
def _template_version() -> str:
    source = getattr(get_template(CARD_TEMPLATE).template, "source", "")
    return hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:10]


def card_key(group: Group, heading: str) -> str:
    distance = group.distance_km
    return ":".join(
        [
            "dir-card",
            _template_version(),
            str(group.pk),
            group.updated_at.isoformat() if group.updated_at else "",
            group.owner.updated_at.isoformat() if group.owner.updated_at else "",
            get_language() or "",
            today().isoformat(),
            "" if distance is None else f"{distance:.1f}",
            heading,
        ]
    )


def render_cards(groups, heading: str = "h3", extra=None) -> list[tuple[Group, str, object]]:
    """(group, card HTML, extra data) for each group, in order.

    `extra(group)` computes data cached along with the card (the map marker), for the same
    reasons and under the same key.
    """
    keyed = [(card_key(group, heading), group) for group in groups]
    try:
        cached = cache.get_many([key for key, _ in keyed])
    except Exception:  # a cache outage must not break the page
        logger.warning("Card cache unavailable", exc_info=True)
        cached = {}
    fresh = {}
    for key, group in keyed:
        if key not in cached:
            html = render_to_string(CARD_TEMPLATE, {"group": group, "heading": heading})
            fresh[key] = (str(html), extra(group) if extra else None)
    if fresh:
        try:
            cache.set_many(fresh, timeout=CARD_TIMEOUT)
        except Exception:
            logger.warning("Card cache unavailable", exc_info=True)
    cards = []
    for key, group in keyed:
        html, data = cached.get(key) or fresh[key]
        # Markup this module rendered itself (the cache stores it as plain text).
        cards.append((group, mark_safe(html), data))
    return cards
