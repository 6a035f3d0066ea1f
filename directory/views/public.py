"""Public pages of the directory: the search, a group, its calendar file, a professional."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView
from django_filters.views import FilterView

from networks.models import Network

from .. import presentation
from ..cards import render_cards
from ..filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, GroupFilterSet, Sort
from ..ics import group_calendar
from ..jsonld import as_script_data, breadcrumbs, group_event
from ..models import Group, Professional, Status


def can_preview(user, group: Group | None = None, professional: Professional | None = None):
    """Staff see everything; a practitioner sees their own unpublished profile and groups."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    own = getattr(user, "professional", None)
    if own is None:
        return False
    if professional is not None:
        return professional.pk == own.pk
    return group is not None and group.owner_id == own.pk


def map_marker(group: Group) -> dict | None:
    if group.latitude is None or group.longitude is None or not group.meets_in_person:
        return None
    marker = {
        "id": group.pk,
        "title": group.title,
        "url": group.get_absolute_url(),
        "lat": float(group.latitude),
        "lon": float(group.longitude),
        "place": presentation.place_text(group),
        "when": presentation.next_text(group),
    }
    distance = group.distance_km
    if distance is not None:
        marker["distance"] = round(distance, 1)
    return marker


def map_settings() -> dict:
    return {
        "tilesUrl": settings.MAP_TILES_URL,
        "tilesAttribution": settings.MAP_TILES_ATTRIBUTION,
        "regionsUrl": static("geo/be_regions.geojson"),
    }


class ReadOnlyView:
    """Pages that only read: no transaction around the request (ATOMIC_REQUESTS), which on
    PostgreSQL saves the BEGIN and COMMIT round trips on every search."""

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))


def capped_count(queryset, cap: int) -> int:
    """How many rows, counting no further than `cap + 1` (bounded work at any size)."""
    return (
        queryset.order_by()
        .select_related(None)
        .prefetch_related(None)
        .values("pk")[: cap + 1]
        .count()
    )


class CappedPaginator(Paginator):
    """Counts at most `cap` results: nobody reads past page 50, and the count stays cheap.

    Beyond the cap the page says "more than 1,000 groups" and asks to narrow the search.
    """

    cap = 1000

    @cached_property
    def _counted(self) -> int:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    def page(self, number):
        """The page's ids first, then those groups' full rows.

        The id query touches only the search's covering indexes (no wide rows, no joins), so
        it is cheap to plan and to run whatever the filters; by distance, every group within
        reach is sorted, and it is better they are narrow. Fetching 20 rows by primary key
        after that costs less than one query that joins, sorts and limits wide rows (on
        PostgreSQL, planning that one took longer than running both).
        """
        queryset = self.object_list
        annotations = list(queryset.query.annotation_select)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = list(queryset.values_list("pk", *annotations)[bottom:top])
        groups = []
        if rows:
            by_pk = Group.objects.for_cards().in_bulk([row[0] for row in rows])
            for pk, *values in rows:
                group = by_pk[pk]
                for name, value in zip(annotations, values, strict=True):
                    setattr(group, name, value)
                groups.append(group)
        return self._get_page(groups, number, self)


class GroupListView(ReadOnlyView, FilterView):
    """The search: filters, sorting, pagination, and a map of the results on the page."""

    model = Group
    filterset_class = GroupFilterSet
    template_name = "directory/group_list.html"
    paginate_by = 20
    paginator_class = CappedPaginator

    def get_queryset(self):
        return Group.objects.published().for_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        path = self.request.path
        groups = context["object_list"]
        cards = render_cards(groups, extra=map_marker)
        markers = [marker for _, _, marker in cards if marker]
        online = [group for group in groups if not group.meets_in_person]
        context.update(
            cards=cards,
            chips=filterset.chips(path),
            notices=filterset.notices,
            active_count=filterset.active_count(),
            panel=filterset.panel(),
            sort=filterset.current_sort,
            sort_choices=[
                (value, label, filterset.url_with(path, sort=value))
                for value, label in Sort.choices
                if value != Sort.NEAREST or filterset.postal_code
            ],
            postal_code=filterset.postal_code,
            radius_km=filterset.radius_km,
            result_count=context["paginator"].count if context.get("paginator") else 0,
            result_count_capped=context["paginator"].capped if context.get("paginator") else False,
            map_data={
                **map_settings(),
                "markers": markers,
                "center": (
                    [float(filterset.postal_code.latitude), float(filterset.postal_code.longitude)]
                    if filterset.postal_code
                    else None
                ),
                "labels": {"map": _("Map of the groups on this page")},
            },
            online_on_page=online,
        )
        if filterset.postal_code:
            context["online_elsewhere"] = self._online_count(filterset)
            if filterset.radius_km < MAX_RADIUS_KM:
                context["wider_url"] = filterset.url_with(
                    path, radius=str(min(MAX_RADIUS_KM, max(filterset.radius_km * 2, 50)))
                )
        if not groups:
            context.update(self._empty_state(filterset, path))
        return context

    def _online_count(self, filterset: GroupFilterSet) -> int:
        """Online groups matching the other filters (they have no place, so no distance)."""
        data = filterset.data.copy()
        for key in ("postcode", "radius", "sort", "format"):
            data.pop(key, None)
        online = GroupFilterSet(
            data,
            queryset=Group.objects.published().with_format(Group.Format.ONLINE),
            themes=filterset.themes,
            regions=filterset.regions,
        )
        return capped_count(online.qs, CappedPaginator.cap)

    def _empty_state(self, filterset: GroupFilterSet, path: str) -> dict:
        region = filterset.postal_code.region if filterset.postal_code else None
        if region is None and len(filterset.data.getlist("region")) == 1:
            code = filterset.data["region"]
            region = next((r for r in filterset.regions if r.code == code), None)
        network = None
        if region is not None:
            network = Network.objects.for_children().covering(region).first()
        return {
            "empty_region": region,
            "empty_network": network,
            "online_url": filterset.url_with(
                path, format="online", postcode=None, radius=None, sort=None
            ),
            "clear_url": path,
            "default_radius": DEFAULT_RADIUS_KM,
        }


def _group_queryset():
    return Group.objects.select_related("owner", "postal_code", "region").prefetch_related(
        "themes",
        Prefetch(
            "facilitators",
            queryset=Professional.objects.published().order_by("name"),
            to_attr="public_facilitators",
        ),
    )


class GroupDetailView(ReadOnlyView, DetailView):
    """Everything a parent needs to decide, register, or add the sessions to a calendar."""

    model = Group
    template_name = "directory/group_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return _group_queryset()

    def get_object(self, queryset=None):
        group = super().get_object(queryset)
        self.is_public = group.status == Status.PUBLISHED and group.owner.status == Status.PUBLISHED
        if not self.is_public and not can_preview(self.request.user, group=group):
            raise Http404(_("No group found"))
        return group

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.object
        request = self.request
        facilitators = [group.owner] + [
            professional
            for professional in group.public_facilitators
            if professional.pk != group.owner_id
        ]
        for professional in facilitators:
            professional.url = request.build_absolute_uri(professional.get_absolute_url())
        url = request.build_absolute_uri(group.get_absolute_url())
        search_url = reverse("directory:group_list")
        crumbs = [(_("Home"), reverse("home")), (_("Groups"), search_url)]
        if group.region_id:
            crumbs.append((group.region.name, f"{search_url}?region={group.region.code}"))
        network = None
        if group.region_id:
            network = Network.objects.for_children().covering(group.region).first()
        context.update(
            is_preview=not self.is_public,
            facilitators=facilitators,
            sessions=group.schedule.upcoming(4),
            breadcrumbs=crumbs,
            network=network,
            json_ld=as_script_data(group_event(group, url, facilitators)),
            breadcrumbs_ld=as_script_data(
                breadcrumbs(
                    [(name, request.build_absolute_uri(link)) for name, link in crumbs]
                    + [(group.title, url)]
                )
            ),
            map_data={**map_settings(), "markers": [m for m in [map_marker(group)] if m]},
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            response.headers["X-Robots-Tag"] = "noindex"
            response.headers["Cache-Control"] = "private, no-store"
        return response


@transaction.non_atomic_requests
@require_GET
def group_ics(request, slug: str):
    """The group's sessions as a calendar file (published groups only)."""
    group = get_object_or_404(Group.objects.published().select_related("postal_code"), slug=slug)
    body = group_calendar(group, request.build_absolute_uri(group.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{group.slug}.ics"'
    return response


class ProfessionalDetailView(ReadOnlyView, DetailView):
    """A verified professional's public profile and their published groups."""

    model = Professional
    template_name = "directory/professional_detail.html"
    context_object_name = "professional"

    def get_object(self, queryset=None):
        professional = super().get_object(queryset)
        self.is_public = professional.status == Status.PUBLISHED
        if not self.is_public and not can_preview(self.request.user, professional=professional):
            raise Http404(_("No professional found"))
        return professional

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        professional = self.object
        groups = Group.objects.published().run_by(professional).for_cards().soonest_first()
        context.update(groups=groups, is_preview=not self.is_public)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            response.headers["X-Robots-Tag"] = "noindex"
            response.headers["Cache-Control"] = "private, no-store"
        return response
