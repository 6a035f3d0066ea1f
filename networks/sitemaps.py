from django.contrib.sitemaps import Sitemap

from .models import Network


class NetworkSitemap(Sitemap):
    """Every network page, in each language, with hreflang alternates."""

    changefreq = "monthly"
    priority = 0.7
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Network.objects.order_by("slug")

    def lastmod(self, network):
        return network.last_checked
