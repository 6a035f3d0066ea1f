"""Reference geography (regions, postal codes) and the public mental-health networks.

This app is the base layer: it imports no other app of the project.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .i18n import translated, translated_language


class RegionQuerySet(models.QuerySet):
    def on_map(self):
        """The 10 provinces and Brussels-Capital: the shapes that tile the map."""
        return self.exclude(kind=Region.Kind.COMMUNITY)


class Region(models.Model):
    """A province, the Brussels-Capital Region, or the German-speaking Community (an overlay)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CAPITAL = "capital", _("Capital region")
        COMMUNITY = "community", _("Language community")

    code = models.CharField(_("code"), max_length=3, unique=True, help_text=_("e.g. BRU, LIE, DG"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROVINCE)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_de = models.CharField(_("name (German)"), max_length=100, blank=True, default="")
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True, default="")
    nis_code = models.CharField(_("Statbel NIS code"), max_length=5, blank=True, default="")
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("lies within"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overlays",
        help_text=_("For a community overlay: the province it lies in."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self, "name")


class PostalCodeQuerySet(models.QuerySet):
    def lookup(self, code: str):
        """The postal code with its region, or None."""
        return self.select_related("region").filter(code=code).first()


class PostalCode(models.Model):
    """A Belgian postal code with its main municipality and an approximate centre point."""

    code = models.CharField(_("postal code"), max_length=4, unique=True)
    municipality_fr = models.CharField(_("municipality (French)"), max_length=100)
    municipality_nl = models.CharField(_("municipality (Dutch)"), max_length=100)
    municipality_nis = models.CharField(_("municipality NIS code"), max_length=5)
    localities = models.CharField(
        _("localities"),
        max_length=500,
        blank=True,
        default="",
        help_text=_("Villages and districts of this postal code, separated by |."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="postal_codes",
    )
    in_german_community = models.BooleanField(_("in the German-speaking Community"), default=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    objects = PostalCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")

    def __str__(self) -> str:
        return f"{self.code} {self.municipality}"

    @property
    def municipality(self) -> str:
        # Statbel gives French and Dutch names; for the nine German-speaking municipalities
        # the Dutch column holds the German form (Sankt Vith, Büllingen), the right one in German.
        if self.in_german_community and (translation.get_language() or "")[:2] == "de":
            return self.municipality_nl or self.municipality_fr
        return translated(self, "municipality")

    @property
    def locality_list(self) -> list[str]:
        return [name for name in self.localities.split("|") if name]


class NetworkQuerySet(models.QuerySet):
    def for_children(self):
        return self.filter(audience=Network.Audience.CHILDREN)

    def for_adults(self):
        return self.filter(audience=Network.Audience.ADULTS)

    def covering(self, *regions):
        return self.filter(regions__in=regions).distinct()

    def with_regions(self):
        return self.prefetch_related("regions")


class Network(models.Model):
    """A public mental-health network (the federal reform's child/adolescent or adult networks).

    Only what a source states is stored: an empty field means the source says nothing.
    """

    class Audience(models.TextChoices):
        CHILDREN = "children_adolescents", _("Children and adolescents")
        ADULTS = "adults", _("Adults")

    class Confidence(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    short_name = models.CharField(_("short name"), max_length=80)
    name_fr = models.CharField(_("full name (French)"), max_length=200, blank=True, default="")
    name_nl = models.CharField(_("full name (Dutch)"), max_length=200, blank=True, default="")
    name_de = models.CharField(_("full name (German)"), max_length=200, blank=True, default="")
    name_en = models.CharField(_("full name (English)"), max_length=200, blank=True, default="")
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions covered"), related_name="networks"
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True, default="")
    website_verified = models.BooleanField(
        _("website verified"),
        default=False,
        help_text=_("Tick only when the address was checked against the network's own pages."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    phone_note = models.TextField(_("note on the phone number (English)"), blank=True, default="")
    phone_note_fr = models.TextField(_("note on the phone number (French)"), blank=True, default="")
    phone_note_nl = models.TextField(_("note on the phone number (Dutch)"), blank=True, default="")
    phone_note_de = models.TextField(_("note on the phone number (German)"), blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    address = models.TextField(_("address"), blank=True, default="")
    offers = models.JSONField(
        _("what the network offers (English)"),
        default=list,
        blank=True,
        help_text=_("A list of short statements, each backed by the sources below."),
    )
    offers_fr = models.JSONField(
        _("what the network offers (French)"),
        default=list,
        blank=True,
        help_text=_(
            "The same statements as the English list, in the same order, stating exactly the "
            "same facts. Leave empty to show the English list."
        ),
    )
    offers_nl = models.JSONField(
        _("what the network offers (Dutch)"),
        default=list,
        blank=True,
        help_text=_(
            "The same statements as the English list, in the same order, stating exactly the "
            "same facts. Leave empty to show the English list."
        ),
    )
    offers_de = models.JSONField(
        _("what the network offers (German)"),
        default=list,
        blank=True,
        help_text=_(
            "The same statements as the English list, in the same order, stating exactly the "
            "same facts. Leave empty to show the English list."
        ),
    )
    related_urls = models.JSONField(_("related links"), default=list, blank=True)
    confidence = models.CharField(
        _("confidence in the data"),
        max_length=6,
        choices=Confidence.choices,
        default="medium",
    )
    notes = models.TextField(
        _("notes on the data (English)"),
        blank=True,
        default="",
        help_text=_("Shown on the network's page: what is uncertain or was not confirmed."),
    )
    sources = models.JSONField(
        _("sources"),
        default=list,
        blank=True,
        help_text=_("Addresses (URLs) of the pages the facts above come from, one per item."),
    )
    last_checked = models.DateField(
        _("last checked"),
        null=True,
        blank=True,
        help_text=_(
            "The day an editor last checked these facts against the sources. The reference "
            "loader never overwrites a network checked after the reference data was compiled."
        ),
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["audience", "short_name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("networks:network_detail", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return translated(self, "name") or self.short_name

    @property
    def name_language(self) -> str:
        """The language of `name` (for a `lang` attribute)."""
        return translated_language(self, "name")

    @property
    def is_for_children(self) -> bool:
        return self.audience == self.Audience.CHILDREN

    def localized_offers(self, language: str | None = None) -> tuple[list[str], str]:
        """The offers in `language` when an editor translated them, else the English list.

        Returns the list and its language code, so templates can set `lang` truthfully.
        """
        language = (language or translation.get_language() or "en")[:2]
        if language != "en":
            items = getattr(self, f"offers_{language}", None) or []
            if items and len(items) == len(self.offers):
                return list(items), language
        return list(self.offers), "en"

    def localized_phone_note(self, language: str | None = None) -> tuple[str, str]:
        """The note on the phone number in `language` if translated, else in English."""
        language = (language or translation.get_language() or "en")[:2]
        if language != "en" and self.phone_note:
            note = getattr(self, f"phone_note_{language}", "")
            if note:
                return note, language
        return self.phone_note, "en"

    @property
    def names(self) -> list[tuple[str, str]]:
        """Every full name the sources give, as (language code, name)."""
        return [
            (code, getattr(self, f"name_{code}"))
            for code in ("fr", "nl", "de", "en")
            if getattr(self, f"name_{code}")
        ]

    def clean(self):
        for code in ("fr", "nl", "de"):
            items = getattr(self, f"offers_{code}")
            if items and len(items) != len(self.offers):
                raise ValidationError(
                    {
                        f"offers_{code}": _(
                            "A translation must have as many statements as the English list."
                        )
                    }
                )
        if self.phone and not any(ch.isdigit() for ch in self.phone):
            raise ValidationError({"phone": _("A phone number needs digits.")})


# Opening hours in helplines.json are English. Generic ones are translated through the
# catalogues; any other text (an editor's own wording) is shown as it is, marked lang="en".
GENERIC_HOURS = {
    "24/7": _("24/7"),
    "24/7, free, anonymous": _("24/7, free, anonymous"),
    "24/7 by phone; chat at set hours": _("24/7 by phone; chat at set hours"),
    "24/7; chat at set hours": _("24/7; chat at set hours"),
    "daily, see operator": _("daily, see operator"),
    "see operator; also chat and e-mail": _("see operator; also chat and e-mail"),
}


class HelpLineQuerySet(models.QuerySet):
    def emergency(self):
        return self.filter(kind=HelpLine.Kind.EMERGENCY)

    def not_emergency(self):
        return self.exclude(kind=HelpLine.Kind.EMERGENCY)


class HelpLine(models.Model):
    """A crisis or listening line, shown on the Help now page."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency")
        SUICIDE = "suicide_prevention", _("Suicide prevention")
        LISTENING = "listening", _("Listening line")
        CHILDREN = "children", _("Children and young people")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        CHILDREN = "children_adolescents", _("Children and adolescents")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    number = models.CharField(_("number"), max_length=30)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True, default="")
    name_nl = models.CharField(_("name (Dutch)"), max_length=120, blank=True, default="")
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True, default="")
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True, default="")
    languages = models.JSONField(_("languages answered"), default=list)
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    hours = models.CharField(_("hours"), max_length=120, blank=True, default="")
    source_note = models.CharField(_("source"), max_length=300, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = HelpLineQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("help line")
        verbose_name_plural = _("help lines")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def _name_and_language(self) -> tuple[str, str]:
        """The name in the visitor's language, else the one the line answers in (what a caller
        hears when it picks up: "Zelfmoordlijn", "TelefonHilfe"), else any name given."""
        current = (translation.get_language() or "fr")[:2]
        for code in (current, *(self.languages or []), "en", "fr", "nl", "de"):
            value = getattr(self, f"name_{code}", "")
            if value:
                return value, code
        return "", current

    @property
    def name(self) -> str:
        return self._name_and_language()[0]

    @property
    def name_language(self) -> str:
        return self._name_and_language()[1]

    def answers_in(self, language: str) -> bool:
        return language[:2] in (self.languages or [])

    @property
    def localized_hours(self) -> tuple[str, str]:
        """The hours in the active language when they are a known generic text, else English."""
        generic = GENERIC_HOURS.get(self.hours.strip())
        if generic is not None:
            return str(generic), (translation.get_language() or "en")[:2]
        return self.hours, "en"

    @property
    def source_is_url(self) -> bool:
        return self.source_note.startswith(("http://", "https://"))

    @property
    def tel(self) -> str:
        """The number as a tel: URI target (digits and a leading +)."""
        return "".join(ch for ch in self.number if ch.isdigit() or ch == "+")
