"""Root URLconf: public pages under a language prefix (/fr/, /nl/, /en/, /de/)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = "Healing Together"
admin.site.site_title = "Healing Together"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # An index of per-section sitemaps: 100k groups in 4 languages need several pages.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # Editors' bulk import and export, beside the admin's own pages.
    path("admin/directory/", include("directory.admin_import_urls")),
    # Editors work in the admin in the language their browser asks for.
    path("admin/", admin.site.urls),
    # The open HSDS API: one address for every language (texts follow ?lang=).
    path("api/hsds/", include("directory.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("", include("networks.urls")),
    # Feeds, alerts and the developer page (before directory.urls: groups/feed/ is no slug).
    path("", include("directory.data_urls")),
    path("", include("directory.urls")),
    path("", include("articles.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
