"""Template tags for the site shell: language alternates and absolute URLs."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[dict]:
    """The current page in every configured language.

    A view may pass `language_urls` ({code: url or None}) when the page's other
    languages are not a plain URL translation (an article links to its own
    translations); a language mapped to None has no version of this page.
    """
    request = context.get("request")
    overrides = context.get("language_urls")
    current = translation.get_language()
    path = request.get_full_path() if request else "/"
    links = []
    for code, name in settings.LANGUAGES:
        if overrides is not None:
            url = overrides.get(code)
        else:
            url = translate_url(path, code)
        with translation.override(code):
            native = str(translation.get_language_info(code)["name_local"])
        links.append(
            {
                "code": code,
                "name": native,
                "label": name,
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """An absolute URL for canonical links, feeds and JSON-LD."""
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path
