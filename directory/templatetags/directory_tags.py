"""Template tags of the directory.

{% load directory_tags %}
{% region_groups region limit=6 %}   published groups of a region (or a list of regions), soonest
                                      first, as cards, with a link to the full search
{{ group|next_text }}                 "Next session: Tuesday 3 March, 19:30"
{{ group|schedule_text }}             "Every Tuesday, 19:30-21:00"
{{ group|price_text }}                "Free", "€15 per session"...
{{ group|place_text }}                "Namur", "Online", "Namur and online"
{{ group|availability_text }}         places left, waiting list, newcomers, intake deadline
{{ group|labels:"audiences" }}        translated labels of a choice set, joined with ", "
{{ km|distance }}                     "3.2 km" / "less than 1 km"
"""

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from networks.models import Region

from .. import presentation
from ..models import Group

register = template.Library()


@register.inclusion_tag("directory/includes/region_groups.html")
def region_groups(region, limit: int = 6) -> dict:
    """Published groups meeting in a region (or any of several), soonest first."""
    regions = (
        list(region) if isinstance(region, Iterable) and not isinstance(region, str) else [region]
    )
    regions = [r for r in regions if r]
    groups = []
    if regions:
        groups = list(
            Group.objects.published()
            .in_region(*regions)
            .for_cards()
            .soonest_first()[: max(int(limit), 1)]
        )
    codes = [getattr(r, "code", r) for r in regions]
    query = "&".join(f"region={code}" for code in codes)
    return {
        "groups": groups,
        "regions": [r for r in regions if isinstance(r, Region)],
        "search_url": f"{reverse('directory:group_list')}?{query}" if query else "",
        "online_url": f"{reverse('directory:group_list')}?format=online",
    }


@register.simple_tag
def filter_options(name: str, options) -> str:
    """The checkboxes of one filter group: the search page has 80 of them, so they are
    rendered here in plain Python rather than by a template loop (several times faster)."""
    name = escape(name)
    return mark_safe(  # every value and label is escaped just below
        "".join(
            f'<li><label class="choice"><input type="checkbox" name="{name}" '
            f'value="{escape(value)}"{" checked" if checked else ""}> {escape(label)}</label></li>'
            for value, label, checked in options
        )
    )


@register.filter
def next_text(group: Group) -> str:
    return presentation.next_text(group)


@register.filter
def schedule_text(group: Group) -> str:
    return presentation.schedule_summary(group)


@register.filter
def price_text(group: Group) -> str:
    return presentation.price_text(group)


@register.filter
def place_text(group: Group) -> str:
    return presentation.place_text(group)


@register.filter
def availability_text(group: Group) -> str:
    return presentation.availability_text(group)


@register.filter
def session_text(session) -> str:
    return presentation.session_text(session)


@register.filter
def labels(obj, field: str) -> str:
    return ", ".join(str(label) for label in getattr(obj, f"get_{field}_labels")())


@register.filter
def distance(km) -> str:
    if km is None:
        return ""
    if km < 1:
        return _("less than 1 km")
    value = number_format(round(km, 1), decimal_pos=1) if km < 10 else str(round(km))
    return _("%(km)s km") % {"km": value}
