"""Project-level pages: home, health check, robots.txt and the static content pages."""

from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

# The same words as the default meta description in base.html.
SITE_DESCRIPTION = _(
    "Find a support group or a group therapy near you or online, and the mental-health "
    "network of your region, in Belgium."
)


class HomeView(TemplateView):
    """What the site is for, and the four ways in: groups, networks, the guide, help."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(json_ld=site_json_ld(self.request), **kwargs)


def site_json_ld(request) -> list[dict]:
    """schema.org WebSite (with the group search as its SearchAction) and Organization."""
    home = request.build_absolute_uri(reverse("home"))
    search = request.build_absolute_uri(reverse("directory:group_list"))
    organization = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": f"{home}#organization",
        "name": "Healing Together",
        "url": home,
        "logo": request.build_absolute_uri(static("img/favicon.svg")),
        "description": str(SITE_DESCRIPTION),
        "areaServed": {"@type": "Country", "name": "Belgium"},
    }
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "@id": f"{home}#website",
        "name": "Healing Together",
        "url": home,
        "inLanguage": get_language(),
        "description": str(SITE_DESCRIPTION),
        "publisher": {"@id": organization["@id"]},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    return [website, organization]


class PrivacyView(TemplateView):
    """What is stored, why and for how long (the figures come from settings)."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            CONTACT_RETENTION_DAYS=settings.CONTACT_MESSAGE_RETENTION_DAYS, **kwargs
        )


class AboutView(TemplateView):
    template_name = "about.html"


@transaction.non_atomic_requests  # the check must open its own connection
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@transaction.non_atomic_requests
@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/practitioners/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
