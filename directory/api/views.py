"""HSDS 3.0 endpoints. Every list takes the search page's filters (`directory.filters`).

Each view returns a `Result` (data + last change); `http.endpoint` turns it into a JSON
response with CORS, ETag/Last-Modified, 304s and the rate limit. Query counts do not grow
with the number of items on a page (see tests/directory/test_api.py).
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from networks.models import Network

from ..filters import GroupFilterSet
from ..models import Group, Professional, Theme
from . import ids, serializers as hsds
from .http import ApiError, Result, endpoint, request_language

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
TRUE_VALUES = {"1", "true", "yes", "on"}
# Search-page keys that narrow the groups (sorting and paging excluded).
GROUP_FILTER_KEYS = (
    "q",
    "search",
    "postcode",
    "format",
    "theme",
    "audience",
    "child_age",
    "language",
    "kind",
    "region",
    "day",
    "free",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
)


# --- Helpers ------------------------------------------------------------------------------
def _context(request: HttpRequest) -> hsds.Context:
    return hsds.make_context(request_language(request))


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"“{name}” must be a whole number.") from None
    if not low <= value <= high:
        raise ApiError(400, f"“{name}” must be between {low} and {high}.")
    return value


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "").strip().lower() in TRUE_VALUES


def _paging(request: HttpRequest) -> tuple[int, int]:
    page = _int_param(request, "page", 1, 1, 1_000_000)
    size = _int_param(request, "per_page", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    return page, size


def page_data(total: int, page: int, size: int, contents: list) -> dict:
    """The HSDS page envelope."""
    total_pages = math.ceil(total / size) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def data_last_modified() -> dt.datetime | None:
    """The latest change of any group or professional, public or not.

    Taken over every row (not only the public ones), so that unpublishing something also
    moves the date forward and `If-Modified-Since` never hides a removal.
    """
    groups = Group.objects.aggregate(
        updated=Max("updated_at"), status=Max("status_changed_at"), published=Max("published_at")
    )
    professionals = Professional.objects.aggregate(
        updated=Max("updated_at"), status=Max("status_changed_at")
    )
    stamps = [value for value in (*groups.values(), *professionals.values()) if value]
    return max(stamps) if stamps else None


def _group_detail_queryset(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("owner", "postal_code", "region").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("order", "slug")),
        Prefetch(
            "facilitators",
            queryset=Professional.objects.published().order_by("name"),
            to_attr="public_facilitators",
        ),
    )


def _filter_data(request: HttpRequest) -> QueryDict:
    """The request's parameters in the search page's vocabulary (HSDS aliases mapped)."""
    data = request.GET.copy()
    if data.get("search") and not data.get("q"):
        data["q"] = data["search"]
    proximity = data.get("proximity", "").strip()
    if proximity and not data.get("radius"):
        try:
            data["radius"] = str(max(1, round(float(proximity) / 1000)))
        except (ValueError, OverflowError):
            raise ApiError(400, "“proximity” must be a distance in metres.") from None
    return data


def filtered_groups(request: HttpRequest) -> QuerySet:
    """Published groups matching the search-page filters and the HSDS ones, sorted."""
    filterset = GroupFilterSet(_filter_data(request), queryset=Group.objects.published())
    groups = filterset.qs
    term = request.GET.get("taxonomy_term_id", "").strip()
    if term:
        parsed = ids.parse(term, ids.TERM_THEME, ids.TERM_FAMILY)
        if parsed is None:
            return groups.none()
        kind, pk = parsed
        if kind == ids.TERM_THEME:
            groups = groups.for_theme(*Theme.objects.filter(pk=pk))
            if not Theme.objects.filter(pk=pk).exists():
                return groups.none()
        else:
            family = hsds.family_from_pk(pk)
            themes = list(Theme.objects.filter(family=family)) if family else []
            if not themes:
                return groups.none()
            groups = groups.for_theme(*themes)
    taxonomy = request.GET.get("taxonomy_id", "").strip()
    if taxonomy and ids.parse(taxonomy, ids.TAXONOMY) != (ids.TAXONOMY, ids.THEMES_TAXONOMY_PK):
        return groups.none()
    organization = request.GET.get("organization_id", "").strip()
    if organization:
        parsed = ids.parse(organization, ids.PROFESSIONAL)
        if parsed is None:
            return groups.none()
        groups = groups.filter(owner_id=parsed[1])
    modified_after = request.GET.get("modified_after", "").strip()
    if modified_after:
        since = _parse_moment(modified_after)
        groups = groups.filter(Q(updated_at__gte=since) | Q(status_changed_at__gte=since))
    return groups


def _parse_moment(value: str) -> dt.datetime:
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = dt.datetime.combine(day, dt.time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ApiError(400, "“modified_after” must be an ISO 8601 date or date-time.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def _has_group_filters(request: HttpRequest) -> bool:
    return any(request.GET.get(key, "").strip() for key in GROUP_FILTER_KEYS)


# --- Meta -----------------------------------------------------------------------------------
@endpoint
def api_root(request):
    ctx = _context(request)
    return Result(
        {
            "version": hsds.HSDS_VERSION,
            "profile": ctx.url("data:developers"),
            "openapi_url": ctx.absolute(reverse("api:openapi")),
        }
    )


# --- Services -------------------------------------------------------------------------------
@endpoint
def service_list(request):
    ctx = _context(request)
    page, size = _paging(request)
    full = _flag(request, "full")
    groups = filtered_groups(request)
    total = groups.count()
    offset = (page - 1) * size
    rows = list(_group_detail_queryset(groups)[offset : offset + size]) if offset < total else []
    contents = [hsds.service(group, ctx, full=full) for group in rows]
    return Result(page_data(total, page, size, contents), data_last_modified())


def _public_group(value: str, *kinds: str) -> tuple[str, Group]:
    parsed = ids.parse(value, *kinds)
    if parsed is None:
        raise ApiError(404, "No such id.")
    kind, pk = parsed
    group = _group_detail_queryset(Group.objects.published().filter(pk=pk)).first()
    if group is None:
        raise ApiError(404, "No such id.")
    return kind, group


def _group_last_modified(group: Group) -> dt.datetime:
    return max(hsds.group_modified(group), hsds.professional_modified(group.owner))


@endpoint
def service_detail(request, id):
    ctx = _context(request)
    _kind, group = _public_group(id, ids.SERVICE)
    return Result(hsds.service(group, ctx, full=True), _group_last_modified(group))


# --- Services at locations ---------------------------------------------------------------
def _sal_keys(group: Group | tuple) -> list[tuple[str, str]]:
    fmt = group[1] if isinstance(group, tuple) else group.format
    keys = []
    if fmt != Group.Format.ONLINE:
        keys.append((ids.SAL_PHYSICAL, ids.LOCATION_PHYSICAL))
    if fmt != Group.Format.IN_PERSON:
        keys.append((ids.SAL_VIRTUAL, ids.LOCATION_VIRTUAL))
    return keys


@endpoint
def service_at_location_list(request):
    """One entry per place a matching group meets (hybrid groups have two: venue, online)."""
    ctx = _context(request)
    page, size = _paging(request)
    full = _flag(request, "full")
    groups = filtered_groups(request)
    # Only ids and formats for the whole result, to slice the flattened list.
    flat = [
        (pk, sal_kind, location_kind)
        for pk, fmt in groups.values_list("pk", "format")
        for sal_kind, location_kind in _sal_keys((pk, fmt))
    ]
    offset = (page - 1) * size
    window = flat[offset : offset + size]
    wanted = {pk for pk, _sal, _loc in window}
    by_pk = (
        {group.pk: group for group in _group_detail_queryset(Group.objects.filter(pk__in=wanted))}
        if wanted
        else {}
    )
    contents = []
    for pk, sal_kind, location_kind in window:
        group = by_pk[pk]
        item = hsds.service_at_location(group, sal_kind, location_kind, ctx, with_service=True)
        if full:
            item["service"] = hsds.service(group, ctx, full=False)
        contents.append(item)
    return Result(page_data(len(flat), page, size, contents), data_last_modified())


@endpoint
def service_at_location_detail(request, id):
    ctx = _context(request)
    kind, group = _public_group(id, ids.SAL_PHYSICAL, ids.SAL_VIRTUAL)
    keys = dict(_sal_keys(group))
    if kind not in keys:
        raise ApiError(404, "No such id.")
    data = hsds.service_at_location(group, kind, keys[kind], ctx, with_service=False)
    data["service"] = hsds.service(group, ctx, full=True)
    return Result(data, _group_last_modified(group))


@endpoint
def location_detail(request, id):
    ctx = _context(request)
    kind, group = _public_group(id, ids.LOCATION_PHYSICAL, ids.LOCATION_VIRTUAL)
    if kind not in {location for _sal, location in _sal_keys(group)}:
        raise ApiError(404, "No such id.")
    return Result(hsds.location(group, kind, ctx), _group_last_modified(group))


# --- Organizations ---------------------------------------------------------------------------
def _organization_rows(request: HttpRequest) -> tuple[QuerySet, QuerySet]:
    professionals = Professional.objects.published().order_by("name", "pk")
    networks = Network.objects.order_by("short_name", "pk")
    search = (request.GET.get("search") or request.GET.get("q") or "").strip()
    group_filtered = any(
        request.GET.get(key, "").strip()
        for key in GROUP_FILTER_KEYS
        if key not in {"q", "search", "organization_id"}
    )
    if search:
        professionals = professionals.filter(
            Q(name__icontains=search) | Q(organisation__icontains=search)
        )
        networks = networks.filter(
            Q(short_name__icontains=search)
            | Q(name_fr__icontains=search)
            | Q(name_nl__icontains=search)
            | Q(name_en__icontains=search)
            | Q(name_de__icontains=search)
        )
    if group_filtered:
        data = request.GET.copy()
        data.pop("q", None)
        data.pop("search", None)
        owners = filtered_groups(_with_params(request, data)).values("owner_id")
        professionals = professionals.filter(pk__in=owners)
        networks = networks.none()
    return professionals, networks


def _with_params(request: HttpRequest, data: QueryDict) -> HttpRequest:
    clone = HttpRequest()
    clone.GET = data
    clone.META = request.META
    return clone


def _public_groups_prefetch() -> Prefetch:
    return Prefetch(
        "groups",
        queryset=Group.objects.published()
        .select_related("owner", "postal_code", "region")
        .order_by("next_session_on", "pk"),
        to_attr="public_groups",
    )


@endpoint
def organization_list(request):
    """Published professionals (by name), then the public networks (by short name)."""
    ctx = _context(request)
    page, size = _paging(request)
    full = _flag(request, "full") or _flag(request, "full_service")
    professionals, networks = _organization_rows(request)
    pro_total = professionals.count()
    total = pro_total + networks.count()
    offset = (page - 1) * size
    contents: list[dict] = []
    if offset < pro_total:
        rows = professionals[offset : offset + size]
        if full:
            rows = rows.prefetch_related(_public_groups_prefetch())
        for professional in rows:
            services = professional.public_groups if full else None
            contents.append(hsds.professional_organization(professional, ctx, services=services))
    remaining = size - len(contents)
    if remaining > 0 and offset + len(contents) < total:
        start = max(0, offset - pro_total)
        for network in networks[start : start + remaining]:
            contents.append(hsds.network_organization(network, ctx, full=full))
    return Result(page_data(total, page, size, contents), data_last_modified())


@endpoint
def organization_detail(request, id):
    ctx = _context(request)
    parsed = ids.parse(id, ids.PROFESSIONAL, ids.NETWORK)
    if parsed is None:
        raise ApiError(404, "No such id.")
    kind, pk = parsed
    if kind == ids.NETWORK:
        network = Network.objects.filter(pk=pk).first()
        if network is None:
            raise ApiError(404, "No such id.")
        return Result(hsds.network_organization(network, ctx, full=True))
    professional = (
        Professional.objects.published()
        .filter(pk=pk)
        .prefetch_related(_public_groups_prefetch())
        .first()
    )
    if professional is None:
        raise ApiError(404, "No such id.")
    data = hsds.professional_organization(professional, ctx, services=professional.public_groups)
    stamps = [hsds.professional_modified(professional)]
    stamps += [hsds.group_modified(group) for group in professional.public_groups]
    return Result(data, max(stamps))


# --- Taxonomies and terms ---------------------------------------------------------------------
@endpoint
def taxonomy_list(request):
    ctx = _context(request)
    page, size = _paging(request)
    items = [hsds.taxonomy(ctx)]
    search = (request.GET.get("search") or "").strip().lower()
    if search:
        items = [item for item in items if search in item["name"].lower()]
    window = items[(page - 1) * size : page * size]
    return Result(page_data(len(items), page, size, window))


@endpoint
def taxonomy_detail(request, id):
    if ids.parse(id, ids.TAXONOMY) != (ids.TAXONOMY, ids.THEMES_TAXONOMY_PK):
        raise ApiError(404, "No such id.")
    return Result(hsds.taxonomy(_context(request)))


def _all_terms(ctx: hsds.Context) -> list[dict]:
    terms = [hsds.family_term(family, ctx) for family in Theme.Family.values]
    return terms + [hsds.theme_term(theme, ctx) for theme in Theme.objects.all()]


@endpoint
def taxonomy_term_list(request):
    """The theme families (top level) and the themes under them."""
    ctx = _context(request)
    page, size = _paging(request)
    terms = _all_terms(ctx)
    taxonomy = request.GET.get("taxonomy_id", "").strip()
    if taxonomy and ids.parse(taxonomy, ids.TAXONOMY) != (ids.TAXONOMY, 1):
        terms = []
    parent = request.GET.get("parent_id", "").strip()
    if parent:
        terms = [term for term in terms if term.get("parent_id") == parent.lower()]
    if _flag(request, "top_only"):
        terms = [term for term in terms if "parent_id" not in term]
    search = (request.GET.get("search") or request.GET.get("q") or "").strip().lower()
    if search:
        terms = [term for term in terms if search in term["name"].lower() or search in term["code"]]
    window = terms[(page - 1) * size : page * size]
    return Result(page_data(len(terms), page, size, window))


@endpoint
def taxonomy_term_detail(request, id):
    ctx = _context(request)
    parsed = ids.parse(id, ids.TERM_THEME, ids.TERM_FAMILY)
    if parsed is None:
        raise ApiError(404, "No such id.")
    kind, pk = parsed
    if kind == ids.TERM_FAMILY:
        family = hsds.family_from_pk(pk)
        if family is None:
            raise ApiError(404, "No such id.")
        return Result(hsds.family_term(family, ctx))
    theme = Theme.objects.filter(pk=pk).first()
    if theme is None:
        raise ApiError(404, "No such id.")
    return Result(hsds.theme_term(theme, ctx))
