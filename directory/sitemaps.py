from django.contrib.sitemaps import Sitemap

from .models import Group, Professional


class GroupSitemap(Sitemap):
    """Published groups only, in each language."""

    changefreq = "weekly"
    priority = 0.8
    i18n = True
    alternates = True
    x_default = True
    limit = 5000  # 4 languages per item: stays under the 50,000 URLs a sitemap may hold

    def items(self):
        return Group.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, group):
        return group.updated_at


class ProfessionalSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Professional.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, professional):
        return professional.updated_at
