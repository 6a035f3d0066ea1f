"""The group search: query parameters, their values, and how they combine.

The parameter names and values are a public contract (other sites and the orientation link
to search URLs), so they must not change:

==========  =================================================================================
``q``       words (title, summary, description, themes, place); accent/case-insensitive
``theme``   a theme slug (``adhd``)
``kind``    ``support`` | ``therapy`` | ``psychoeducation`` | ``peer``
``audience`` ``parents`` | ``couples`` | ``families`` | ``teenagers`` | ``children`` |
            ``adults`` | ``seniors`` | ``siblings`` | ``carers``
``child_age`` ``0-3`` | ``4-11`` | ``12-17`` | ``18-23``
``format``  ``in_person`` | ``online`` | ``hybrid``
``region``  a region code (``BRU``, ``LIE``... and ``DG`` for the German-speaking Community)
``language`` ``fr`` | ``nl`` | ``de`` | ``en`` | ``lsfb`` | ``vgt``
``free``    ``on``
``day``     ISO weekday, ``1`` (Monday) to ``7``
``postcode`` a Belgian postal code; with ``radius`` (km, default 25) keeps groups within reach
``sort``    ``soonest`` | ``nearest`` | ``newest``
``page``    page number
==========  =================================================================================

Several values of one key combine with OR (``?theme=adhd&theme=autism``), different keys
with AND. Values that are not understood are dropped and reported (``notices``): a shared
link with a typo still shows results, with a sentence saying what was ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy as _

from networks.models import PostalCode

from .models import Group, Theme
from .reference import search_reference
from .text import MAX_QUERY_LENGTH

DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 300
RADIUS_CHOICES = [5, 10, 25, 50, 100]
# More values than this for one key is not a person using the form.
MAX_VALUES_PER_KEY = 30


class Sort:
    SOONEST = "soonest"
    NEAREST = "nearest"
    NEWEST = "newest"
    choices = [
        (SOONEST, _("Next session first")),
        (NEAREST, _("Nearest first")),
        (NEWEST, _("Newest first")),
    ]


WEEKDAY_CHOICES = [(str(value), label) for value, label in Group.Weekday.choices]
POSTCODE_RE = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Chip:
    """An active filter value, with the search URL that removes it."""

    key: str
    value: str
    label: str
    remove_url: str


class GroupFilterSet(django_filters.FilterSet):
    """Filters of the search page; each one calls a `GroupQuerySet` method."""

    q = django_filters.CharFilter(
        label=_("Search words"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    postcode = django_filters.CharFilter(
        label=_("Postal code"),
        method="filter_postcode",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 4}
        ),
    )
    radius = django_filters.TypedChoiceFilter(
        label=_("Within"),
        choices=[(str(km), _("%(km)s km") % {"km": km}) for km in RADIUS_CHOICES],
        method="filter_nothing",  # applied together with postcode
        coerce=int,
    )
    format = django_filters.MultipleChoiceFilter(
        label=_("Format"),
        choices=Group.Format.choices,
        method="filter_format",
        widget=forms.CheckboxSelectMultiple,
    )
    theme = django_filters.MultipleChoiceFilter(
        label=_("Themes"),
        choices=[],  # the themes table, set in __init__
        method="filter_theme",
        widget=forms.CheckboxSelectMultiple,
    )
    audience = django_filters.MultipleChoiceFilter(
        label=_("For whom"),
        choices=Group.Audience.choices,
        method="filter_audience",
        widget=forms.CheckboxSelectMultiple,
    )
    child_age = django_filters.MultipleChoiceFilter(
        label=_("Age of the child"),
        choices=Group.ChildAge.choices,
        method="filter_child_age",
        widget=forms.CheckboxSelectMultiple,
    )
    language = django_filters.MultipleChoiceFilter(
        label=_("Language"),
        choices=Group.Language.choices,
        method="filter_language",
        widget=forms.CheckboxSelectMultiple,
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind of group"),
        choices=Group.Kind.choices,
        method="filter_kind",
        widget=forms.CheckboxSelectMultiple,
    )
    region = django_filters.MultipleChoiceFilter(
        label=_("Region"),
        choices=[],  # the regions table, set in __init__
        method="filter_region",
        widget=forms.CheckboxSelectMultiple,
    )
    day = django_filters.MultipleChoiceFilter(
        label=_("Day of the week"),
        choices=WEEKDAY_CHOICES,
        method="filter_day",
        widget=forms.CheckboxSelectMultiple,
    )
    free = django_filters.BooleanFilter(
        label=_("Free groups only"), method="filter_free", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=Sort.choices, method="filter_nothing", empty_label=None
    )

    MULTI_KEYS = ("format", "theme", "audience", "child_age", "language", "kind", "region", "day")

    class Meta:
        model = Group
        fields: list[str] = []

    def __init__(
        self, data=None, queryset=None, *, request=None, prefix=None, themes=None, regions=None
    ):
        # The lists come from the cache (directory/reference.py) unless given.
        if themes is None or regions is None:
            cached_themes, cached_regions = search_reference()
            themes = cached_themes if themes is None else themes
            regions = cached_regions if regions is None else regions
        self.themes = list(themes)
        self.regions = sorted(regions, key=lambda r: str(r.name))
        self.notices: list[str] = []
        self.postal_code: PostalCode | None = None
        self.radius_km: int | None = None
        data = self._sanitize(data if data is not None else QueryDict())
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["theme"].extra["choices"] = [(t.slug, t.name) for t in self.themes]
        self.filters["region"].extra["choices"] = [(r.code, r.name) for r in self.regions]

    # --- input clean-up: unknown values become notices, never errors ---------------------
    def _sanitize(self, data: QueryDict) -> QueryDict:
        known = {
            "format": dict(Group.Format.choices),
            "theme": {theme.slug: theme.name for theme in self.themes},
            "audience": dict(Group.Audience.choices),
            "child_age": dict(Group.ChildAge.choices),
            "language": dict(Group.Language.choices),
            "kind": dict(Group.Kind.choices),
            "region": {region.code: region.name for region in self.regions},
            "day": dict(WEEKDAY_CHOICES),
        }
        clean = QueryDict(mutable=True)
        for key in self.MULTI_KEYS:
            values = []
            for value in data.getlist(key)[:MAX_VALUES_PER_KEY]:
                value = value.strip()
                if key == "region":
                    value = value.upper()
                if not value:
                    continue
                if value not in known[key]:
                    self._ignored(self.base_filters[key].label, value)
                elif value not in values:
                    values.append(value)
            if values:
                clean.setlist(key, values)

        # Control characters mean nothing in a search and cannot go into XML (feeds).
        raw = "".join(ch for ch in data.get("q", "") if ch.isspace() or ch.isprintable())
        query = " ".join(raw.split())
        if len(query) > MAX_QUERY_LENGTH:
            query = query[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or query[:MAX_QUERY_LENGTH]
            self.notices.append(
                gettext("Your search words were shortened to %(count)d characters.")
                % {"count": MAX_QUERY_LENGTH}
            )
        if query:
            clean["q"] = query

        free = data.get("free", "").strip().lower()
        if free in {"on", "1", "true", "yes"}:
            clean["free"] = "on"
        elif free:
            self._ignored(self.base_filters["free"].label, free)

        postcode = data.get("postcode", "").strip().replace(" ", "")
        if postcode:
            self.postal_code = (
                PostalCode.objects.lookup(postcode) if POSTCODE_RE.match(postcode) else None
            )
            if self.postal_code is None:
                self.notices.append(
                    gettext(
                        "“%(value)s” is not a Belgian postal code we know: "
                        "the distance filter was left out."
                    )
                    % {"value": postcode[:12]}
                )
            else:
                clean["postcode"] = postcode
        radius = data.get("radius", "").strip()
        self.radius_km = DEFAULT_RADIUS_KM
        if radius:
            try:
                value = round(float(radius.replace(",", ".")))
            except (ValueError, OverflowError):
                value = None
            if value is None or not 1 <= value <= MAX_RADIUS_KM:
                self.notices.append(
                    gettext(
                        "The distance must be a number of kilometres between 1 and %(max)d: "
                        "we used %(default)d km."
                    )
                    % {"max": MAX_RADIUS_KM, "default": DEFAULT_RADIUS_KM}
                )
            else:
                self.radius_km = value
        if self.postal_code:
            clean["radius"] = str(self.radius_km)
            if self.radius_km not in RADIUS_CHOICES:
                self.filters_extra_radius = self.radius_km

        sort = data.get("sort", "").strip()
        if sort and sort not in dict(Sort.choices):
            self._ignored(self.base_filters["sort"].label, sort)
            sort = ""
        if sort == Sort.NEAREST and not self.postal_code:
            self.notices.append(gettext("Give a postal code to sort by distance."))
            sort = ""
        clean["sort"] = sort or (Sort.NEAREST if self.postal_code else Sort.SOONEST)
        return clean

    def _ignored(self, label, value: str) -> None:
        self.notices.append(
            gettext("We did not understand “%(value)s” for “%(filter)s”, so it was left out.")
            % {"value": value[:40], "filter": label}
        )

    @property
    def form(self):
        form = super().form
        # A radius typed in a shared link (say 15 km) stays selectable in the form.
        radius = getattr(self, "filters_extra_radius", None)
        if radius and (str(radius), f"{radius} km") not in form.fields["radius"].choices:
            form.fields["radius"].choices = sorted(
                [*form.fields["radius"].choices, (str(radius), f"{radius} km")],
                key=lambda choice: int(choice[0]),
            )
        return form

    # --- filters: each is a QuerySet method ------------------------------------------------
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_q(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_postcode(self, queryset, name, value):
        if not self.postal_code:
            return queryset
        return queryset.near(self.postal_code.latitude, self.postal_code.longitude, self.radius_km)

    def filter_format(self, queryset, name, value):
        return queryset.with_format(*value) if value else queryset

    def filter_theme(self, queryset, name, value):
        if not value:
            return queryset
        themes = [theme for theme in self.themes if theme.slug in value]
        return queryset.for_theme(*themes)

    def filter_audience(self, queryset, name, value):
        return queryset.for_audience(*value) if value else queryset

    def filter_child_age(self, queryset, name, value):
        return queryset.for_child_age(*value) if value else queryset

    def filter_language(self, queryset, name, value):
        return queryset.speaking(*value) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.of_kind(*value) if value else queryset

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.in_region(*[region for region in self.regions if region.code in value])

    def filter_day(self, queryset, name, value):
        return queryset.on_weekday(*value) if value else queryset

    def filter_free(self, queryset, name, value):
        return queryset.free() if value else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.current_sort
        if sort == Sort.NEAREST:
            return queryset.nearest_first()
        if sort == Sort.NEWEST:
            return queryset.newest_first()
        return queryset.soonest_first()

    # --- what the page shows about the search ------------------------------------------------
    @property
    def current_sort(self) -> str:
        return self.data.get("sort", Sort.SOONEST)

    def active_count(self) -> int:
        """How many filter values are on (for the "Filters (N)" button)."""
        count = sum(len(self.data.getlist(key)) for key in self.MULTI_KEYS)
        return count + sum(1 for key in ("free", "postcode") if self.data.get(key))

    def chips(self, path: str) -> list[Chip]:
        """One removable chip per active value (the search words and distance included)."""
        labels = {
            "theme": {theme.slug: theme.name for theme in self.themes},
            "region": {region.code: region.name for region in self.regions},
        }
        for key in ("format", "audience", "child_age", "language", "kind", "day"):
            labels[key] = {str(k): v for k, v in self.base_filters[key].extra["choices"]}
        chips: list[Chip] = []
        if self.data.get("q"):
            chips.append(Chip("q", self.data["q"], f"“{self.data['q']}”", self._without(path, "q")))
        if self.postal_code:
            label = gettext("Within %(km)d km of %(place)s") % {
                "km": self.radius_km,
                "place": f"{self.postal_code.code} {self.postal_code.municipality}",
            }
            chips.append(
                Chip("postcode", self.postal_code.code, label, self._without(path, "postcode"))
            )
        for key in self.MULTI_KEYS:
            for value in self.data.getlist(key):
                chips.append(
                    Chip(key, value, str(labels[key][value]), self._without(path, key, value))
                )
        if self.data.get("free"):
            chips.append(Chip("free", "on", gettext("Free"), self._without(path, "free")))
        return chips

    def panel(self) -> list[dict]:
        """The checkbox groups of the filter panel, in display order, with checked values."""
        sections = []
        for key in (
            "format",
            "theme",
            "audience",
            "child_age",
            "language",
            "kind",
            "region",
            "day",
        ):
            selected = set(self.data.getlist(key))
            if key == "theme":
                families = []
                for family, family_label in Theme.Family.choices:
                    options = [
                        (theme.slug, theme.name, theme.slug in selected)
                        for theme in self.themes
                        if theme.family == family
                    ]
                    if options:
                        families.append((family_label, options))
                sections.append(
                    {
                        "name": key,
                        "legend": self.base_filters[key].label,
                        "families": families,
                        "selected": len(selected),
                    }
                )
                continue
            if key == "region":
                choices = [(region.code, region.name) for region in self.regions]
            else:
                choices = self.base_filters[key].extra["choices"]
            sections.append(
                {
                    "name": key,
                    "legend": self.base_filters[key].label,
                    "options": [(str(v), label, str(v) in selected) for v, label in choices],
                    "selected": len(selected),
                }
            )
        return sections

    def url_with(self, path: str, **changes) -> str:
        """The current search with some parameters replaced (None removes one)."""
        params = self.data.copy()
        params.pop("page", None)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return self._url(path, params)

    def _without(self, path: str, key: str, value: str | None = None) -> str:
        params = self.data.copy()
        params.pop("page", None)
        if value is None:
            params.pop(key, None)
            if key == "postcode":
                params.pop("radius", None)
                if params.get("sort") == Sort.NEAREST:
                    params.pop("sort")
        else:
            params.setlist(key, [v for v in params.getlist(key) if v != value])
        return self._url(path, params)

    @staticmethod
    def _url(path: str, params: QueryDict) -> str:
        if params.get("sort") == Sort.SOONEST:
            params = params.copy()
            params.pop("sort")
        query = params.urlencode()
        return f"{path}?{query}" if query else path
