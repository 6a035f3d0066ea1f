"""Template helpers for following a search (feeds and email alerts)."""

from django import template
from django.urls import reverse

from ..alerts import normalize_query

register = template.Library()


@register.simple_tag
def follow_links(filterset) -> dict:
    """The feed and alert addresses of the search `filterset` shows."""
    query = normalize_query(filterset.data) if filterset is not None else ""
    suffix = f"?{query}" if query else ""
    return {
        "query": query,
        "rss": reverse("data:group_feed") + suffix,
        "atom": reverse("data:group_feed_atom") + suffix,
        "alert": reverse("data:alert_new") + suffix,
    }
