"""Project-level pages: home, health check, robots.txt and the static content pages."""

from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView


class HomeView(TemplateView):
    """What the site is for, and the four ways in: groups, networks, the guide, help."""

    template_name = "home.html"


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
