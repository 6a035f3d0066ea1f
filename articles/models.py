"""Editorial articles (Markdown, one row per language) and the "which support fits me" orientation.

`articles` is the top layer: it may import `networks` and `directory`, nothing imports it.
"""

import datetime as dt
import math
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from directory.models import Audience, Group, Theme
from networks.i18n import translated

from .rendering import READING_WPM, SHORTCODE_HELP, check_body, render_body_cached

LANGUAGE_CHOICES = settings.LANGUAGES

# The directory search's query parameters take these values: a public contract between
# the orientation and `/xx/groups/` (kind, audience, format; theme is a Theme slug).
KIND_CHOICES = Group.Kind.choices
AUDIENCE_CHOICES = Audience.choices
FORMAT_CHOICES = Group.Format.choices

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:", "DOI:")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public sees: published or scheduled, once the publication date has come."""
        return self.filter(
            status__in=[Article.Status.SCHEDULED, Article.Status.PUBLISHED],
            publish_at__lte=now or timezone.now(),
        )

    def in_language(self, language: str):
        return self.filter(language=language)

    def visible_to(self, user, preview: bool = False):
        """Editors asking for a preview see every article; everyone else sees published ones."""
        if preview and user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def publish(self, by=None, now=None):
        """Publish now (or keep an earlier publication date); returns the number of rows."""
        now = now or timezone.now()
        count = 0
        for article in self.exclude(status=Article.Status.PUBLISHED, publish_at__lte=now):
            article.status = Article.Status.PUBLISHED
            if article.publish_at is None or article.publish_at > now:
                article.publish_at = now
            article.updated_by = by or article.updated_by
            article.save(update_fields=["status", "publish_at", "updated_by", "updated_at"])
            count += 1
        return count

    def unpublish(self, by=None):
        """Back to draft: the article leaves the public site at once."""
        return self.exclude(status=Article.Status.DRAFT).update(
            status=Article.Status.DRAFT, updated_by=by, updated_at=timezone.now()
        )


class Article(models.Model):
    """One article in one language; translations share a `translation_key`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        help_text=_("The end of the address: /fr/articles/this-slug/. Unique within a language."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr", db_index=True
    )
    translation_key = models.SlugField(
        _("translation key"),
        max_length=120,
        blank=True,
        help_text=_(
            "The same key on the French, Dutch, English and German versions of an article "
            "links them: the language switcher then goes to the translation. Left empty, the "
            "slug is used."
        ),
    )
    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("One or two sentences, shown in lists, feeds and search engines."),
    )
    body = models.TextField(_("body"), help_text=SHORTCODE_HELP)
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        blank=True,
        related_name="articles",
        help_text=_("The article page suggests published groups on these themes."),
    )
    hero_image = models.ImageField(
        _("hero image"), upload_to="articles/%Y/", blank=True, default=""
    )
    hero_alt = models.CharField(
        _("hero image description"),
        max_length=250,
        blank=True,
        default="",
        help_text=_("Required with an image: what it shows, for people who cannot see it."),
    )
    author_name = models.CharField(
        _("author (as displayed)"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("e.g. “The Healing Together editors”. Left empty, the site is the author."),
    )
    author_is_person = models.BooleanField(
        _("the author is a person"),
        default=False,
        help_text=_("Untick for a team, e.g. the editors (search engines are told which)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_(
            "Scheduled and published articles appear by themselves at this date and time. "
            "Left empty when publishing, it is set to now."
        ),
    )
    revised_on = models.DateField(
        _("content updated on"),
        null=True,
        blank=True,
        help_text=_(
            "Set it when you change what the article says (not for a typo): readers see "
            "“updated on” this date."
        ),
    )
    word_count = models.PositiveIntegerField(_("words"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "slug"], name="articles_article_unique_slug_per_language"
            ),
            models.UniqueConstraint(
                fields=["translation_key", "language"],
                name="articles_article_one_translation_per_language",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(publish_at__isnull=False),
                name="articles_article_public_needs_date",
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_alt=""),
                name="articles_article_image_needs_alt",
            ),
        ]
        indexes = [models.Index(fields=["language", "status", "publish_at"])]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

    def save(self, *args, **kwargs):
        if not self.translation_key:
            self.translation_key = self.slug
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        self.word_count = render_body_cached(self.body).words
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "word_count"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        with translation.override(self.language):
            return reverse("articles:article_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return (
            self.status in (self.Status.SCHEDULED, self.Status.PUBLISHED)
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / READING_WPM))

    @property
    def modified_at(self):
        """When the content last changed, for feeds and search engines."""
        if self.revised_on:
            return timezone.make_aware(dt.datetime.combine(self.revised_on, dt.time(12, 0)))
        return self.publish_at

    def translations(self):
        """The other language versions of this article (any status)."""
        return Article.objects.filter(translation_key=self.translation_key).exclude(pk=self.pk)

    def clean(self):
        errors = {}
        self.body = (self.body or "").replace("\r\n", "\n")
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        if self.status == self.Status.SCHEDULED and self.publish_at is None:
            errors["publish_at"] = _("A scheduled article needs a publication date.")
        if self.hero_image and not self.hero_alt.strip():
            errors["hero_alt"] = _(
                "Describe the image in a few words for people who cannot see it."
            )
        body_errors = check_body(self.body or "", known_theme=theme_exists)
        if body_errors:
            errors["body"] = body_errors
        if errors:
            raise ValidationError(errors)


def theme_exists(slug: str) -> bool:
    return Theme.objects.filter(slug=slug).exists()


def normalise_doi(value: str) -> str:
    value = value.strip()
    for prefix in DOI_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :].strip()
    return value


class Reference(models.Model):
    """A source cited by an article, stored field by field (shown APA-style, linked by DOI)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="references"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    authors = models.CharField(
        _("authors"), max_length=500, help_text=_("As cited, e.g. “Hoagwood, K. E., & Olin, S. S.”")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=400)
    journal = models.CharField(_("journal or publisher"), max_length=250, blank=True, default="")
    volume = models.CharField(_("volume"), max_length=20, blank=True, default="")
    issue = models.CharField(_("issue"), max_length=20, blank=True, default="")
    pages = models.CharField(_("pages"), max_length=30, blank=True, default="")
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        default="",
        validators=[RegexValidator(DOI_RE, _("A DOI looks like 10.1000/xyz123."))],
        help_text=_("e.g. 10.1007/s10567-009-0060-5 (without https://doi.org/)."),
    )
    url = models.URLField(
        _("web address"), blank=True, default="", help_text=_("Only when there is no DOI.")
    )

    class Meta:
        ordering = ["article", "order", "pk"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return f"{self.authors.split(',')[0]} ({self.year})"

    def save(self, *args, **kwargs):
        self.doi = normalise_doi(self.doi)
        super().save(*args, **kwargs)

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    def clean(self):
        self.doi = normalise_doi(self.doi)
        if self.doi and not DOI_RE.match(self.doi):
            raise ValidationError({"doi": _("A DOI looks like 10.1000/xyz123.")})


class TranslatedLabelMixin:
    @property
    def label(self) -> str:
        return translated(self, "label")


class OrientationAnswerQuerySet(models.QuerySet):
    def active(self):
        targets = OrientationTarget.objects.select_related("theme")
        return self.filter(is_active=True).prefetch_related(
            models.Prefetch("targets", queryset=targets)
        )


class OrientationAnswer(TranslatedLabelMixin, models.Model):
    """One answer to "what do you feel right now?", leading to one or more kinds of support."""

    slug = models.SlugField(
        _("slug"), max_length=60, unique=True, help_text=_("Used in the address of the result.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)
    label_fr = models.CharField(_("answer (French)"), max_length=200)
    label_nl = models.CharField(_("answer (Dutch)"), max_length=200, blank=True, default="")
    label_en = models.CharField(_("answer (English)"), max_length=200, blank=True, default="")
    label_de = models.CharField(_("answer (German)"), max_length=200, blank=True, default="")
    advice_fr = models.TextField(
        _("advice (French)"),
        help_text=_("Two or three short sentences: what may help, and why. Plain text."),
    )
    advice_nl = models.TextField(_("advice (Dutch)"), blank=True, default="")
    advice_en = models.TextField(_("advice (English)"), blank=True, default="")
    advice_de = models.TextField(_("advice (German)"), blank=True, default="")

    objects = OrientationAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("orientation answer")
        verbose_name_plural = _("orientation answers")

    def __str__(self) -> str:
        return self.label

    @property
    def advice(self) -> str:
        return translated(self, "advice")

    @property
    def is_urgent(self) -> bool:
        """Leads first to the help lines: never to a group."""
        targets = list(self.targets.all())
        return bool(targets) and targets[0].kind_of_target == OrientationTarget.Type.HELP_LINES


class OrientationTarget(TranslatedLabelMixin, models.Model):
    """Where an answer leads: a filtered group search, the network lookup, or the help lines."""

    class Type(models.TextChoices):
        GROUP_SEARCH = "group_search", _("Group search")
        NETWORK_LOOKUP = "network_lookup", _("Network lookup by postal code")
        HELP_LINES = "help_lines", _("Help lines")

    answer = models.ForeignKey(
        OrientationAnswer,
        verbose_name=_("answer"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("The first one is the main suggestion.")
    )
    kind_of_target = models.CharField(_("leads to"), max_length=20, choices=Type.choices)
    kind = models.CharField(
        _("kind of group"), max_length=20, choices=KIND_CHOICES, blank=True, default=""
    )
    audience = models.CharField(
        _("for whom"), max_length=20, choices=AUDIENCE_CHOICES, blank=True, default=""
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the theme the visitor picks in the optional second question, if any."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=FORMAT_CHOICES, blank=True, default=""
    )
    label_fr = models.CharField(
        _("button text (French)"),
        max_length=120,
        blank=True,
        default="",
        help_text=_("e.g. “See peer groups for parents”. Empty: a general text is used."),
    )
    label_nl = models.CharField(_("button text (Dutch)"), max_length=120, blank=True, default="")
    label_en = models.CharField(_("button text (English)"), max_length=120, blank=True, default="")
    label_de = models.CharField(_("button text (German)"), max_length=120, blank=True, default="")

    class Meta:
        ordering = ["answer", "order", "pk"]
        verbose_name = _("where it leads")
        verbose_name_plural = _("where it leads")

    def __str__(self) -> str:
        return f"{self.get_kind_of_target_display()} {self.query_string()}".strip()

    @property
    def is_group_search(self) -> bool:
        return self.kind_of_target == self.Type.GROUP_SEARCH

    def search_params(self, theme: str = "") -> dict[str, str]:
        """The directory search's query parameters, in a stable order."""
        if not self.is_group_search:
            return {}
        params = {
            "kind": self.kind,
            "audience": self.audience,
            "theme": self.theme.slug if self.theme_id else theme,
            "format": self.format,
        }
        return {key: value for key, value in params.items() if value}

    def query_string(self, theme: str = "") -> str:
        params = self.search_params(theme)
        return "?" + urlencode(params) if params else ""

    def url(self, theme: str = "") -> str:
        if self.kind_of_target == self.Type.NETWORK_LOOKUP:
            return reverse("networks:network_list")
        if self.kind_of_target == self.Type.HELP_LINES:
            return reverse("networks:help")
        return reverse("directory:group_list") + self.query_string(theme)

    def clean(self):
        if self.is_group_search:
            if not (self.kind or self.audience or self.theme_id):
                raise ValidationError(
                    _("A group search needs at least a kind of group, an audience or a theme.")
                )
        else:
            extra = {
                name: _("Only a group search takes this filter.")
                for name in ("kind", "audience", "theme", "format")
                if getattr(self, name)
            }
            if extra:
                raise ValidationError(extra)
