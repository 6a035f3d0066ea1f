"""Template tags for the site shell: language alternates, absolute URLs, JSON-LD."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html

# One escaping helper for every schema.org block on the site (directory owns it).
from directory.jsonld import as_script_data, breadcrumbs

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


@register.simple_tag
def json_ld(data) -> str:
    """A `<script type="application/ld+json">` element for `data` (a dict or a list).

    `<`, `>` and `&` inside the JSON are written as unicode escapes, so no value (a group
    title, an article summary) can close the element. CSP does not apply: it is data.
    """
    if not data:
        return ""
    return format_html('<script type="application/ld+json">{}</script>', as_script_data(data))


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, *trail) -> str:
    """schema.org BreadcrumbList for a page's breadcrumbs, as a JSON-LD element.

    `trail` alternates names and paths, from the home page to the page itself:
    `{% breadcrumbs_json_ld home_label home_url network.short_name request.path %}`.
    """
    if len(trail) % 2:
        raise template.TemplateSyntaxError("breadcrumbs_json_ld takes name/path pairs.")
    items = [
        (str(name), absolute_url(context, str(path)))
        for name, path in zip(trail[::2], trail[1::2], strict=True)
    ]
    return json_ld(breadcrumbs(items))


@register.simple_tag(takes_context=True)
def nav_current(context, page: str, *section: str, path_part: str = "") -> str:
    """` aria-current="page"` on the navigation link of the page being shown, and
    ` aria-current="true"` on the link of its section (a group page is in "Find a group").

    `page` and `section` are view names; `path_part` also marks as "in the section" every page
    whose path contains it (the practitioner space: "/practitioners/").
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or match is None:
        return ""
    if match.view_name == page:
        return format_html(' aria-current="{}"', "page")
    if match.view_name in section or (path_part and path_part in request.path):
        return format_html(' aria-current="{}"', "true")
    return ""
