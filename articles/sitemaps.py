from django.contrib.sitemaps import Sitemap

from .models import Article


class ArticleSitemap(Sitemap):
    """Published articles; each exists in its own language, so no i18n expansion."""

    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Article.objects.published().order_by("language", "-publish_at")

    def lastmod(self, article):
        return article.updated_at
