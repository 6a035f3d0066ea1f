"""The OpenAPI document (JSON) and the developer page (HTML, in the site's languages)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.views.generic import TemplateView

from ..models import Theme
from . import ids
from .http import Result, endpoint
from .openapi import document


def _developers_url() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("data:developers")


@endpoint
def openapi_json(request):
    return Result(document(_developers_url()))


class DevelopersView(TemplateView):
    """What the API offers, how to filter, examples, the licence of the data."""

    template_name = "directory/developers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = settings.SITE_URL + reverse("api:root").rstrip("/")
        theme = Theme.objects.order_by("order", "slug").first()
        context.update(
            api_base=base,
            openapi_url=settings.SITE_URL + reverse("api:openapi"),
            example_theme=theme.slug if theme else "adhd",
            example_term_id=ids.make(ids.TERM_THEME, theme.pk) if theme else "",
            language=translation.get_language(),
        )
        return context
