"""Editors' tools: themes, professionals (with verification) and groups (with moderation).

Moderation actions call the QuerySet transitions of `directory.models`, the same code the
practitioner and moderation views use, so every change leaves a `StatusChange` row.
"""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .admin_moderation import (
    GroupModerationMixin,
    PendingChangesFilter,
    ProfessionalModerationMixin,
    RevisionInline,
    archive_action,
    publish_action,
    reject_action,
    request_changes_action,
)
from .models import Group, Professional, SearchAlert, Status, StatusChange, Theme


class StatusChangeInline(GenericTabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "message"]
    readonly_fields = fields
    ordering = ["-at"]
    verbose_name_plural = _("moderation history")

    def has_add_permission(self, request, obj=None):
        return False


# Explicit on Django 5.2 (silences its deprecation warning), and the default on Django 6.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fr", "name_nl", "name_en", "name_de", "family", "order"]
    list_editable = ["order"]
    list_filter = ["family"]
    search_fields = ["slug", "name_fr", "name_nl", "name_en", "name_de"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Professional)
class ProfessionalAdmin(ProfessionalModerationMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "title",
        "status",
        "verification_status",
        "verified_at",
        "is_public",
        "waiting_changes",
        "review_link",
        "is_example",
    ]
    list_filter = ["status", PendingChangesFilter, "verification_status", "title", "is_example"]
    search_fields = ["name", "organisation", "registration_number", "contact_email", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]
    formfield_overrides = URL_FIELDS
    readonly_fields = ["status", "status_changed_at", "verified_by", "verified_at", "created_at"]
    actions = ["verify", publish_action, request_changes_action, reject_action, archive_action]
    inlines = [StatusChangeInline, RevisionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "title",
                    "title_detail",
                    "organisation",
                    "registration_number",
                    "bio",
                    "languages",
                    "website",
                    "contact_email",
                    "photo",
                    "user",
                    "is_example",
                ]
            },
        ),
        (
            _("Verification"),
            {
                "fields": [
                    "verification_status",
                    "verification_evidence",
                    "verified_by",
                    "verified_at",
                ]
            },
        ),
        (_("Moderation"), {"fields": ["status", "status_changed_at", "created_at"]}),
    ]

    @admin.display(boolean=True, description=_("public"))
    def is_public(self, obj):
        return obj.status == Status.PUBLISHED

    @admin.action(description=_("Mark as verified (evidence noted on each profile)"))
    def verify(self, request, queryset):
        count = queryset.verify(by=request.user)
        self.message_user(request, _("Verified: %(count)d.") % {"count": count}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        # Stamp the editor when the verification status is set to verified by hand.
        if "verification_status" in form.changed_data:
            if obj.verification_status == Professional.Verification.VERIFIED:
                obj.verified_by = request.user
                obj.verified_at = timezone.now()
            elif obj.status == Status.PUBLISHED:
                self.message_user(
                    request,
                    _("A published profile must stay verified: archive it first."),
                    messages.ERROR,
                )
                obj.verification_status = Professional.Verification.VERIFIED
        super().save_model(request, obj, form, change)


@admin.register(Group)
class GroupAdmin(GroupModerationMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "owner",
        "kind",
        "format",
        "region",
        "status",
        "is_public",
        "waiting_changes",
        "confirmed_on",
        "review_link",
        "is_example",
    ]
    list_filter = [
        "status",
        PendingChangesFilter,
        "format",
        "kind",
        "region",
        "schedule_type",
        "is_example",
        "themes",
    ]
    list_select_related = ["owner", "region"]
    search_fields = ["title", "slug", "owner__name", "postal_code__code"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["owner", "facilitators"]
    raw_id_fields = ["postal_code"]
    formfield_overrides = URL_FIELDS
    filter_horizontal = ["themes"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "status",
        "status_changed_at",
        "published_at",
        "reminder_sent_on",
        "created_at",
        "updated_at",
    ]
    actions = [publish_action, request_changes_action, reject_action, archive_action]
    inlines = [StatusChangeInline, RevisionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "summary",
                    "description",
                    "themes",
                    "owner",
                    "facilitators",
                    "is_example",
                ]
            },
        ),
        (_("For whom"), {"fields": ["audiences", "child_age_bands", "languages"]}),
        (
            _("Where"),
            {
                "fields": [
                    "format",
                    "venue_name",
                    "street_address",
                    "postal_code",
                    "region",
                    "location_is_precise",
                    ("latitude", "longitude"),
                    "venue_note",
                    "online_joining_info",
                    "wheelchair_access",
                    "accessibility_note",
                ],
                "description": _(
                    "The region and, unless “precise location” is ticked, the coordinates are "
                    "taken from the postal code when saving."
                ),
            },
        ),
        (
            _("When"),
            {
                "fields": [
                    "schedule_type",
                    "recurrence",
                    "weekday",
                    "week_of_month",
                    ("first_session_on", "last_session_on"),
                    ("start_time", "end_time"),
                    "session_count",
                    "intake_deadline",
                    "open_to_newcomers",
                    ("places_left", "waiting_list"),
                    "schedule_note",
                ],
                "description": _("Dates and times in Brussels time."),
            },
        ),
        (
            _("Price and registration"),
            {
                "fields": [
                    "price_type",
                    ("price_amount", "price_amount_max"),
                    "reimbursement_note",
                    "registration_method",
                    "registration_email",
                    "registration_phone",
                    "registration_url",
                    "registration_note",
                ]
            },
        ),
        (
            _("Moderation"),
            {
                "fields": [
                    "confirmed_on",
                    "reminder_sent_on",
                    "status",
                    "status_changed_at",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(boolean=True, description=_("public"))
    def is_public(self, obj):
        return obj.status == Status.PUBLISHED and obj.owner.status == Status.PUBLISHED


@admin.register(SearchAlert)
class SearchAlertAdmin(admin.ModelAdmin):
    """Email alerts of a search: read-only, so an editor can answer "am I subscribed?" or
    delete an address on request; the visitor's own links do the rest."""

    list_display = ["email", "query", "frequency", "language", "confirmed_at", "last_sent_at"]
    list_filter = ["frequency", "language", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "email",
        "query",
        "frequency",
        "language",
        "created_at",
        "confirmed_at",
        "last_sent_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
