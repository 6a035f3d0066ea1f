"""Template tags of the networks app: the short help-lines box and small display filters.

{% load networks_tags %}
{% helplines_short %}              112 and the one or two lines answering in the page's language
{% data_credits %}                 the attribution the map and postal-code data's licence asks for
{{ network.phone|tel }}            "+32 2 209 16 36" -> "+3222091636" (for tel: links)
{{ network.website|display_url }}  "https://www.bru-stars.be/" -> "bru-stars.be"
"""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils import translation

from networks.models import HelpLine

register = template.Library()

# After 112, the short box shows first the line for a crisis, then the one for a talk.
SHORT_KINDS = (HelpLine.Kind.SUICIDE, HelpLine.Kind.LISTENING)


@register.inclusion_tag("networks/includes/helplines_short.html", takes_context=True)
def helplines_short(context, limit: int = 2) -> dict:
    """112 plus up to `limit` lines (for adults) answering in the current language."""
    language = (translation.get_language() or "fr")[:2]
    lines = list(HelpLine.objects.filter(kind__in=[HelpLine.Kind.EMERGENCY, *SHORT_KINDS]))
    emergency = [line for line in lines if line.kind == HelpLine.Kind.EMERGENCY]
    own = [
        line
        for line in lines
        if line.kind != HelpLine.Kind.EMERGENCY
        and line.audience == HelpLine.Audience.EVERYONE
        and line.answers_in(language)
    ]
    own.sort(key=lambda line: (SHORT_KINDS.index(line.kind), line.order))
    return {"emergency": emergency[:1], "lines": own[:limit], "request": context.get("request")}


@register.inclusion_tag("networks/includes/data_credits.html")
def data_credits() -> dict:
    """CC BY 4.0 credits for the boundaries and postal codes, and the tiles' when they are on."""
    return {
        "tiles_on": bool(settings.MAP_TILES_URL),
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
    }


@register.filter
def tel(number: str) -> str:
    """A phone number as a tel: target: digits and a leading +."""
    return "".join(ch for ch in (number or "") if ch.isdigit() or ch == "+")


@register.filter
def display_url(url: str) -> str:
    """A web address without scheme, 'www.' and trailing slash, for link text."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    text = host + path
    if parts.query:
        text += "?" + parts.query
    return text
