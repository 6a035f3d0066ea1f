"""The networks map and list, the postal-code lookup, a network's page, and Help now."""

import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy
from django.views.generic import DetailView, TemplateView

from .forms import PostcodeForm
from .models import HelpLine, Network, PostalCode, Region


def sort_key(text: str) -> str:
    """Alphabetical order that ignores accents and case (Liège before Limbourg)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass
class RegionEntry:
    """A region with the networks that serve it (and, for Liège, the German-speaking Community)."""

    region: Region
    children: list[Network] = field(default_factory=list)
    adults: list[Network] = field(default_factory=list)
    overlays: list["RegionEntry"] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.region.code


def region_entries() -> tuple[list[RegionEntry], dict[str, RegionEntry]]:
    """The 11 map regions in alphabetical order, each with its networks; 3 queries in all."""
    regions = list(Region.objects.all())
    networks = Network.objects.with_regions().order_by("short_name")
    entries = {region.code: RegionEntry(region) for region in regions}
    for network in networks:
        for region in network.regions.all():
            entry = entries[region.code]
            (entry.children if network.is_for_children else entry.adults).append(network)
    for region in regions:
        if region.parent_id is not None:
            parent = next(r for r in regions if r.pk == region.parent_id)
            entries[parent.code].overlays.append(entries[region.code])
    on_map = [entries[r.code] for r in regions if r.kind != Region.Kind.COMMUNITY]
    on_map.sort(key=lambda entry: sort_key(entry.region.name))
    return on_map, entries


def map_settings() -> dict:
    """Tile layer settings for the map script; no tiles when MAP_TILES_URL is empty."""
    return {
        "tilesUrl": settings.MAP_TILES_URL,
        "tilesAttribution": settings.MAP_TILES_ATTRIBUTION if settings.MAP_TILES_URL else "",
        "regionsUrl": static("geo/be_regions.geojson"),
        "communityUrl": static("geo/be_dg.geojson"),
        "dataAttribution": "© NGI-IGN, Statbel, GeoNames (CC BY 4.0)",
    }


@dataclass
class PostcodeResult:
    postal_code: PostalCode
    entry: RegionEntry
    community: RegionEntry | None


class NetworkListView(TemplateView):
    """The map of the 11 regions, the same information as a list, and the postal-code box."""

    template_name = "networks/network_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on_map, entries = region_entries()
        form = PostcodeForm(self.request.GET) if "postcode" in self.request.GET else PostcodeForm()
        result = None
        not_found = None
        if form.is_bound and form.is_valid():
            code = form.cleaned_data["postcode"]
            postal_code = PostalCode.objects.lookup(code)
            if postal_code is None:
                not_found = code
            else:
                community = None
                if postal_code.in_german_community:
                    community = next(
                        (e for e in entries.values() if e.region.kind == Region.Kind.COMMUNITY),
                        None,
                    )
                result = PostcodeResult(postal_code, entries[postal_code.region.code], community)
        map_data = {
            **map_settings(),
            "selected": result.entry.code if result else "",
            "regions": {
                entry.code: {
                    "name": entry.region.name,
                    "network": ", ".join(n.short_name for n in entry.children),
                }
                for entry in on_map
            },
            "community": next(
                (
                    {"code": e.code, "name": e.region.name}
                    for e in entries.values()
                    if e.region.kind == Region.Kind.COMMUNITY
                ),
                None,
            ),
            "labels": {
                "map": _("Map of Belgium's provinces and the Brussels-Capital Region"),
                "region": _("%(region)s: %(network)s"),
                "community": _("%(region)s (inside the province of Liège)"),
                "shown": _("%(region)s: %(network)s. Its details are shown with the map."),
                "loadError": _(
                    "The map could not be loaded. The list below has the same information."
                ),
            },
        }
        context.update(
            {
                "entries": on_map,
                "form": form,
                "typed": form.typed_value(),
                "result": result,
                "not_found": not_found,
                "map_data": map_data,
                "tiles_on": bool(settings.MAP_TILES_URL),
                "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
            }
        )
        return context


class NetworkDetailView(DetailView):
    """One network: names, regions (small map), offers, contact, sources, last checked."""

    model = Network
    template_name = "networks/network_detail.html"
    context_object_name = "network"

    def get_object(self, queryset=None):
        return get_object_or_404(Network.objects.with_regions(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        network = self.object
        regions = sorted(network.regions.all(), key=lambda r: (r.kind == "community", r.name))
        # The other audience's networks in the same regions (children <-> adults).
        other_audience = (
            Network.Audience.ADULTS if network.is_for_children else Network.Audience.CHILDREN
        )
        counterparts = list(
            Network.objects.filter(audience=other_audience, regions__in=regions)
            .distinct()
            .order_by("short_name")
        )
        offers, offers_language = network.localized_offers()
        phone_note, phone_note_language = network.localized_phone_note()
        context.update(
            {
                "regions": regions,
                "counterparts": counterparts,
                "offers": offers,
                "offers_language": offers_language,
                "phone_note": phone_note,
                "phone_note_language": phone_note_language,
                "has_contact": bool(
                    network.website or network.phone or network.email or network.address
                ),
                "map_data": {
                    **map_settings(),
                    "covered": [region.code for region in regions],
                    "labels": {
                        "map": _("Map: the regions %(network)s covers")
                        % {"network": network.short_name},
                    },
                },
                "tiles_on": bool(settings.MAP_TILES_URL),
                "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
                "json_ld": network_json_ld(self.request, network, regions),
            }
        )
        return context


def network_json_ld(request, network: Network, regions: list[Region]) -> dict:
    """schema.org Organization for a network page (only the facts the page shows)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": network.name,
        "url": request.build_absolute_uri(network.get_absolute_url()),
        "areaServed": [{"@type": "AdministrativeArea", "name": r.name} for r in regions],
    }
    if network.short_name != network.name:
        data["alternateName"] = network.short_name
    if network.website:
        data["sameAs"] = [network.website]
    if network.phone:
        data["telephone"] = network.phone
    if network.email:
        data["email"] = network.email
    if network.address:
        data["address"] = " ".join(network.address.split())
    return data


def help_sections(language: str) -> dict:
    """Help lines in the order a person in distress needs them: 112, own language, the rest."""
    lines = list(HelpLine.objects.all())
    emergency = [line for line in lines if line.kind == HelpLine.Kind.EMERGENCY]
    others = [line for line in lines if line.kind != HelpLine.Kind.EMERGENCY]
    mine = [line for line in others if line.answers_in(language)]
    return {
        "emergency": emergency,
        "own_language": [line for line in mine if line.audience == HelpLine.Audience.EVERYONE],
        "young_people": [line for line in mine if line.audience == HelpLine.Audience.CHILDREN],
        "other_languages": [line for line in others if not line.answers_in(language)],
    }


# One sentence per language, so that each reads naturally once translated.
OWN_LANGUAGE_TITLES = {
    "fr": gettext_lazy("Lines that answer in French"),
    "nl": gettext_lazy("Lines that answer in Dutch"),
    "de": gettext_lazy("Lines that answer in German"),
    "en": gettext_lazy("Lines that answer in English"),
}


class HelpView(TemplateView):
    """Help now: 112 first, then the lines answering in the visitor's language."""

    template_name = "networks/help.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = (translation.get_language() or "fr")[:2]
        context.update(help_sections(language))
        context["own_language_title"] = OWN_LANGUAGE_TITLES.get(language, "")
        return context
