"""The blocks editors place in an article body with `[[name key=value]]` (see rendering.py)."""

from importlib.util import find_spec
from urllib.parse import urlencode

from django.db.models import Case, Q, Value, When
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from directory.models import Group, Theme
from networks.models import Network, Region

from .rendering import Shortcode

BLOCK_TEMPLATES = {
    "networks": "articles/blocks/networks.html",
    "groups": "articles/blocks/groups.html",
    "helplines": "articles/blocks/helplines.html",
    "orientation": "articles/blocks/orientation.html",
}


def has_networks_helplines_tag() -> bool:
    """True once the networks app ships `{% helplines_short %}` in `networks_tags`."""
    if find_spec("networks.templatetags") is None:
        return False
    if find_spec("networks.templatetags.networks_tags") is None:
        return False
    from networks.templatetags import networks_tags

    return "helplines_short" in networks_tags.register.tags


def child_networks_by_region() -> list[dict]:
    """The child and adolescent networks, one line per region of the map, sorted by name."""
    networks = Network.objects.for_children().with_regions()
    rows = []
    for network in networks:
        regions = [r for r in network.regions.all() if r.kind != Region.Kind.COMMUNITY]
        also = [r for r in network.regions.all() if r.kind == Region.Kind.COMMUNITY]
        for region in regions:
            rows.append({"region": region, "network": network, "also": also})
    return sorted(rows, key=lambda row: row["region"].name.casefold())


def pick_groups(groups, limit: int) -> list:
    """Up to `limit` groups, those speaking the page's language first, soonest first."""
    speaks = Q(languages__any=[translation.get_language()])
    ranked = groups.for_cards().annotate(
        language_rank=Case(When(speaks, then=Value(0)), default=Value(1))
    )
    return list(ranked.order_by("language_rank", "next_session_on", "-published_at", "pk")[:limit])


def group_rows(groups) -> list[dict]:
    """Groups with their page's URL (the group list while the directory has no detail page)."""
    rows = []
    for group in groups:
        try:
            url = group.get_absolute_url()
        except NoReverseMatch:
            url = reverse("directory:group_list")
        rows.append({"group": group, "url": url})
    return rows


class BlockRenderer:
    """Renders the blocks of one article page (one instance per request)."""

    GROUPS_SHOWN = 3

    def __init__(self, request=None, article=None, prefix: str = "block"):
        self.request = request
        self.article = article
        self.prefix = prefix
        self.count = 0

    def __call__(self, code: Shortcode) -> str:
        self.count += 1
        context = {
            "params": code.params,
            "block_id": f"{self.prefix}-{code.name}-{self.count}",
            "request": self.request,
            "article": self.article,
            "LANGUAGE_CODE": translation.get_language(),
        }
        context.update(getattr(self, f"context_{code.name}")(code.params))
        template = BLOCK_TEMPLATES[code.name]
        if code.name == "helplines" and context["use_networks_tag"]:
            template = "articles/blocks/helplines_networks.html"
        return render_to_string(template, context, request=self.request)

    def context_networks(self, params) -> dict:
        return {"rows": child_networks_by_region()}

    def context_groups(self, params) -> dict:
        filters = {
            key: params[key] for key in ("theme", "audience", "kind", "format") if key in params
        }
        theme = Theme.objects.filter(slug=filters.get("theme", "")).first()
        groups = Group.objects.published()
        if theme is not None:
            groups = groups.for_theme(theme)
        if "audience" in filters:
            groups = groups.for_audience(filters["audience"])
        if "kind" in filters:
            groups = groups.of_kind(filters["kind"])
        if "format" in filters:
            groups = groups.with_format(filters["format"])
        return {
            "filters": filters,
            "query": urlencode(filters),
            "theme": theme,
            "groups": group_rows(pick_groups(groups, self.GROUPS_SHOWN)),
        }

    def context_helplines(self, params) -> dict:
        return {"use_networks_tag": has_networks_helplines_tag()}

    def context_orientation(self, params) -> dict:
        from .forms import OrientationForm

        return {"form": OrientationForm(auto_id=f"{self.prefix}-orientation-%s")}
