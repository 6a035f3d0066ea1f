"""Editors maintain the networks and help lines; regions and postal codes are reference data."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from .models import HelpLine, Network, PostalCode, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Read-mostly: the shapes on the map are files, so codes and kinds stay as loaded."""

    list_display = ["code", "name_fr", "name_nl", "name_de", "name_en", "kind", "network_count"]
    list_filter = ["kind"]
    search_fields = ["code", "name_fr", "name_nl", "name_de", "name_en"]
    readonly_fields = ["code", "kind", "nis_code", "iso_code", "parent"]
    fields = [
        "code",
        "kind",
        "name_fr",
        "name_nl",
        "name_de",
        "name_en",
        "nis_code",
        "iso_code",
        "parent",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_network_count=Count("networks"))

    @admin.display(description=_("networks"), ordering="_network_count")
    def network_count(self, obj) -> int:
        return obj._network_count

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "municipality_fr", "municipality_nl", "region", "in_german_community"]
    list_filter = ["region", "in_german_community"]
    search_fields = ["code", "municipality_fr", "municipality_nl", "localities"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    list_per_page = 50


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = [
        "short_name",
        "audience",
        "regions_covered",
        "website_verified",
        "confidence",
        "last_checked",
    ]
    list_filter = ["audience", "confidence", "website_verified", "regions"]
    search_fields = ["short_name", "slug", "name_fr", "name_nl", "name_de", "name_en"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["regions"]
    # Addresses typed without a scheme get https:// (Django 6's default, explicit here).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    date_hierarchy = "last_checked"
    actions = ["mark_checked_today"]
    fieldsets = [
        (None, {"fields": ["short_name", "slug", "audience", "regions", "languages"]}),
        (_("Full names"), {"fields": ["name_fr", "name_nl", "name_de", "name_en"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "website",
                    "website_verified",
                    "phone",
                    "phone_note",
                    "phone_note_fr",
                    "phone_note_nl",
                    "phone_note_de",
                    "email",
                    "address",
                    "related_urls",
                ]
            },
        ),
        (
            _("What the network offers"),
            {
                "description": _(
                    "The English list is the reference. A translation must state exactly the same "
                    "facts, one statement for each English one; an empty translation shows the "
                    "English list."
                ),
                "fields": ["offers", "offers_fr", "offers_nl", "offers_de"],
            },
        ),
        (
            _("Sources and checks"),
            {"fields": ["sources", "confidence", "notes", "last_checked"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("regions covered"))
    def regions_covered(self, obj) -> str:
        return ", ".join(sorted(region.code for region in obj.regions.all()))

    @admin.action(description=_("Mark the selected networks as checked today"))
    def mark_checked_today(self, request, queryset):
        count = queryset.update(last_checked=timezone.localdate())
        self.message_user(
            request,
            ngettext(
                "%(count)d network marked as checked today.",
                "%(count)d networks marked as checked today.",
                count,
            )
            % {"count": count},
        )


@admin.register(HelpLine)
class HelpLineAdmin(admin.ModelAdmin):
    list_display = ["number", "name_fr", "name_nl", "kind", "audience", "hours", "order"]
    list_editable = ["order"]
    list_filter = ["kind", "audience"]
    search_fields = ["number", "slug", "name_fr", "name_nl", "name_de", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
