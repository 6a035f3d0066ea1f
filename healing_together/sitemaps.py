from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils.module_loading import import_string

from directory.sitemaps import GroupSitemap, ProfessionalSitemap
from networks.sitemaps import NetworkSitemap

# Nothing imports `articles` (the top layer); the project wires it by dotted path, as the
# URLconf does with include("articles.urls").
ArticleSitemap = import_string("articles.sitemaps.ArticleSitemap")


class PageSitemap(Sitemap):
    """The fixed pages of the site, in each language."""

    changefreq = "weekly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "home",
            "directory:group_list",
            "networks:network_list",
            "networks:help",
            "articles:article_list",
            "articles:orientation",
            "about",
            "privacy",
        ]

    def location(self, name):
        return reverse(name)

    def priority(self, name):
        return 1.0 if name == "home" else 0.6


SITEMAPS = {
    "pages": PageSitemap,
    "networks": NetworkSitemap,
    "groups": GroupSitemap,
    "professionals": ProfessionalSitemap,
    "articles": ArticleSitemap,
}
