"""Vetted professionals, the groups they run, the themes groups are about, and moderation.

Moderation in one place
-----------------------
Groups and professionals share one workflow (`Status`). Every change of status goes through
`ModerationQuerySet.transition()` (bulk) — wrapped by `.submit()`, `.publish()`,
`.request_changes()`, `.reject()`, `.archive()` and `.reopen()` — which checks the allowed
"from" states (`TRANSITIONS`), stamps `status_changed_at` (and `published_at` on first
publication) and writes one `StatusChange` row per object (who, when, from, to, message).
Single objects call the same code: ``group.publish(by=user, message="")``. Admin actions and
the practitioner/moderation views must use these methods, never ``.update(status=...)``.

Public visibility in one place
------------------------------
`Group.objects.published()` is the only definition of "public group": published, and owned by
a published (hence verified) professional. `Professional.objects.published()` likewise.
Every public filter is a chainable QuerySet method.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from networks.i18n import translated
from networks.models import PostalCode, Region

from .fields import ChoiceSetField
from .schedule import FAR_FUTURE, Schedule
from .text import normalize, query_terms

# --- Shared choices ---------------------------------------------------------------------------


class Status(models.TextChoices):
    """Moderation states shared by groups and professionals."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


# Allowed "from" states for each target state. Editors may publish from any other state;
# organisers submit drafts and answers to change requests; anything can be archived.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset(
        {Status.DRAFT, Status.CHANGES_REQUESTED, Status.REJECTED, Status.ARCHIVED}
    ),
    Status.PUBLISHED: frozenset(
        {
            Status.DRAFT,
            Status.PENDING,
            Status.CHANGES_REQUESTED,
            Status.REJECTED,
            Status.ARCHIVED,
        }
    ),
    Status.CHANGES_REQUESTED: frozenset({Status.PENDING, Status.PUBLISHED}),
    Status.REJECTED: frozenset({Status.DRAFT, Status.PENDING, Status.CHANGES_REQUESTED}),
    Status.ARCHIVED: frozenset(
        {
            Status.DRAFT,
            Status.PENDING,
            Status.PUBLISHED,
            Status.CHANGES_REQUESTED,
            Status.REJECTED,
        }
    ),
    Status.DRAFT: frozenset({Status.ARCHIVED, Status.REJECTED}),
}


class Language(models.TextChoices):
    """Languages a group runs in or a professional speaks (append only: see fields.py)."""

    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    DE = "de", _("German")
    EN = "en", _("English")
    LSFB = "lsfb", _("French Belgian Sign Language (LSFB)")
    VGT = "vgt", _("Flemish Sign Language (VGT)")


class Audience(models.TextChoices):
    """Who a group is for (append only: see fields.py)."""

    PARENTS = "parents", _("Parents")
    COUPLES = "couples", _("Couples and co-parents")
    FAMILIES = "families", _("Families")
    TEENAGERS = "teenagers", _("Teenagers")
    CHILDREN = "children", _("Children")
    ADULTS = "adults", _("Adults")
    SENIORS = "seniors", _("Seniors")
    SIBLINGS = "siblings", _("Brothers and sisters")
    CARERS = "carers", _("Carers")


class ChildAge(models.TextChoices):
    """The age of the child a group is about (append only: see fields.py)."""

    AGE_0_3 = "0-3", _("0 to 3 years")
    AGE_4_11 = "4-11", _("4 to 11 years")
    AGE_12_17 = "12-17", _("12 to 17 years")
    AGE_18_23 = "18-23", _("18 to 23 years")


# --- Moderation -----------------------------------------------------------------------------


class StatusChange(models.Model):
    """One moderation step of a group or a professional: the audit trail."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(
        _("from"), max_length=20, choices=Status.choices, blank=True, default=""
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    message = models.TextField(
        _("message"),
        blank=True,
        default="",
        help_text=_("Shown to the organiser for change requests and rejections."),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class ModerationQuerySet(models.QuerySet):
    """Status transitions shared by admin actions, views and single-object methods."""

    def transition(
        self, to: str, *, by=None, message: str = "", allowed_from=None
    ) -> list[models.Model]:
        """Move every object of this queryset that may go to `to`, and log it.

        Objects already in `to`, or in a state `TRANSITIONS` does not allow, are left alone.
        Returns the objects that changed (with their new status).
        """
        allowed = TRANSITIONS[to] if allowed_from is None else frozenset(allowed_from)
        now = timezone.now()
        manager = self.model._base_manager.db_manager(self.db)
        with transaction.atomic(using=self.db):
            # Re-read the rows without the caller's joins or ordering, locked (PostgreSQL).
            objects = list(
                manager.select_for_update()
                .filter(pk__in=list(self.values_list("pk", flat=True)), status__in=allowed)
                .exclude(status=to)
                .order_by("pk")
            )
            if not objects:
                return []
            pks = [obj.pk for obj in objects]
            updates = {"status": to, "status_changed_at": now}
            if to == Status.PUBLISHED and hasattr(self.model, "published_at"):
                updates["published_at"] = Coalesce("published_at", models.Value(now))
            manager.filter(pk__in=pks).update(**updates)
            content_type = ContentType.objects.db_manager(self.db).get_for_model(self.model)
            StatusChange.objects.using(self.db).bulk_create(
                StatusChange(
                    content_type=content_type,
                    object_id=obj.pk,
                    from_status=obj.status,
                    to_status=to,
                    by=by if getattr(by, "pk", None) else None,
                    at=now,
                    message=message,
                )
                for obj in objects
            )
            for obj in objects:
                obj.status = to
                obj.status_changed_at = now
                if to == Status.PUBLISHED and hasattr(obj, "published_at"):
                    obj.published_at = obj.published_at or now
        return objects

    def submit(self, *, by=None, message: str = ""):
        """Organiser: send a draft (or an answer to a change request) for review."""
        return self.transition(Status.PENDING, by=by, message=message)

    def publish(self, *, by=None, message: str = ""):
        """Editor: make public."""
        return self.transition(Status.PUBLISHED, by=by, message=message)

    def request_changes(self, *, by=None, message: str = ""):
        """Editor: send back to the organiser with a message saying what to change."""
        return self.transition(Status.CHANGES_REQUESTED, by=by, message=message)

    def reject(self, *, by=None, message: str = ""):
        """Editor: refuse (the message says why)."""
        return self.transition(Status.REJECTED, by=by, message=message)

    def archive(self, *, by=None, message: str = ""):
        """Editor or organiser: take offline for good (the group ended, the profile closed)."""
        return self.transition(Status.ARCHIVED, by=by, message=message)

    def reopen(self, *, by=None, message: str = ""):
        """Editor: turn an archived or rejected item back into a draft."""
        return self.transition(Status.DRAFT, by=by, message=message)


class ModeratedModel(models.Model):
    """Fields and single-object transitions of a moderated model."""

    Status = Status

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changes = GenericRelation(StatusChange)
    revisions = GenericRelation("directory.Revision")

    class Meta:
        abstract = True

    def _transition(self, method: str, by=None, message: str = "") -> bool:
        changed = getattr(type(self)._default_manager.filter(pk=self.pk), method)(
            by=by, message=message
        )
        if changed:
            self.status = changed[0].status
            self.status_changed_at = changed[0].status_changed_at
            if hasattr(self, "published_at"):
                self.published_at = changed[0].published_at
        return bool(changed)

    def submit(self, *, by=None, message: str = "") -> bool:
        return self._transition("submit", by, message)

    def publish(self, *, by=None, message: str = "") -> bool:
        return self._transition("publish", by, message)

    def request_changes(self, *, by=None, message: str = "") -> bool:
        return self._transition("request_changes", by, message)

    def reject(self, *, by=None, message: str = "") -> bool:
        return self._transition("reject", by, message)

    def archive(self, *, by=None, message: str = "") -> bool:
        return self._transition("archive", by, message)

    def reopen(self, *, by=None, message: str = "") -> bool:
        return self._transition("reopen", by, message)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


# --- Themes ----------------------------------------------------------------------------------


class Theme(models.Model):
    """A topic a group is about (ADHD, grief...). Editors extend the list in the admin."""

    class Family(models.TextChoices):
        DEVELOPMENT = "development", _("Development and learning")
        EMOTIONS = "emotions", _("Emotions and mental health")
        BEHAVIOUR = "behaviour", _("Behaviour and school")
        HEALTH = "health", _("Health and addiction")
        LIFE_EVENTS = "life_events", _("Life events")
        FAMILY = "family", _("Family life")

    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Part of search addresses (?theme=adhd): do not change once in use."),
    )
    family = models.CharField(_("family"), max_length=20, choices=Family.choices)
    name_fr = models.CharField(_("name (French)"), max_length=80)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True, default="")
    name_de = models.CharField(_("name (German)"), max_length=80, blank=True, default="")
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, help_text=_("Lower numbers come first in lists.")
    )

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Theme names are part of each group's search text.
        groups = list(self.groups.select_related("postal_code").prefetch_related("themes"))
        for group in groups:
            group.search_text = group.build_search_text()
        Group.objects.bulk_update(groups, ["search_text"], batch_size=500)

    def get_absolute_url(self) -> str:
        return f"{reverse('directory:group_list')}?theme={self.slug}"

    @property
    def name(self) -> str:
        return translated(self, "name")


# --- Professionals ---------------------------------------------------------------------------


class ProfessionalQuerySet(ModerationQuerySet):
    def published(self):
        """Public profiles: published (publication requires a verified profile)."""
        return self.filter(status=Status.PUBLISHED)

    def verified(self):
        return self.filter(verification_status=Professional.Verification.VERIFIED)

    def examples(self):
        return self.filter(is_example=True)

    def publish(self, *, by=None, message: str = ""):
        """Editor: make public. Only verified profiles can be published; others are skipped."""
        return self.verified().transition(Status.PUBLISHED, by=by, message=message)

    def verify(self, *, by=None, evidence: str = ""):
        """Record that an editor checked these professionals (title, registration)."""
        updates = {
            "verification_status": Professional.Verification.VERIFIED,
            "verified_at": timezone.now(),
            "verified_by": by if getattr(by, "pk", None) else None,
        }
        if evidence:
            updates["verification_evidence"] = evidence
        return self.update(**updates)


class Professional(ModeratedModel):
    """A person who runs groups, checked by an editor before anything of theirs goes public."""

    class Title(models.TextChoices):
        CLINICAL_PSYCHOLOGIST = "clinical_psychologist", _("Clinical psychologist")
        CLINICAL_ORTHOPEDAGOGUE = "clinical_orthopedagogue", _("Clinical orthopedagogue")
        PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
        CHILD_PSYCHIATRIST = "child_psychiatrist", _("Child and adolescent psychiatrist")
        PSYCHOTHERAPIST = "psychotherapist", _("Psychotherapist")
        FAMILY_THERAPIST = "family_therapist", _("Family therapist")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        NURSE = "nurse", _("Psychiatric nurse")
        PSYCHOMOTOR_THERAPIST = "psychomotor_therapist", _("Psychomotor therapist")
        PEER_FACILITATOR = "peer_facilitator", _("Peer facilitator")
        OTHER = "other", _("Other")

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified yet")
        VERIFIED = "verified", _("Verified")
        FAILED = "failed", _("Could not be verified")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=150, help_text=_("As shown on the site."))
    title = models.CharField(_("profession"), max_length=30, choices=Title.choices)
    title_detail = models.CharField(
        _("profession in their words"),
        max_length=150,
        blank=True,
        default="",
        help_text=_("Optional, e.g. “systemic family therapist”."),
    )
    organisation = models.CharField(_("organisation"), max_length=150, blank=True, default="")
    registration_number = models.CharField(
        _("registration number"),
        max_length=60,
        blank=True,
        default="",
        help_text=_(
            "Where the profession has one: Psychologists' Commission number, RIZIV/INAMI "
            "number, visa. Peer facilitators have none."
        ),
    )
    bio = models.TextField(_("about"), blank=True, default="")
    languages = ChoiceSetField(_("languages"), choices_class=Language, blank=True)
    website = models.URLField(_("website"), blank=True, default="")
    contact_email = models.EmailField(
        _("contact email"),
        help_text=_("Never shown on the site: contact messages are forwarded to it."),
    )
    photo = models.ImageField(_("photo"), upload_to="professionals/", blank=True, default="")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="professional",
        help_text=_("The practitioner account that manages this profile and its groups."),
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verification_evidence = models.TextField(
        _("evidence"),
        blank=True,
        default="",
        help_text=_("What was checked, where, and against which register. Not public."),
    )
    is_example = models.BooleanField(
        _("example listing"), default=False, help_text=_("Fictional demo content.")
    )
    email_language = models.CharField(
        _("language of our emails"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("Moderation decisions and reminders are written in this language."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.PUBLISHED)
                | models.Q(verification_status="verified"),
                name="professional_published_is_verified",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:professional_detail", kwargs={"slug": self.slug})

    def clean(self):
        if (
            self.status == Status.PUBLISHED
            and self.verification_status != self.Verification.VERIFIED
        ):
            raise ValidationError(
                {"status": _("Verify the professional before publishing the profile.")}
            )

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED

    @property
    def display_title(self) -> str:
        return self.title_detail or str(_TITLE_LABELS.get(self.title, self.title))


_TITLE_LABELS = dict(Professional.Title.choices)

# --- Groups ----------------------------------------------------------------------------------

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_AT_EQUATOR = 111.320


class GroupQuerySet(ModerationQuerySet):
    """Public filters of the search; each takes already-validated values and chains."""

    def published(self):
        """The only definition of a public group: published, owned by a published professional.

        The owner test is a correlated EXISTS on the owner's primary key rather than a join,
        so both databases walk the (status, next_session_on, id) index in order and stop
        after a page of results, instead of sorting every public group.
        """
        return self.filter(
            models.Exists(
                Professional.objects.filter(pk=models.OuterRef("owner_id"), status=Status.PUBLISHED)
            ),
            status=Status.PUBLISHED,
        )

    def examples(self):
        return self.filter(is_example=True)

    def for_cards(self):
        """Everything a result card shows, in a constant number of queries.

        The long texts a card never shows stay in the database.
        """
        return (
            self.select_related("owner", "postal_code", "region")
            .defer("description", "search_text", "owner__bio", "owner__verification_evidence")
            .prefetch_related(
                models.Prefetch("themes", queryset=Theme.objects.order_by("order", "slug"))
            )
        )

    def run_by(self, professional):
        """Groups a professional organises or co-facilitates."""
        cofacilitated = Group.facilitators.through.objects.filter(
            professional_id=professional.pk
        ).values("group_id")
        return self.filter(models.Q(owner=professional) | models.Q(pk__in=cofacilitated))

    def in_region(self, *regions):
        """Regions as `Region` objects or codes; "DG" is the German-speaking Community.

        With `Region` objects the test is on `region_id` alone (no join), which the search
        indexes can answer.
        """
        objects = [r for r in regions if isinstance(r, Region) and r.code != "DG"]
        codes = {getattr(r, "code", r) for r in regions if not isinstance(r, Region)}
        query = models.Q(region__in=[r.pk for r in objects]) if objects else models.Q()
        if codes - {"DG"}:
            query |= models.Q(region__code__in=codes - {"DG"})
        if "DG" in codes or any(getattr(r, "code", "") == "DG" for r in regions):
            query |= models.Q(postal_code__in_german_community=True)
        return self.filter(query) if query else self.none()

    def for_theme(self, *themes):
        """Themes as `Theme` objects or slugs (OR)."""
        ids = [theme.pk for theme in themes if isinstance(theme, Theme)]
        slugs = [theme for theme in themes if not isinstance(theme, Theme)]
        through = Group.themes.through.objects.filter(group_id=models.OuterRef("pk"))
        through = (
            through.filter(theme_id__in=ids)
            if not slugs
            else through.filter(models.Q(theme_id__in=ids) | models.Q(theme__slug__in=slugs))
        )
        return self.filter(models.Exists(through))

    def for_audience(self, *audiences):
        return self.filter(audiences__any=audiences)

    def for_child_age(self, *bands):
        return self.filter(child_age_bands__any=bands)

    def speaking(self, *languages):
        return self.filter(languages__any=languages)

    def with_format(self, *formats):
        return self.filter(format__in=formats)

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)

    def free(self):
        return self.filter(price_type=Group.Price.FREE)

    def on_weekday(self, *days):
        """ISO weekdays, 1 = Monday."""
        return self.filter(weekday__in=[int(day) for day in days])

    def wheelchair_accessible(self):
        return self.filter(wheelchair_access=Group.Access.YES)

    def near(self, latitude, longitude, km):
        """Groups with a place within `km` of a point, annotated with `distance_sq` (km²).

        Belgium is small enough for an equirectangular approximation (error well under 1%),
        so the database needs only arithmetic: a bounding box on the indexed coordinates,
        then the squared distance. `distance_km` is the Python-side square root.
        """
        latitude, longitude, km = float(latitude), float(longitude), float(km)
        lon_scale = KM_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(latitude))
        dlat = km / KM_PER_DEGREE_LAT
        dlon = km / lon_scale
        as_float = models.FloatField()
        dy = (Cast("latitude", as_float) - latitude) * KM_PER_DEGREE_LAT
        dx = (Cast("longitude", as_float) - longitude) * lon_scale
        return (
            self.filter(
                latitude__range=(_dec(latitude - dlat), _dec(latitude + dlat)),
                longitude__range=(_dec(longitude - dlon), _dec(longitude + dlon)),
            )
            .annotate(distance_sq=dx * dx + dy * dy)
            .filter(distance_sq__lte=km * km)
        )

    def search(self, query: str):
        """Words of `query` (accent- and case-insensitive, prefix match), all required.

        PostgreSQL: full-text search on an expression GIN index. SQLite: an FTS5 table kept
        in sync by triggers. Both read `search_text` (see migration 0002).
        """
        terms = query_terms(query)
        if not terms:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery

            tsquery = " & ".join(f"{term}:*" for term in terms)
            return self.alias(search_vector=_SearchVectorColumn()).filter(
                search_vector=SearchQuery(tsquery, search_type="raw", config="simple")
            )
        if connection.vendor == "sqlite":
            match = " ".join(f'"{term}"*' for term in terms)
            return self.filter(
                pk__in=models.expressions.RawSQL(
                    "SELECT rowid FROM directory_group_fts WHERE directory_group_fts MATCH %s",
                    (match,),
                )
            )
        query = models.Q()
        for term in terms:
            query &= models.Q(search_text__contains=term)
        return self.filter(query)

    def soonest_first(self):
        """Next session first (index: status, next_session_on, id)."""
        return self.order_by("next_session_on", "pk")

    def newest_first(self):
        """Most recently published first (index: status, published_at, id)."""
        return self.order_by("-published_at", "-pk")

    def nearest_first(self):
        """After `near()`."""
        return self.order_by("distance_sq", "next_session_on", "pk")

    def needing_confirmation(self, days: int | None = None):
        """Published groups whose organiser has not confirmed them for `days` days."""
        days = settings.GROUP_CONFIRM_AFTER_DAYS if days is None else days
        cutoff = timezone.localdate() - dt.timedelta(days=days)
        return self.filter(status=Status.PUBLISHED).filter(
            models.Q(confirmed_on__lt=cutoff) | models.Q(confirmed_on__isnull=True)
        )

    def refresh_next_sessions(self) -> int:
        """Recompute the stored next-session dates (run daily); returns how many changed."""
        changed = []
        for group in self.only(*Group.SCHEDULE_FIELDS, "next_session_on").iterator(2000):
            value = group.compute_next_session_on()
            if value != group.next_session_on:
                group.next_session_on = value
                changed.append(group)
        Group.objects.bulk_update(changed, ["next_session_on"], batch_size=1000)
        return len(changed)


class _SearchVectorColumn(models.Expression):
    """The PostgreSQL-only `search_vector` column (migration 0006) of the query's group table."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


class Group(ModeratedModel):
    """A support group, therapy group, psycho-educational or peer group."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("Support group")
        THERAPY = "therapy", _("Therapy group")
        PSYCHOEDUCATION = "psychoeducation", _("Psycho-educational group")
        PEER = "peer", _("Peer group")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid (in person and online)")

    class Access(models.TextChoices):
        UNKNOWN = "unknown", _("Not stated")
        YES = "yes", _("Wheelchair accessible")
        NO = "no", _("Not wheelchair accessible")

    class Price(models.TextChoices):
        FREE = "free", _("Free")
        PER_SESSION = "per_session", _("Per session")
        PER_CYCLE = "per_cycle", _("For the whole cycle")
        SLIDING = "sliding_scale", _("Sliding scale (pay what you can)")

    class Registration(models.TextChoices):
        CONTACT_FORM = "contact_form", _("Through this site's contact form")
        EMAIL = "email", _("By email")
        PHONE = "phone", _("By phone")
        LINK = "link", _("On the organiser's website")

    class ScheduleType(models.TextChoices):
        ONGOING = "ongoing", _("Ongoing series (join any time)")
        CYCLE = "cycle", _("Closed cycle (fixed number of sessions)")

    class Recurrence(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Every month (same date)")
        MONTHLY_NTH = "monthly_nth", _("The same weekday of each month (e.g. 2nd Tuesday)")

    class Weekday(models.IntegerChoices):
        # A context of their own: a bare "Monday" in our catalogue would override Django's
        # own, lower-case one in dates ("mardi 24 novembre", "un lundi sur deux").
        MONDAY = 1, pgettext_lazy("weekday", "Monday")
        TUESDAY = 2, pgettext_lazy("weekday", "Tuesday")
        WEDNESDAY = 3, pgettext_lazy("weekday", "Wednesday")
        THURSDAY = 4, pgettext_lazy("weekday", "Thursday")
        FRIDAY = 5, pgettext_lazy("weekday", "Friday")
        SATURDAY = 6, pgettext_lazy("weekday", "Saturday")
        SUNDAY = 7, pgettext_lazy("weekday", "Sunday")

    class WeekOfMonth(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        LAST = -1, _("last")

    Language = Language
    Audience = Audience
    ChildAge = ChildAge

    SCHEDULE_FIELDS = (
        "schedule_type",
        "recurrence",
        "weekday",
        "week_of_month",
        "first_session_on",
        "last_session_on",
        "start_time",
        "end_time",
        "session_count",
    )

    # No single-column indexes on the fields the search filters on (status, kind, format,
    # price, weekday, region): `group_search_cover` and `group_near_cover` hold them all,
    # and every extra index is work for each write and for PostgreSQL's planner.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )

    # What
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("One or two sentences shown on result cards."),
    )
    description = models.TextField(
        _("description"), help_text=_("What happens in the group, who leads it, how it helps.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="groups")
    # Who runs it
    owner = models.ForeignKey(
        Professional,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="groups",
        help_text=_("The professional who submitted the group and answers for it."),
    )
    facilitators = models.ManyToManyField(
        Professional,
        verbose_name=_("co-facilitators"),
        blank=True,
        related_name="cofacilitated_groups",
        help_text=_("Other professionals who lead sessions (shown when their profile is public)."),
    )
    # For whom
    audiences = ChoiceSetField(_("for whom"), choices_class=Audience)
    child_age_bands = ChoiceSetField(
        _("age of the child"),
        choices_class=ChildAge,
        blank=True,
        help_text=_("When the group is about a child or young person."),
    )
    languages = ChoiceSetField(_("languages"), choices_class=Language)
    # Where
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    venue_name = models.CharField(_("venue"), max_length=150, blank=True, default="")
    street_address = models.CharField(
        _("street and number"), max_length=200, blank=True, default=""
    )
    postal_code = models.ForeignKey(
        PostalCode,
        verbose_name=_("postal code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Required for groups that meet in person."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # No index of its own: the search's covering indexes hold the region, and a separate
        # one tempted SQLite into sorting a whole region's rows instead of walking them in order.
        db_index=False,
        help_text=_(
            "Set from the postal code; for online groups, the region they serve (optional)."
        ),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_is_precise = models.BooleanField(
        _("precise location"),
        default=False,
        help_text=_(
            "Tick after entering the venue's own coordinates. Unticked, the coordinates "
            "follow the postal code's centre."
        ),
    )
    venue_note = models.TextField(
        _("how to get there"), blank=True, default="", help_text=_("Entrance, parking, transport.")
    )
    online_joining_info = models.TextField(
        _("joining online"),
        blank=True,
        default="",
        help_text=_("Platform and how participants receive the link (never the link itself)."),
    )
    wheelchair_access = models.CharField(
        _("wheelchair access"), max_length=8, choices=Access.choices, default=Access.UNKNOWN
    )
    accessibility_note = models.CharField(
        _("accessibility note"), max_length=300, blank=True, default=""
    )
    # Price
    price_type = models.CharField(
        _("price"), max_length=16, choices=Price.choices, default=Price.FREE
    )
    price_amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Per session or per cycle; for a sliding scale, the lowest amount."),
    )
    price_amount_max = models.DecimalField(
        _("highest amount (EUR)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Sliding scale only."),
    )
    reimbursement_note = models.CharField(
        _("reimbursement"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("Only what the organiser states, e.g. a mutual insurance refund."),
    )
    # Registration
    registration_method = models.CharField(
        _("how to register"),
        max_length=14,
        choices=Registration.choices,
        default=Registration.CONTACT_FORM,
    )
    registration_email = models.EmailField(_("registration email"), blank=True, default="")
    registration_phone = models.CharField(
        _("registration phone"), max_length=30, blank=True, default=""
    )
    registration_url = models.URLField(_("registration link"), blank=True, default="")
    registration_note = models.CharField(
        _("registration note"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("e.g. “A short phone call with the facilitator before the first session.”"),
    )
    # When (local Brussels dates and times)
    schedule_type = models.CharField(
        _("schedule"), max_length=8, choices=ScheduleType.choices, default=ScheduleType.ONGOING
    )
    recurrence = models.CharField(
        _("repeats"), max_length=12, choices=Recurrence.choices, default=Recurrence.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=Weekday.choices,
        null=True,
        blank=True,
        help_text=_("Empty for a monthly date."),
    )
    week_of_month = models.SmallIntegerField(
        _("week of the month"),
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text=_("For “the same weekday of each month” only."),
    )
    first_session_on = models.DateField(
        _("first session"), help_text=_("For a closed cycle: the day the cycle starts.")
    )
    last_session_on = models.DateField(
        _("series ends on"),
        null=True,
        blank=True,
        help_text=_("Ongoing series only; empty when it runs until further notice."),
    )
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    session_count = models.PositiveSmallIntegerField(
        _("number of sessions"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("Closed cycles only."),
    )
    intake_deadline = models.DateField(_("register before"), null=True, blank=True)
    open_to_newcomers = models.BooleanField(
        _("newcomers welcome"),
        default=True,
        help_text=_("For a cycle already running: can someone still join?"),
    )
    places_left = models.PositiveSmallIntegerField(_("places left"), null=True, blank=True)
    waiting_list = models.BooleanField(_("waiting list"), default=False)
    schedule_note = models.CharField(
        _("schedule note"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("e.g. “No sessions in July and August.”"),
    )
    # Denormalised for sorting; refreshed on save and daily (refresh_group_dates).
    next_session_on = models.DateField(
        _("next session (sort key)"), default=FAR_FUTURE, editable=False
    )
    # Trust and lifecycle
    confirmed_on = models.DateField(
        _("confirmed on"),
        null=True,
        blank=True,
        help_text=_("The day the organiser last confirmed the information is current."),
    )
    reminder_sent_on = models.DateField(
        _("confirmation reminder sent on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Cleared when the organiser confirms; see send_confirmation_reminders."),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    # Set when a closed cycle is moved to a later start: the search's feeds and alerts
    # announce it again (see `_note_new_cycle`).
    new_cycle_at = models.DateTimeField(
        _("new cycle announced"), null=True, blank=True, editable=False
    )
    is_example = models.BooleanField(
        _("example listing"), default=False, help_text=_("Fictional demo content.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Normalised text behind the search (title, summary, description, themes, place).
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["next_session_on", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        indexes = [
            # The search walks this index in "next session" order and evaluates every public
            # filter from it without reading the (wide) rows, so a page of results and the
            # capped count cost about the same at 10k and 100k groups (bench/directory_search.py).
            models.Index(
                fields=[
                    "status",
                    "next_session_on",
                    "id",
                    "owner",
                    "format",
                    "kind",
                    "price_type",
                    "weekday",
                    "region",
                    "audiences",
                    "child_age_bands",
                    "languages",
                    "latitude",
                    "longitude",
                ],
                name="group_search_cover",
            ),
            models.Index(
                fields=["status", "published_at", "id", "owner"], name="group_status_published"
            ),
            # The same, led by the coordinates, for searches around a postal code.
            models.Index(
                fields=[
                    "latitude",
                    "longitude",
                    "status",
                    "owner",
                    "next_session_on",
                    "id",
                    "format",
                    "kind",
                    "price_type",
                    "weekday",
                    "region",
                    "audiences",
                    "child_age_bands",
                    "languages",
                ],
                name="group_near_cover",
                # Only groups with a place: online ones (no coordinates) would sit at its end,
                # where a planner walking it for another filter wastes a whole scan.
                condition=models.Q(latitude__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format="online") | models.Q(postal_code__isnull=False),
                name="group_in_person_has_postal_code",
            ),
            models.CheckConstraint(
                condition=models.Q(price_type="free", price_amount__isnull=True)
                | (~models.Q(price_type="free") & models.Q(price_amount__isnull=False)),
                name="group_price_amount_matches_type",
            ),
            models.CheckConstraint(
                condition=~models.Q(schedule_type="cycle") | models.Q(session_count__gte=1),
                name="group_cycle_has_sessions",
            ),
            models.CheckConstraint(
                condition=models.Q(recurrence="monthly") | models.Q(weekday__isnull=False),
                name="group_recurrence_has_weekday",
            ),
            models.CheckConstraint(
                condition=~models.Q(recurrence="monthly_nth")
                | models.Q(week_of_month__isnull=False),
                name="group_nth_has_week",
            ),
            models.CheckConstraint(
                condition=~models.Q(registration_method="email") | ~models.Q(registration_email=""),
                name="group_registration_email_given",
            ),
            models.CheckConstraint(
                condition=~models.Q(registration_method="phone") | ~models.Q(registration_phone=""),
                name="group_registration_phone_given",
            ),
            models.CheckConstraint(
                condition=~models.Q(registration_method="link") | ~models.Q(registration_url=""),
                name="group_registration_url_given",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.apply_postal_code()
        self.next_session_on = self.compute_next_session_on()
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "region",
                "latitude",
                "longitude",
                "next_session_on",
                "search_text",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:group_detail", kwargs={"slug": self.slug})

    def get_ics_url(self) -> str:
        return reverse("directory:group_ics", kwargs={"slug": self.slug})

    # --- validation (mirrors the constraints, with words for the editor) ------------------
    def clean(self):
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.format != self.Format.ONLINE and not self.postal_code_id:
            add("postal_code", _("A group that meets in person needs a postal code."))
        if self.price_type == self.Price.FREE:
            if self.price_amount is not None:
                add("price_amount", _("Leave the amount empty for a free group."))
        elif self.price_amount is None:
            add("price_amount", _("Give the amount, or choose “Free”."))
        if self.price_amount_max is not None and (
            self.price_type != self.Price.SLIDING
            or (self.price_amount is not None and self.price_amount_max < self.price_amount)
        ):
            add(
                "price_amount_max",
                _("Only for a sliding scale, and not lower than the lowest amount."),
            )
        if self.schedule_type == self.ScheduleType.CYCLE and not self.session_count:
            add("session_count", _("Give the number of sessions of the cycle."))
        if self.recurrence != self.Recurrence.MONTHLY and not self.weekday:
            add("weekday", _("Choose the weekday the group meets."))
        if self.recurrence == self.Recurrence.MONTHLY_NTH and not self.week_of_month:
            add("week_of_month", _("Choose which week of the month (first, second...)."))
        if self.recurrence == self.Recurrence.MONTHLY and self.weekday:
            add("weekday", _("Leave the weekday empty for a monthly date."))
        if self.end_time and self.start_time and self.end_time <= self.start_time:
            add("end_time", _("The end time must come after the start time."))
        if (
            self.last_session_on
            and self.first_session_on
            and self.last_session_on < self.first_session_on
        ):
            add("last_session_on", _("The series cannot end before it starts."))
        required = {
            self.Registration.EMAIL: ("registration_email", _("Give the registration email.")),
            self.Registration.PHONE: ("registration_phone", _("Give the registration phone.")),
            self.Registration.LINK: ("registration_url", _("Give the registration link.")),
        }
        if self.registration_method in required:
            field, message = required[self.registration_method]
            if not getattr(self, field):
                add(field, message)
        if self.location_is_precise and (self.latitude is None or self.longitude is None):
            add("latitude", _("Enter both coordinates for a precise location."))
        if errors:
            raise ValidationError(errors)

    # --- derived data ---------------------------------------------------------------------
    def apply_postal_code(self) -> None:
        """Region and (unless precise) coordinates from the postal code."""
        postal_code = self.postal_code if self.postal_code_id else None
        if postal_code is None:
            if not self.location_is_precise:
                self.latitude = self.longitude = None
            return
        self.region_id = postal_code.region_id
        if not self.location_is_precise:
            self.latitude, self.longitude = postal_code.latitude, postal_code.longitude

    def compute_next_session_on(self) -> dt.date:
        return Schedule(self).next_date() or FAR_FUTURE

    def build_search_text(self, theme_names: list[str] | None = None) -> str:
        parts = [self.title, self.summary, self.description, self.venue_name]
        if self.postal_code_id:
            postal_code = self.postal_code
            parts += [
                postal_code.code,
                postal_code.municipality_fr,
                postal_code.municipality_nl,
                postal_code.localities.replace("|", " "),
            ]
        if theme_names is None:
            theme_names = []
            if self.pk:
                for theme in self.themes.all():
                    theme_names += [theme.name_fr, theme.name_nl, theme.name_en, theme.name_de]
        parts += theme_names
        return normalize(" ".join(part for part in parts if part))

    def refresh_search_text(self) -> None:
        self.search_text = self.build_search_text()
        type(self)._base_manager.filter(pk=self.pk).update(search_text=self.search_text)

    # --- display helpers ------------------------------------------------------------------
    @cached_property
    def schedule(self) -> Schedule:
        return Schedule(self)

    @property
    def is_online(self) -> bool:
        return self.format == self.Format.ONLINE

    @property
    def meets_in_person(self) -> bool:
        return self.format != self.Format.ONLINE

    @property
    def municipality(self) -> str:
        return self.postal_code.municipality if self.postal_code_id else ""

    @property
    def distance_km(self) -> float | None:
        distance_sq = getattr(self, "distance_sq", None)
        return None if distance_sq is None else math.sqrt(max(distance_sq, 0.0))

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def has_upcoming_session(self) -> bool:
        return self.next_session_on != FAR_FUTURE


# Keep the stored search text in step with the group's themes.
def _themes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        for group in Group.objects.filter(pk__in=pk_set or []):
            group.refresh_search_text()
    else:
        instance.refresh_search_text()


models.signals.m2m_changed.connect(
    _themes_changed, sender=Group.themes.through, dispatch_uid="directory_group_themes_changed"
)


# --- Practitioner space: revisions, contact messages, reports ---------------------------------


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Revision.State.PENDING)

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )


class Revision(models.Model):
    """Changes an organiser made to a published group or profile, waiting for an editor.

    The public version stays online, unchanged, until an editor approves: `apply()` then
    copies `data` onto the live object. `data` maps model field names to JSON values
    (foreign keys and many-to-many as primary keys); see `value_to_json()`.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("proposed values"), encoder=DjangoJSONEncoder, default=dict)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed on"), default=timezone.now)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    message = models.TextField(
        _("message to the organiser"),
        blank=True,
        default="",
        help_text=_("Emailed to the organiser with the decision."),
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change waiting for review")
        verbose_name_plural = _("changes waiting for review")
        indexes = [models.Index(fields=["content_type", "object_id", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state="pending"),
                name="revision_one_pending_per_object",
            )
        ]

    def __str__(self) -> str:
        return _("Changes to “%(target)s”") % {"target": self.target}

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    # --- values <-> JSON ------------------------------------------------------------------
    @staticmethod
    def value_to_json(model, name: str, value):
        field = model._meta.get_field(name)
        if field.many_to_many:
            return sorted(getattr(item, "pk", item) for item in value or [])
        if field.is_relation:
            return getattr(value, "pk", value)
        if isinstance(value, (dt.date, dt.time, Decimal)):
            return value.isoformat() if not isinstance(value, Decimal) else str(value)
        return value

    @classmethod
    def data_from(cls, obj, values: dict) -> dict:
        """JSON-ready `data` for `values` (a form's cleaned data) of `obj`'s model."""
        return {name: cls.value_to_json(type(obj), name, value) for name, value in values.items()}

    @classmethod
    def current_data(cls, obj, names) -> dict:
        """The live object's values of `names`, in the same JSON form as `data`."""
        current = {}
        for name in names:
            field = obj._meta.get_field(name)
            value = getattr(obj, name).all() if field.many_to_many else getattr(obj, name)
            current[name] = cls.value_to_json(type(obj), name, value)
        return current

    def proposed_values(self) -> tuple[dict, dict]:
        """(plain field values by attribute name, many-to-many pks by field name)."""
        model = self.content_type.model_class()
        values, relations = {}, {}
        for name, raw in self.data.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a field removed since the revision was proposed
            if field.many_to_many:
                relations[name] = list(raw or [])
            elif field.is_relation:
                values[field.attname] = raw
            else:
                values[field.attname] = field.to_python(raw)
        return values, relations

    def changed_fields(self) -> list[str]:
        """Names of the fields whose proposed value differs from the live object."""
        target = self.target
        if target is None:
            return []
        current = self.current_data(target, self.data.keys())
        proposed = json.loads(json.dumps(self.data, cls=DjangoJSONEncoder))
        current = json.loads(json.dumps(current, cls=DjangoJSONEncoder))
        return [name for name in self.data if current.get(name) != proposed.get(name)]

    # --- decisions ------------------------------------------------------------------------
    def apply(self, *, by=None, message: str = "") -> None:
        """Editor: copy the proposed values onto the live object and close the revision."""
        with transaction.atomic():
            target = type(self.target)._base_manager.select_for_update().get(pk=self.object_id)
            values, relations = self.proposed_values()
            for attname, value in values.items():
                setattr(target, attname, value)
            if hasattr(target, "confirmed_on"):
                target.confirmed_on = timezone.localdate()
                target.reminder_sent_on = None
            target.save()
            for name, pks in relations.items():
                getattr(target, name).set(pks)
            self._close(self.State.APPROVED, by, message)

    def reject(self, *, by=None, message: str = "") -> None:
        """Editor: refuse the change; the live object stays as it is."""
        self._close(self.State.REJECTED, by, message)

    def withdraw(self, *, by=None) -> None:
        """Organiser: drop the proposed change."""
        self._close(self.State.WITHDRAWN, by, "")

    def _close(self, state: str, by, message: str) -> None:
        self.state = state
        self.decided_by = by if getattr(by, "pk", None) else None
        self.decided_at = timezone.now()
        self.message = message
        self.save(update_fields=["state", "decided_by", "decided_at", "message", "updated_at"])


class ContactMessageQuerySet(models.QuerySet):
    def older_than(self, days: int):
        return self.filter(created_at__lt=timezone.now() - dt.timedelta(days=days))


class ContactMessage(models.Model):
    """The stored copy of a visitor's message relayed to an organiser (purged after N days)."""

    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="contact_messages",
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent on"), default=timezone.now, db_index=True)

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.name} → {self.group}"


class ListingReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class ListingReport(models.Model):
    """A visitor's "report a problem with this listing", in the editors' queue."""

    class Reason(models.TextChoices):
        OUTDATED = "outdated", _("The information is out of date")
        ENDED = "ended", _("The group does not run any more")
        WRONG = "wrong", _("Something is wrong (place, price, how to register)")
        INAPPROPRIATE = "inappropriate", _("The content is misleading or inappropriate")
        OTHER = "other", _("Something else")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    message = models.TextField(_("details"), blank=True, default="")
    email = models.EmailField(
        _("reporter's email"),
        blank=True,
        default="",
        help_text=_("Optional; only to ask the visitor a question. Not shown to the organiser."),
    )
    created_at = models.DateTimeField(_("reported on"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    editor_note = models.TextField(_("editor's note"), blank=True, default="")

    objects = ListingReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("listing report")
        verbose_name_plural = _("listing reports")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} · {self.group}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- Following a search: feeds and email alerts -----------------------------------------------


def _remember_cycle_start(sender, instance, raw=False, **kwargs):
    """Before saving a cycle, note the start date stored so far (see `_note_new_cycle`)."""
    instance._stored_cycle_start = None
    if raw or not instance.pk or instance.schedule_type != Group.ScheduleType.CYCLE:
        return
    instance._stored_cycle_start = (
        Group._base_manager.filter(pk=instance.pk, schedule_type=Group.ScheduleType.CYCLE)
        .values_list("first_session_on", flat=True)
        .first()
    )


def _note_new_cycle(sender, instance, created=False, raw=False, **kwargs):
    """A cycle whose start moved to a later, future date is a new cycle: stamp it."""
    stored = getattr(instance, "_stored_cycle_start", None)
    start = instance.first_session_on
    if raw or created or stored is None or not start or start <= stored:
        return
    if start < timezone.localdate():
        return
    now = timezone.now()
    Group._base_manager.filter(pk=instance.pk).update(new_cycle_at=now)
    instance.new_cycle_at = now


models.signals.pre_save.connect(
    _remember_cycle_start, sender=Group, dispatch_uid="directory_group_cycle_start"
)
models.signals.post_save.connect(
    _note_new_cycle, sender=Group, dispatch_uid="directory_group_new_cycle"
)


class SearchAlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def due(self, now=None):
        """Confirmed alerts whose next email may go now (immediate: always; weekly: 7 days)."""
        now = now or timezone.now()
        week_ago = now - dt.timedelta(days=7)
        return self.confirmed().filter(
            models.Q(frequency=SearchAlert.Frequency.IMMEDIATE)
            | models.Q(last_sent_at__isnull=True)
            | models.Q(last_sent_at__lte=week_ago)
        )

    def stale_unconfirmed(self, days: int = 7):
        """Requests never confirmed: deleted after a week (the address was never ours to keep)."""
        cutoff = timezone.now() - dt.timedelta(days=days)
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff)


def _alert_token() -> str:
    return secrets.token_urlsafe(32)


class SearchAlert(models.Model):
    """An email alert for a saved search. No account: the address serves only this alert.

    Double opt-in: nothing is sent but the confirmation email until the link in it is
    used. Unsubscribing deletes the row, and with it the address.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as a group appears")
        WEEKLY = "weekly", _("At most once a week")

    email = models.EmailField(_("email"))
    query = models.CharField(
        _("search"),
        max_length=2000,
        blank=True,
        default="",
        help_text=_("The search's parameters, normalised through the search filters."),
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # The secret of the unsubscribe and confirmation links.
    token = models.CharField(max_length=64, unique=True, default=_alert_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_sent_at = models.DateTimeField(
        _("groups sent up to"),
        null=True,
        blank=True,
        help_text=_("Groups published (or with a new cycle) after this are news."),
    )

    objects = SearchAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("search alert")
        verbose_name_plural = _("search alerts")
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="searchalert_unique_search")
        ]

    def __str__(self) -> str:
        return f"{self.email} · ?{self.query}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
