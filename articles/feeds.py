"""RSS 2.0 and Atom 1.0 feeds of the published articles, one pair per language."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .models import Article

FEED_SIZE = 20


class ArticleRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        # The feed's "object" is its language: the URL prefix chose it (Django also writes
        # the active language into the feed's <language> / xml:lang).
        return translation.get_language()

    def title(self, language):
        return _("Healing Together: articles")

    def description(self, language):
        return _("Guides and articles for parents: support groups, networks, where to start.")

    subtitle = description

    def link(self, language):
        return reverse("articles:article_list")

    def feed_url(self, language):
        return reverse("articles:article_feed")

    def items(self, language):
        articles = Article.objects.published().in_language(language).defer("body")
        return articles.order_by("-publish_at", "-pk")[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.modified_at

    def item_author_name(self, item: Article) -> str:
        return item.author_name or "Healing Together"


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = Atom1Feed

    def feed_url(self, language):
        return reverse("articles:article_feed_atom")
