"""RSS 2.0 and Atom 1.0 feeds of a search: groups newly published or with a new cycle.

`/xx/groups/feed/?<the search's filters>`: the same parameters as the search page, so
"Follow this search" only has to change the path.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from . import alerts, presentation
from .models import Group

FEED_SIZE = 30


class GroupRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        # The feed's "object" is the normalised search.
        return alerts.normalize_query(request.GET)

    def title(self, query: str) -> str:
        filters = alerts.describe(query)
        if not filters:
            return _("Healing Together: new groups")
        return _("Healing Together: new groups · %(filters)s") % {"filters": ", ".join(filters)}

    def description(self, query: str) -> str:
        return _("Support groups newly published, or announcing a new cycle, for this search.")

    subtitle = description

    def link(self, query: str) -> str:
        return alerts.search_url(query)

    def feed_url(self, query: str) -> str:
        return self._feed_path("data:group_feed", query)

    @staticmethod
    def _feed_path(name: str, query: str) -> str:
        path = reverse(name)
        return f"{path}?{query}" if query else path

    def items(self, query: str):
        return alerts.new_groups(query, limit=FEED_SIZE)

    def item_title(self, item: Group) -> str:
        if item.new_cycle_at and item.news_at == item.new_cycle_at:
            return _("New cycle: %(title)s") % {"title": item.title}
        return item.title

    def item_description(self, item: Group) -> str:
        parts = [
            item.summary,
            presentation.place_text(item),
            presentation.next_text(item),
            presentation.price_text(item),
        ]
        return " · ".join(part for part in parts if part)

    def item_link(self, item: Group) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Group) -> str:
        # A new cycle is a new item for feed readers.
        return f"{item.get_absolute_url()}#{item.news_at.isoformat()}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Group):
        return item.news_at

    def item_updateddate(self, item: Group):
        return item.updated_at

    def item_author_name(self, item: Group) -> str:
        return item.owner.name

    def item_categories(self, item: Group) -> list[str]:
        return [theme.name for theme in item.themes.all()]


class GroupAtomFeed(GroupRssFeed):
    feed_type = Atom1Feed

    def feed_url(self, query: str) -> str:
        return self._feed_path("data:group_feed_atom", query)
