"""Bulk import and export of groups and professionals (CSV, and HSDS JSON for import).

One CSV row is a group with its organiser (`EXPORT_COLUMNS`); a row with no group
``title`` is a professional alone. Professionals are matched by ``professional_slug``, then
by ``professional_email``; groups by ``slug``. Multi-valued cells (themes, audiences,
languages...) separate values with ``|``.

`run_import()` treats each row in its own savepoint and reports its fate (created,
changed, unchanged or rejected, with the reasons). With ``dry_run=True`` everything is
rolled back at the end, so the preview shows exactly what applying would do, database
constraints included. What an import creates or changes goes to the moderation queue:
new and changed groups and profiles become "waiting for review" (profiles also stay
unverified until an editor checks them); nothing is published by an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from networks.models import PostalCode

from .models import Group, Language, Professional, Status, Theme

LIST_SEPARATOR = "|"
PROFESSIONAL_COLUMNS = [
    "professional_slug",
    "professional_name",
    "professional_title",
    "professional_registration_number",
    "professional_email",
    "professional_website",
    "professional_organisation",
    "professional_languages",
]
GROUP_COLUMNS = [
    "slug",
    "title",
    "summary",
    "description",
    "kind",
    "themes",
    "audiences",
    "child_age_bands",
    "languages",
    "format",
    "venue_name",
    "street_address",
    "postal_code",
    "price_type",
    "price_amount",
    "price_amount_max",
    "registration_method",
    "registration_email",
    "registration_phone",
    "registration_url",
    "schedule_type",
    "recurrence",
    "weekday",
    "week_of_month",
    "first_session_on",
    "last_session_on",
    "start_time",
    "end_time",
    "session_count",
    "wheelchair_access",
]
# `status` is exported for information; an import never sets it.
EXPORT_COLUMNS = [*PROFESSIONAL_COLUMNS, *GROUP_COLUMNS, "status"]
MULTI_FIELDS = {"audiences", "child_age_bands", "languages"}
DECIMAL_FIELDS = {"price_amount", "price_amount_max"}
INT_FIELDS = {"weekday", "week_of_month", "session_count"}
DATE_FIELDS = {"first_session_on", "last_session_on"}
TIME_FIELDS = {"start_time", "end_time"}
MAX_ROWS = 2000

CREATED, CHANGED, UNCHANGED, REJECTED = "created", "changed", "unchanged", "rejected"


@dataclass
class RowResult:
    number: int  # the line in the file (1 is the header) or the item's position
    label: str
    fate: str = UNCHANGED
    professional_fate: str = ""
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file
    dry_run: bool = True

    def count(self, fate: str) -> int:
        return sum(1 for row in self.rows if row.fate == fate)

    @property
    def summary(self) -> dict[str, int]:
        return {fate: self.count(fate) for fate in (CREATED, CHANGED, UNCHANGED, REJECTED)}


class RowError(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# --- Reading files -----------------------------------------------------------------------------
def read_csv(text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """(line number, row) pairs and file-level errors."""
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    known = set(EXPORT_COLUMNS)
    errors = []
    if not columns:
        return [], [_("The file is empty.")]
    unknown = [name for name in columns if name and name not in known]
    if unknown:
        errors.append(_("Unknown columns, ignored: %(columns)s") % {"columns": ", ".join(unknown)})
    if "title" not in columns and "professional_name" not in columns:
        return [], [_("This does not look like the export format: no “title” column.")]
    rows = []
    for row in reader:
        clean = {key: _restore((value or "").strip()) for key, value in row.items() if key in known}
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return rows, errors


def read_hsds(text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """Rows from HSDS 3.0 services: one service, a list of them, or an API page."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [_("Not valid JSON: %(error)s") % {"error": exc}]
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    services = data if isinstance(data, list) else [data]
    rows = []
    for index, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            rows.append((index, {"title": "", "_error": _("Not an HSDS service object.")}))
            continue
        rows.append((index, hsds_row(service)))
    return rows, []


_HSDS_LANGUAGES = {"fr": "fr", "nl": "nl", "de": "de", "en": "en", "sfb": "lsfb", "vgt": "vgt"}
_ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def hsds_row(service: dict) -> dict:
    """The CSV row an HSDS service corresponds to (what cannot be mapped stays empty)."""
    organization = service.get("organization") or {}
    row = {
        "title": service.get("name", ""),
        "description": service.get("description", ""),
        # HSDS has no field for these: the site's most common values, for the editor to check.
        "kind": Group.Kind.SUPPORT,
        "audiences": Group.Audience.PARENTS,
        "professional_name": organization.get("name", ""),
        "professional_email": organization.get("email", ""),
        "professional_website": organization.get("website", ""),
        "themes": LIST_SEPARATOR.join(
            (attribute.get("taxonomy_term") or {}).get("code", "")
            for attribute in service.get("attributes") or []
            if (attribute.get("taxonomy_term") or {}).get("code")
        ),
        "languages": LIST_SEPARATOR.join(
            _HSDS_LANGUAGES[language["code"]]
            for language in service.get("languages") or []
            if language.get("code") in _HSDS_LANGUAGES
        ),
    }
    uri = organization.get("uri", "")
    if "/professionals/" in uri:
        row["professional_slug"] = uri.rstrip("/").rsplit("/", 1)[-1]
    if "/groups/" in service.get("url", ""):
        row["slug"] = service["url"].rstrip("/").rsplit("/", 1)[-1]
    costs = service.get("cost_options") or []
    if costs:
        amount = costs[0].get("amount")
        if amount:
            row["price_type"] = Group.Price.PER_SESSION
            row["price_amount"] = str(amount)
        else:
            row["price_type"] = Group.Price.FREE
    physical = virtual = None
    for item in service.get("service_at_locations") or []:
        location = item.get("location") or {}
        if location.get("location_type") == "virtual":
            virtual = location
        elif location.get("location_type") == "physical":
            physical = location
    if physical:
        address = (physical.get("addresses") or [{}])[0]
        row["postal_code"] = address.get("postal_code", "")
        row["street_address"] = address.get("address_1", "")
        row["venue_name"] = physical.get("name", "")
    row["format"] = (
        Group.Format.HYBRID
        if physical and virtual
        else Group.Format.ONLINE
        if virtual
        else Group.Format.IN_PERSON
    )
    schedules = service.get("schedules") or []
    if schedules:
        row.update(_hsds_schedule(schedules[0]))
    return {key: str(value) for key, value in row.items() if value not in (None, "")}


def _hsds_schedule(schedule: dict) -> dict:
    row = {
        "first_session_on": schedule.get("dtstart") or schedule.get("valid_from", ""),
        "start_time": (schedule.get("opens_at") or "")[:5],
        "end_time": (schedule.get("closes_at") or "")[:5],
    }
    freq, interval = schedule.get("freq"), int(schedule.get("interval") or 1)
    byday = (schedule.get("byday") or "").split(",")[0]
    day = byday[-2:]
    if day in _ICAL_DAYS:
        row["weekday"] = str(_ICAL_DAYS.index(day) + 1)
    if freq == "WEEKLY":
        row["recurrence"] = "biweekly" if interval == 2 else "weekly"
    elif freq == "MONTHLY" and byday[:-2]:
        row["recurrence"] = "monthly_nth"
        row["week_of_month"] = byday[:-2]
    elif freq == "MONTHLY":
        row["recurrence"] = "monthly"
        row.pop("weekday", None)
    if schedule.get("count"):
        row["schedule_type"] = "cycle"
        row["session_count"] = str(int(schedule["count"]))
    elif schedule.get("until"):
        row["last_session_on"] = schedule["until"][:10]
    return row


# --- Converting cells ---------------------------------------------------------------------------
def _choice(value: str, choices, name: str, reasons: list[str]):
    values = [str(v) for v in choices.values]
    if value not in values:
        reasons.append(
            _("“%(value)s” is not a valid %(field)s (use one of: %(choices)s).")
            % {"value": value, "field": name, "choices": ", ".join(values)}
        )
    return value


def _convert(name: str, value: str, reasons: list[str]):
    if value == "":
        return None
    try:
        if name in DECIMAL_FIELDS:
            return Decimal(value.replace(",", "."))
        if name in INT_FIELDS:
            return int(value)
        if name in DATE_FIELDS:
            return dt.date.fromisoformat(value)
        if name in TIME_FIELDS:
            return dt.time.fromisoformat(value)
    except (ValueError, InvalidOperation):
        reasons.append(
            _("%(field)s: “%(value)s” cannot be read.") % {"field": name, "value": value}
        )
        return None
    if name in MULTI_FIELDS:
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    return value


def unique_slug(model, text: str, max_length: int) -> str:
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    slug, number = base, 2
    while model._base_manager.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
    return list(error.messages)


# --- Applying one row ---------------------------------------------------------------------------
def _professional(row: dict, result: RowResult) -> Professional:
    slug = row.get("professional_slug", "")
    email = row.get("professional_email", "").lower()
    professional = None
    if slug:
        professional = Professional.objects.filter(slug=slug).first()
    if professional is None and email:
        professional = Professional.objects.filter(contact_email__iexact=email).first()
    created = professional is None
    if created:
        if not row.get("professional_name"):
            raise RowError([_("The organiser is unknown: give professional_name and email.")])
        professional = Professional(
            slug=slug or unique_slug(Professional, row["professional_name"], 120),
            status=Status.PENDING,
        )
    reasons: list[str] = []
    values = {
        "name": row.get("professional_name", ""),
        "title": row.get("professional_title", "") or (Professional.Title.OTHER if created else ""),
        "registration_number": row.get("professional_registration_number", ""),
        "contact_email": email,
        "website": row.get("professional_website", ""),
        "organisation": row.get("professional_organisation", ""),
    }
    if values["title"]:
        _choice(values["title"], Professional.Title, "professional_title", reasons)
    languages = _convert("languages", row.get("professional_languages", ""), reasons)
    if languages:
        for code in languages:
            _choice(code, Language, "professional_languages", reasons)
        values["languages"] = languages
    changes = []
    for name, value in values.items():
        if value in ("", None) and not created:
            continue  # an empty cell leaves an existing value alone
        current = getattr(professional, name)
        if isinstance(value, list) and set(value) == set(current or []):
            continue
        if current != value:
            setattr(professional, name, value)
            changes.append(f"professional.{name}")
    if reasons:
        raise RowError(reasons)
    try:
        professional.full_clean(exclude=["user", "photo", "verified_by"])
    except ValidationError as exc:
        raise RowError([f"professional {message}" for message in _messages(exc)]) from None
    if created:
        professional.save()
        result.professional_fate = CREATED
    elif changes:
        professional.save()
        _back_to_review(Professional, professional.pk)
        result.professional_fate = CHANGED
        result.changes += changes
    else:
        result.professional_fate = UNCHANGED
    return professional


def _group(row: dict, owner: Professional, result: RowResult) -> None:
    slug = row.get("slug", "")
    if slug:
        group = Group.objects.filter(slug=slug).first()
    else:
        # Without a slug, the organiser's group of the same title (importing twice is safe).
        group = Group.objects.filter(owner=owner, title=row["title"]).first() if owner.pk else None
    created = group is None
    reasons: list[str] = []
    if created:
        group = Group(
            slug=slug or unique_slug(Group, row["title"], 140),
            status=Status.PENDING,
            owner=owner,
        )
    elif group.owner_id != owner.pk:
        reasons.append(_("This group belongs to another organiser."))
    choices = {
        "kind": Group.Kind,
        "format": Group.Format,
        "price_type": Group.Price,
        "registration_method": Group.Registration,
        "schedule_type": Group.ScheduleType,
        "recurrence": Group.Recurrence,
        "wheelchair_access": Group.Access,
    }
    multi_choices = {
        "audiences": Group.Audience,
        "child_age_bands": Group.ChildAge,
        "languages": Language,
    }
    changes = []
    for name in GROUP_COLUMNS:
        if name in {"slug", "themes", "postal_code"} or not row.get(name):
            continue  # an empty cell leaves the value alone (the default, for a new group)
        value = _convert(name, row[name], reasons)
        if value is None:
            continue
        if name in choices:
            _choice(value, choices[name], name, reasons)
        if name in multi_choices:
            for item in value:
                _choice(item, multi_choices[name], name, reasons)
        current = getattr(group, name)
        if isinstance(value, list) and set(value) == set(current or []):
            continue
        if current != value:
            setattr(group, name, value)
            changes.append(name)
    if "postal_code" in row and (row["postal_code"] or created):
        code = row["postal_code"]
        postal_code = PostalCode.objects.filter(code=code).first() if code else None
        if code and postal_code is None:
            reasons.append(_("Postal code %(code)s is not a Belgian postal code.") % {"code": code})
        if group.postal_code_id != (postal_code.pk if postal_code else None):
            group.postal_code = postal_code
            changes.append("postal_code")
    themes = None
    if row.get("themes"):
        slugs = [part.strip() for part in row["themes"].split(LIST_SEPARATOR) if part.strip()]
        themes = list(Theme.objects.filter(slug__in=slugs))
        missing = sorted(set(slugs) - {theme.slug for theme in themes})
        if missing:
            reasons.append(_("Unknown themes: %(themes)s") % {"themes": ", ".join(missing)})
        if not created and {t.pk for t in themes} != set(group.themes.values_list("pk", flat=True)):
            changes.append("themes")
    if created and not row.get("first_session_on"):
        reasons.append(_("first_session_on: the date of the first session is required."))
    if created and not row.get("start_time"):
        reasons.append(_("start_time: the start time is required."))
    if reasons:
        raise RowError(reasons)
    try:
        group.full_clean(exclude=["owner", "region", "latitude", "longitude", "themes"])
    except ValidationError as exc:
        raise RowError(_messages(exc)) from None
    if not created and not changes:
        result.fate = UNCHANGED
        return
    group.save()
    if themes is not None:
        group.themes.set(themes)
    if created:
        result.fate = CREATED
        return
    _back_to_review(Group, group.pk)
    result.fate = CHANGED
    result.changes += changes


def _back_to_review(model, pk: int) -> None:
    """A changed listing or profile waits for an editor (a published one leaves the site)."""
    model.objects.filter(pk=pk).transition(
        Status.PENDING,
        allowed_from={status for status in Status.values if status != Status.PENDING},
        message=_("Changed by a bulk import."),
    )


def import_row(number: int, row: dict) -> RowResult:
    label = row.get("title") or row.get("professional_name") or _("(empty)")
    result = RowResult(number=number, label=label)
    if row.get("_error"):
        result.fate = REJECTED
        result.reasons = [row["_error"]]
        return result
    try:
        with transaction.atomic():
            owner = _professional(row, result)
            if row.get("title"):
                _group(row, owner, result)
            else:
                result.fate = result.professional_fate
    except RowError as exc:
        result.fate = REJECTED
        result.professional_fate = ""
        result.reasons = exc.reasons
        result.changes = []
    except IntegrityError as exc:
        result.fate = REJECTED
        result.professional_fate = ""
        result.reasons = [_("The database refused the row: %(error)s") % {"error": exc}]
        result.changes = []
    return result


class _Rollback(Exception):
    pass


def run_import(text: str, *, kind: str = "csv", dry_run: bool = True) -> ImportReport:
    """Import a CSV (`kind="csv"`) or HSDS JSON (`kind="hsds"`) text; see the module doc."""
    rows, errors = read_hsds(text) if kind == "hsds" else read_csv(text)
    report = ImportReport(errors=errors, dry_run=dry_run)
    if len(rows) > MAX_ROWS:
        report.errors.append(
            _("Too many rows (%(count)d): import at most %(max)d at a time.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
        return report
    try:
        with transaction.atomic():
            for number, row in rows:
                report.rows.append(import_row(number, row))
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


# --- Export ------------------------------------------------------------------------------------
# Spreadsheets run cells starting with these as formulas ("CSV injection"): the export
# writes such text with a leading apostrophe, which the import removes again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defuse(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _restore(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def professional_cells(professional: Professional) -> dict:
    return {
        "professional_slug": professional.slug,
        "professional_name": professional.name,
        "professional_title": professional.title,
        "professional_registration_number": professional.registration_number,
        "professional_email": professional.contact_email,
        "professional_website": professional.website,
        "professional_organisation": professional.organisation,
        "professional_languages": _cell(professional.languages),
    }


def export_rows(groups=None, professionals=None):
    """Rows of the import format: every group with its organiser, then profiles without groups."""
    groups = (
        (groups if groups is not None else Group.objects.all())
        .select_related("owner", "postal_code")
        .prefetch_related("themes")
        .order_by("pk")
    )
    with_groups = set()
    for group in groups.iterator(chunk_size=500):
        with_groups.add(group.owner_id)
        row = professional_cells(group.owner)
        for name in GROUP_COLUMNS:
            if name == "themes":
                row[name] = LIST_SEPARATOR.join(theme.slug for theme in group.themes.all())
            elif name == "postal_code":
                row[name] = group.postal_code.code if group.postal_code_id else ""
            else:
                row[name] = _cell(getattr(group, name))
        row["status"] = group.status
        yield row
    professionals = professionals if professionals is not None else Professional.objects.all()
    for professional in professionals.order_by("pk"):
        if professional.pk not in with_groups:
            yield {**professional_cells(professional), "status": professional.status}


def export_csv(groups=None, professionals=None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in export_rows(groups, professionals):
        writer.writerow({key: _defuse(value) for key, value in row.items()})
    return buffer.getvalue()
