"""HSDS 3.0 representations of the site's public data, as plain dicts.

Mapping (see also the developer page):

* a published group is a **service**; its schedule becomes one HSDS ``schedule`` (iCalendar
  RRULE parts: ``freq``, ``interval``, ``byday``/``bymonthday``, ``count``/``until``,
  ``wkst``), its languages ``languages``, its price ``cost_options``, its themes
  ``attributes`` pointing to **taxonomy terms**, and "confirmed on" ``assured_date``;
* where it meets is a **location** (``physical``: the venue, with the organiser's own
  coordinates or else the postal code's centre; ``virtual`` for online sessions) joined to
  the service by a **service_at_location**;
* a published professional, and a public mental-health network, is an **organization**.

Only what the public pages show goes out: never a professional's contact email, nor
verification notes, drafts, moderation history or contact messages. Fields with no value are
left out rather than sent empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from networks.models import Network

from .. import presentation
from ..models import Group, Language, Professional, Theme
from ..schedule import BRUSSELS
from . import ids

HSDS_VERSION = "3.0"
TAXONOMY_NAME = "Healing Together themes"
# ISO 639-1 where the language has a code, else ISO 639-3 (the sign languages).
LANGUAGE_CODES = {"fr": "fr", "nl": "nl", "de": "de", "en": "en", "lsfb": "sfb", "vgt": "vgt"}
_ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass
class Context:
    """What every representation needs: the language of texts and the site's address.

    Serializers run with `language` active (the API's views activate it), so translated
    labels come out in it.
    """

    language: str
    base_url: str
    _templates: dict = field(default_factory=dict, repr=False)

    def absolute(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def url(self, name: str, **kwargs) -> str:
        if set(kwargs) != {"slug"}:
            with translation.override(self.language):
                return self.absolute(reverse(name, kwargs=kwargs))
        # Hundreds of links per page: resolve each URL pattern once, then fill in slugs.
        template = self._templates.get(name)
        if template is None:
            with translation.override(self.language):
                template = self.absolute(reverse(name, kwargs={"slug": "SLUG"}))
            self._templates[name] = template
        return template.replace("SLUG", kwargs["slug"])


def make_context(language: str | None = None) -> Context:
    codes = {code for code, _label in settings.LANGUAGES}
    language = language if language in codes else settings.LANGUAGE_CODE
    return Context(language=language, base_url=settings.SITE_URL)


def _clean(data: dict) -> dict:
    """Leave out empty values (HSDS: absent rather than empty)."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def group_modified(group: Group) -> dt.datetime:
    stamps = [group.updated_at, group.status_changed_at, group.published_at]
    return max(stamp for stamp in stamps if stamp is not None)


def professional_modified(professional: Professional) -> dt.datetime:
    stamps = [professional.updated_at, professional.status_changed_at]
    return max(stamp for stamp in stamps if stamp is not None)


# --- Taxonomy: the themes, grouped under their families ------------------------------------
def family_pk(family: str) -> int:
    return list(Theme.Family.values).index(family) + 1


def family_from_pk(pk: int) -> str | None:
    values = list(Theme.Family.values)
    return values[pk - 1] if 1 <= pk <= len(values) else None


def taxonomy(ctx: Context) -> dict:
    return {
        "id": ids.make(ids.TAXONOMY, ids.THEMES_TAXONOMY_PK),
        "name": TAXONOMY_NAME,
        "description": _(
            "The themes of Healing Together's support groups, grouped in families "
            "(ADHD, grief, school refusal...)."
        ),
        "uri": ctx.url("data:developers"),
        "version": "1",
    }


def family_term(family: str, ctx: Context) -> dict:
    label = str(Theme.Family(family).label)
    return _clean(
        {
            "id": ids.make(ids.TERM_FAMILY, family_pk(family)),
            "code": family,
            "name": label,
            "description": label,
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": ids.make(ids.TAXONOMY, ids.THEMES_TAXONOMY_PK),
            "language": ctx.language,
        }
    )


def theme_term(theme: Theme, ctx: Context) -> dict:
    return _clean(
        {
            "id": ids.make(ids.TERM_THEME, theme.pk),
            "code": theme.slug,
            "name": theme.name,
            "description": _("Groups about: %(theme)s") % {"theme": theme.name},
            "parent_id": ids.make(ids.TERM_FAMILY, family_pk(theme.family)),
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": ids.make(ids.TAXONOMY, ids.THEMES_TAXONOMY_PK),
            "language": ctx.language,
            "term_uri": f"{ctx.url('directory:group_list')}?theme={theme.slug}",
        }
    )


# --- Organizations ---------------------------------------------------------------------------
def professional_organization(
    professional: Professional, ctx: Context, *, services: list[Group] | None = None
) -> dict:
    """A published professional. `services` (their published groups) makes it "full"."""
    org_id = ids.make(ids.PROFESSIONAL, professional.pk)
    description = professional.bio or professional.display_title
    data = {
        "id": org_id,
        "name": professional.name,
        "alternate_name": professional.organisation,
        "description": description,
        "website": professional.website,
        "uri": ctx.url("directory:professional_detail", slug=professional.slug),
        "logo": ctx.absolute(professional.photo.url) if professional.photo else "",
    }
    if services is not None:
        if professional.registration_number:
            data["organization_identifiers"] = [
                {
                    "id": ids.derived(org_id, "registration"),
                    "organization_id": org_id,
                    "identifier_type": str(professional.get_title_display()),
                    "identifier_scheme": "registration_number",
                    "identifier": professional.registration_number,
                }
            ]
        data["services"] = [service(group, ctx, full=False) for group in services]
    return _clean(data)


def network_organization(network: Network, ctx: Context, *, full: bool = False) -> dict:
    """A public mental-health network (what its public page shows)."""
    org_id = ids.make(ids.NETWORK, network.pk)
    offers, _offers_language = network.localized_offers(ctx.language)
    name = network.name
    audience = str(network.get_audience_display())
    description = " ".join(offers) or _("Mental-health network: %(audience)s.") % {
        "audience": audience
    }
    data = {
        "id": org_id,
        "name": name,
        "alternate_name": network.short_name if network.short_name != name else "",
        "description": description,
        "email": network.email,
        "website": network.website,
        "uri": ctx.url("networks:network_detail", slug=network.slug),
    }
    if full and network.phone:
        note, _note_language = network.localized_phone_note(ctx.language)
        data["phones"] = [
            _clean(
                {
                    "id": ids.derived(org_id, "phone"),
                    "organization_id": org_id,
                    "number": network.phone,
                    "type": "voice",
                    "description": note,
                }
            )
        ]
    if full:
        data["services"] = []
    return _clean(data)


# --- Services ---------------------------------------------------------------------------------
def _offset(moment: dt.datetime) -> tuple[str, float]:
    """ "+01:00" and 1.0 for Brussels at that moment (winter or summer time)."""
    delta = moment.utcoffset() or dt.timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text, minutes / 60


def _schedule_rule(group: Group, ctx: Context) -> dict | None:
    """The schedule's fields shared by the service and its places (computed once per group)."""
    cached = group.__dict__.get("_hsds_schedule", False)
    if cached is not False:
        return cached
    recur = group.schedule.ical_rrule()
    data = None
    if recur is not None:
        # The UTC offset of the next (else the first) session: Brussels changes it twice a year.
        session = group.schedule.next_session() or group.schedule.first()
        reference = (
            session.start
            if session
            else dt.datetime.combine(group.first_session_on, group.start_time, BRUSSELS)
        )
        offset_text, offset_hours = _offset(reference)
        last = group.schedule.last_session if group.schedule.is_cycle else None
        valid_to = last.start.date() if last else group.last_session_on
        data = {
            "valid_from": group.first_session_on.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "dtstart": group.first_session_on.isoformat(),
            "timezone": offset_hours,
            "until": group.last_session_on.isoformat() if recur.get("UNTIL") else None,
            "count": recur.get("COUNT"),
            "wkst": "MO",
            "freq": recur["FREQ"],
            "interval": recur.get("INTERVAL", 1),
            "byday": recur.get("BYDAY"),
            "bymonthday": str(recur["BYMONTHDAY"]) if "BYMONTHDAY" in recur else None,
            "description": presentation.schedule_summary(group),
            "opens_at": group.start_time.strftime("%H:%M") + offset_text,
            "closes_at": (
                group.end_time.strftime("%H:%M") + offset_text if group.end_time else None
            ),
            "schedule_link": ctx.url("directory:group_ics", slug=group.slug),
            "attending_type": str(group.get_format_display()),
            "notes": group.schedule_note,
        }
    group.__dict__["_hsds_schedule"] = data
    return data


def schedule(
    group: Group,
    ctx: Context,
    *,
    service_id: str,
    sal_id: str | None = None,
    location_id: str | None = None,
) -> dict | None:
    rule = _schedule_rule(group, ctx)
    if rule is None:
        return None
    data = {
        "id": ids.derived(sal_id or service_id, "schedule"),
        "service_id": service_id,
        "service_at_location_id": sal_id,
        "location_id": location_id,
        **rule,
    }
    return _clean(data)


def _languages(group: Group, ctx: Context, service_id: str) -> list[dict]:
    labels = dict(Language.choices)
    return [
        {
            "id": ids.derived(service_id, f"language/{code}"),
            "service_id": service_id,
            "name": str(labels[code]),
            "code": LANGUAGE_CODES[code],
        }
        for code in group.languages
    ]


def _cost_options(group: Group, ctx: Context, service_id: str) -> list[dict]:
    text = presentation.price_text(group)
    option = str(group.get_price_type_display())
    data = {
        "id": ids.derived(service_id, "cost"),
        "service_id": service_id,
        "option": option,
        "currency": "EUR",
        "amount": 0 if group.price_type == Group.Price.FREE else float(group.price_amount),
        "amount_description": text,
    }
    return [_clean(data)]


def _attributes(group: Group, ctx: Context, service_id: str) -> list[dict]:
    return [
        {
            "id": ids.derived(service_id, f"theme/{theme.pk}"),
            "link_id": service_id,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": ids.make(ids.TERM_THEME, theme.pk),
            "taxonomy_term": theme_term(theme, ctx),
        }
        for theme in group.themes.all()
    ]


def _service_areas(group: Group, ctx: Context, service_id: str) -> list[dict]:
    if not group.region_id:
        return []
    name = group.region.name
    return [
        _clean(
            {
                "id": ids.derived(service_id, "area"),
                "service_id": service_id,
                "name": name,
                "description": _("Region of Belgium (ISO 3166-2 %(code)s).")
                % {"code": group.region.iso_code}
                if group.region.iso_code
                else "",
                "uri": f"urn:iso:std:iso:3166:-2:{group.region.iso_code}"
                if group.region.iso_code
                else "",
            }
        )
    ]


def _status(group: Group) -> str:
    return "active" if group.has_upcoming_session else "inactive"


def _application_process(group: Group) -> str:
    parts = [str(group.get_registration_method_display())]
    if group.registration_method == Group.Registration.PHONE:
        parts.append(group.registration_phone)
    elif group.registration_method == Group.Registration.LINK:
        parts.append(group.registration_url)
    elif group.registration_method == Group.Registration.EMAIL:
        parts.append(group.registration_email)
    parts.append(group.registration_note)
    return " · ".join(part for part in parts if part)


def _eligibility(group: Group) -> str:
    text = ", ".join(str(label) for label in group.get_audiences_labels())
    ages = ", ".join(str(label) for label in group.get_child_age_bands_labels())
    if ages:
        text += " · " + _("Age of the child: %(ages)s") % {"ages": ages}
    return text


def service(group: Group, ctx: Context, *, full: bool = True) -> dict:
    """A published group. `full=False` gives the one-to-one fields of list pages."""
    service_id = ids.make(ids.SERVICE, group.pk)
    description = "\n\n".join(part for part in (group.summary, group.description) if part)
    data = {
        "id": service_id,
        "organization_id": ids.make(ids.PROFESSIONAL, group.owner_id),
        "name": group.title,
        "description": description,
        "url": ctx.url("directory:group_detail", slug=group.slug),
        # The registration address the group page shows (never the organiser's own).
        "email": group.registration_email
        if group.registration_method == Group.Registration.EMAIL
        else "",
        "status": _status(group),
        "application_process": _application_process(group),
        "fees_description": " ".join(
            part for part in (presentation.price_text(group), group.reimbursement_note) if part
        ),
        "eligibility_description": _eligibility(group),
        "assured_date": group.confirmed_on.isoformat() if group.confirmed_on else None,
        "alert": presentation.availability_text(group),
        "last_modified": timestamp(group_modified(group)),
    }
    data = _clean(data)
    if full:
        schedules = [schedule(group, ctx, service_id=service_id)]
        phones = []
        if group.registration_method == Group.Registration.PHONE:
            phones.append(
                {
                    "id": ids.derived(service_id, "phone"),
                    "service_id": service_id,
                    "number": group.registration_phone,
                    "type": "voice",
                }
            )
        data.update(
            phones=phones,
            schedules=[item for item in schedules if item],
            service_areas=_service_areas(group, ctx, service_id),
            service_at_locations=service_at_locations(group, ctx, with_service=False),
            languages=_languages(group, ctx, service_id),
            organization=professional_organization(group.owner, ctx),
            cost_options=_cost_options(group, ctx, service_id),
            contacts=_contacts(group, ctx, service_id),
            attributes=_attributes(group, ctx, service_id),
        )
    else:
        data["organization"] = professional_organization(group.owner, ctx)
    return data


def _contacts(group: Group, ctx: Context, service_id: str) -> list[dict]:
    """Who leads the sessions: names and professions only (no email, no phone)."""
    people = [group.owner, *getattr(group, "public_facilitators", [])]
    seen: set[int] = set()
    contacts = []
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        contacts.append(
            {
                "id": ids.derived(service_id, f"contact/{person.pk}"),
                "service_id": service_id,
                "name": person.name,
                "title": str(person.display_title),
            }
        )
    return contacts


# --- Locations and services at locations ---------------------------------------------------
def location(group: Group, kind: str, ctx: Context) -> dict:
    """Where a group meets: `kind` is ids.LOCATION_PHYSICAL or ids.LOCATION_VIRTUAL."""
    location_id = ids.make(kind, group.pk)
    if kind == ids.LOCATION_VIRTUAL:
        return _clean(
            {
                "id": location_id,
                "location_type": "virtual",
                "organization_id": ids.make(ids.PROFESSIONAL, group.owner_id),
                "name": _("Online"),
                # How to join, never the meeting link itself.
                "description": group.online_joining_info,
            }
        )
    postal_code = group.postal_code
    municipality = postal_code.municipality if postal_code else ""
    region = group.region.name if group.region_id else ""
    precise = group.location_is_precise
    data = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": ids.make(ids.PROFESSIONAL, group.owner_id),
        "name": group.venue_name or municipality,
        "description": ""
        if precise
        else _("The coordinates are the centre of the postal code, not the venue."),
        "transportation": group.venue_note,
        "latitude": float(group.latitude) if group.latitude is not None else None,
        "longitude": float(group.longitude) if group.longitude is not None else None,
    }
    data = _clean(data)
    if postal_code:
        data["addresses"] = [
            {
                "id": ids.derived(location_id, "address"),
                "location_id": location_id,
                "address_1": group.street_address or group.venue_name or municipality,
                "city": municipality,
                "region": region,
                "state_province": region,
                "postal_code": postal_code.code,
                "country": "BE",
                "address_type": "physical",
            }
        ]
    if group.wheelchair_access != Group.Access.UNKNOWN or group.accessibility_note:
        data["accessibility"] = [
            _clean(
                {
                    "id": ids.derived(location_id, "accessibility"),
                    "location_id": location_id,
                    "description": str(group.get_wheelchair_access_display()),
                    "details": group.accessibility_note,
                }
            )
        ]
    return data


def location_kinds(group: Group) -> list[tuple[str, str]]:
    """(service-at-location kind, location kind) pairs of a group, physical first."""
    kinds = []
    if group.format != Group.Format.ONLINE:
        kinds.append((ids.SAL_PHYSICAL, ids.LOCATION_PHYSICAL))
    if group.format != Group.Format.IN_PERSON:
        kinds.append((ids.SAL_VIRTUAL, ids.LOCATION_VIRTUAL))
    return kinds


def service_at_location(
    group: Group, sal_kind: str, location_kind: str, ctx: Context, *, with_service: bool = True
) -> dict:
    sal_id = ids.make(sal_kind, group.pk)
    service_id = ids.make(ids.SERVICE, group.pk)
    location_id = ids.make(location_kind, group.pk)
    description = "{title} · {place}".format(
        title=group.title,
        place=_("online") if sal_kind == ids.SAL_VIRTUAL else group.municipality,
    )
    data = {
        "id": sal_id,
        "service_id": service_id,
        "location_id": location_id,
        "description": description,
        "location": location(group, location_kind, ctx),
    }
    item = schedule(group, ctx, service_id=service_id, sal_id=sal_id, location_id=location_id)
    data["schedules"] = [item] if item else []
    if with_service:
        data["service"] = service(group, ctx, full=False)
    return data


def service_at_locations(group: Group, ctx: Context, *, with_service: bool = True) -> list[dict]:
    return [
        service_at_location(group, sal_kind, location_kind, ctx, with_service=with_service)
        for sal_kind, location_kind in location_kinds(group)
    ]


def now_stamp() -> str:
    return timestamp(timezone.now())
