"""The editors' moderation queue in the admin: review pages, decisions with a message, and
the admin pages of revisions, reports, contact messages and the audit trail.

Every decision goes through `directory.moderation`, which changes the state (writing the
audit trail) and emails the practitioner; nothing here calls `.update(status=...)`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _, ngettext

from . import moderation
from .forms import DecisionForm, GroupForm, ProfessionalForm
from .models import (
    TRANSITIONS,
    ContactMessage,
    ListingReport,
    Professional,
    Revision,
    Status,
    StatusChange,
)
from .revisions import changes, display_value

# Transition method -> target state.
TARGETS = {
    "publish": Status.PUBLISHED,
    "request_changes": Status.CHANGES_REQUESTED,
    "reject": Status.REJECTED,
    "archive": Status.ARCHIVED,
}
REVISION_DECISIONS = {
    "approve_changes": _("Approve the changes (they go online now)"),
    "reject_changes": _("Refuse the changes (the published version stays)"),
}


def allowed_decisions(obj, revision=None) -> dict:
    """The decisions an editor can take on `obj` now, labelled for its situation."""
    decisions = dict(REVISION_DECISIONS) if revision is not None else {}
    for name, label in moderation.DECISIONS.items():
        if obj.status not in TRANSITIONS[TARGETS[name]]:
            continue
        if obj.status == Status.PUBLISHED and name == "request_changes":
            if revision is not None:
                continue  # refusing the proposed changes says it, and keeps the listing online
            label = _("Request changes (takes it offline until the practitioner fixes it)")
        decisions[name] = label
    return decisions


def queue_changelist(ordering: list[str]):
    """A change list ordered as a queue (by annotations of `get_queryset`) unless the editor
    sorts by a column. Not `ModelAdmin.get_ordering`: autocomplete widgets use that too, on
    querysets without the annotations."""

    class QueueChangeList(ChangeList):
        def get_ordering(self, request, queryset):
            if ORDER_VAR in self.params:
                return super().get_ordering(request, queryset)
            return list(ordering)

    return QueueChangeList


# --- bulk actions --------------------------------------------------------------------------------
def decision_action(decision: str, description):
    """An admin action; decisions that need a message first show a page to type it."""

    def action(modeladmin, request, queryset):
        label = moderation.DECISIONS[decision]
        needs_page = decision in moderation.NEEDS_MESSAGE
        form = None
        if needs_page:
            form = DecisionForm(
                request.POST if "confirm" in request.POST else None,
                decisions={decision: label},
                needs_message=moderation.NEEDS_MESSAGE,
                initial={"decision": decision},
            )
        if not needs_page or (form is not None and form.is_valid()):
            message = form.cleaned_data["message"] if form is not None else ""
            changed = moderation.decide(queryset, decision, by=request.user, message=message)
            report_outcome(modeladmin, request, len(changed), queryset.count() - len(changed))
            return None
        opts = modeladmin.model._meta
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": label,
            "opts": opts,
            "objects": list(queryset),
            "form": form,
            "action_name": f"action_{decision}",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": modeladmin.media,
        }
        return TemplateResponse(request, "admin/directory/decision_bulk.html", context)

    action.__name__ = f"action_{decision}"
    return admin.action(description=description, permissions=["change"])(action)


def report_outcome(modeladmin, request, done: int, skipped: int) -> None:
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d item changed; the practitioner is told by email.",
            "%(count)d items changed; each practitioner is told by email.",
            done,
        )
        % {"count": done},
        level=messages.SUCCESS if done else messages.INFO,
    )
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d item was left as it was (not allowed from its current status).",
                "%(count)d items were left as they were (not allowed from their status).",
                skipped,
            )
            % {"count": skipped},
            level=messages.WARNING,
        )


publish_action = decision_action("publish", _("Approve and publish (emails the practitioner)"))
request_changes_action = decision_action("request_changes", _("Request changes, with a message…"))
reject_action = decision_action("reject", _("Reject, with a message…"))
archive_action = decision_action("archive", _("Archive (emails the practitioner)"))
MODERATION_ACTIONS = [publish_action, request_changes_action, reject_action, archive_action]


# --- inlines -------------------------------------------------------------------------------------
class RevisionInline(GenericTabularInline):
    model = Revision
    extra = 0
    can_delete = False
    fields = ["created_at", "created_by", "state", "decided_by", "decided_at", "message"]
    readonly_fields = fields
    verbose_name_plural = _("proposed changes")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PendingChangesFilter(admin.SimpleListFilter):
    title = _("changes waiting for review")
    parameter_name = "changes"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for review"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(has_pending_changes=True)
        return queryset


# --- the queue and the review page ---------------------------------------------------------------
class ProfessionalDecisionForm(DecisionForm):
    verify = forms.BooleanField(
        label=_("I checked the title and registration number against the official register"),
        required=False,
    )
    evidence = forms.CharField(
        label=_("Evidence (what was checked, where)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )

    def __init__(self, *args, professional: Professional, **kwargs):
        super().__init__(*args, **kwargs)
        self.professional = professional
        if professional.is_verified:
            del self.fields["verify"]
        self.fields["evidence"].initial = professional.verification_evidence

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "publish" and not self.professional.is_verified:
            if not cleaned.get("verify"):
                self.add_error(
                    "verify", _("A profile is published only once verified: check and tick.")
                )
            elif not cleaned.get("evidence", "").strip():
                self.add_error("evidence", _("Say what you checked, and where."))
        return cleaned


class ModerationQueueMixin:
    """Pending items first, a review page per item, decisions that email the practitioner."""

    review_fields: list[str] = []

    def get_queryset(self, request):
        pending_changes = Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=OuterRef("pk"),
            state=Revision.State.PENDING,
        )
        queryset = self.model._default_manager.annotate(
            has_pending_changes=Exists(pending_changes)
        ).annotate(
            queue_order=Case(
                When(status=Status.PENDING, then=Value(0)),
                When(has_pending_changes=True, then=Value(1)),
                When(status=Status.CHANGES_REQUESTED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        return queryset

    def get_changelist(self, request, **kwargs):
        return queue_changelist(["queue_order", "-status_changed_at", "-pk"])

    @admin.display(boolean=True, description=_("changes waiting"), ordering="has_pending_changes")
    def waiting_changes(self, obj):
        return getattr(obj, "has_pending_changes", False)

    @admin.display(description=_("review"))
    def review_link(self, obj):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_review", args=[obj.pk])
        if obj.status == Status.PENDING:
            label = _("Review")
        elif getattr(obj, "has_pending_changes", False):
            label = _("Review changes")
        else:
            label = _("Decide")
        return format_html('<a class="button" href="{}">{}</a>', url, label)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            *super().get_urls(),
        ]

    # The page ---------------------------------------------------------------------------------
    def decision_form(self, obj, data=None, revision=None) -> DecisionForm:
        decisions = allowed_decisions(obj, revision)
        needs = {*moderation.NEEDS_MESSAGE, "reject_changes"}
        return DecisionForm(data, decisions=decisions, needs_message=needs)

    def before_decision(self, request, obj, form) -> None:
        """Hook run before the decision is applied (professionals: verification)."""

    def review_view(self, request, object_id):
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = moderation.pending_revision(obj)
        form = self.decision_form(
            obj, request.POST if request.method == "POST" else None, revision=revision
        )
        if request.method == "POST" and form.is_valid():
            decision = form.cleaned_data["decision"]
            message = form.cleaned_data["message"].strip()
            if decision == "approve_changes":
                moderation.approve_revision(revision, by=request.user, message=message)
                self.message_user(request, _("The changes are online; the practitioner is told."))
            elif decision == "reject_changes":
                moderation.reject_revision(revision, by=request.user, message=message)
                self.message_user(request, _("The changes are refused; the practitioner is told."))
            else:
                self.before_decision(request, obj, form)
                changed = moderation.decide(
                    type(obj).objects.filter(pk=obj.pk), decision, by=request.user, message=message
                )
                report_outcome(self, request, len(changed), 0 if changed else 1)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        history = StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=obj.pk
        ).select_related("by")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review: %(object)s") % {"object": obj},
            "opts": self.opts,
            "original": obj,
            "object": obj,
            "revision": revision,
            "changes": changes(revision) if revision is not None else [],
            "content": self.review_content(obj),
            "history": history,
            "form": form,
            "notices": self.review_notices(obj),
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
            "public_url": obj.get_absolute_url(),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/directory/review.html", context)

    def review_content(self, obj) -> list[tuple[str, str]]:
        """(label, value) of what the practitioner wrote, as they wrote it."""
        model = type(obj)
        current = Revision.current_data(obj, self.review_fields)
        return [
            (
                capfirst(str(model._meta.get_field(name).verbose_name)),
                display_value(model, name, current[name]),
            )
            for name in self.review_fields
        ]

    def review_notices(self, obj) -> list[str]:
        return []


class GroupModerationMixin(ModerationQueueMixin):
    review_fields = GroupForm._meta.fields

    def review_notices(self, obj) -> list[str]:
        owner = obj.owner
        if owner.status == Status.PUBLISHED:
            return []
        url = reverse("admin:directory_professional_review", args=[owner.pk])
        return [
            format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "The organiser's profile is not public yet (%(status)s, %(verification)s): "
                    "this group appears on the site once the profile is published."
                )
                % {
                    "status": owner.get_status_display(),
                    "verification": owner.get_verification_status_display(),
                },
                url,
                _("Review the profile"),
            )
        ]


class ProfessionalModerationMixin(ModerationQueueMixin):
    review_fields = ProfessionalForm._meta.fields

    def decision_form(self, obj, data=None, revision=None):
        decisions = allowed_decisions(obj, revision)
        return ProfessionalDecisionForm(
            data,
            decisions=decisions,
            needs_message={*moderation.NEEDS_MESSAGE, "reject_changes"},
            professional=obj,
        )

    def before_decision(self, request, obj, form) -> None:
        if form.cleaned_data.get("verify"):
            Professional.objects.filter(pk=obj.pk).verify(
                by=request.user, evidence=form.cleaned_data.get("evidence", "").strip()
            )

    def review_notices(self, obj) -> list[str]:
        if obj.is_verified:
            return [
                _("Verified by %(who)s on %(when)s.")
                % {
                    "who": obj.verified_by or "—",
                    "when": timezone.localtime(obj.verified_at).date() if obj.verified_at else "—",
                }
            ]
        return [_("Not verified yet: check the title and registration number before publishing.")]


# --- other moderation models -------------------------------------------------------------------
@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "content_type", "state", "created_by", "created_at", "decided_at"]
    list_filter = ["state", "content_type"]
    list_select_related = ["content_type", "created_by"]
    readonly_fields = [
        "target_link",
        "state",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
        "message",
        "diff",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = self.model._default_manager.annotate(
            queue_order=Case(
                When(state=Revision.State.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        return queryset

    def get_changelist(self, request, **kwargs):
        return queue_changelist(["queue_order", "-created_at", "-pk"])

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("item"))
    def target_link(self, obj):
        target = obj.target
        if target is None:
            return "—"
        opts = target._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[target.pk])
        return format_html('<a href="{}">{}</a>', url, target)

    @admin.display(description=_("what changes"))
    def diff(self, obj):
        rows = changes(obj)
        if not rows:
            return _("No difference with the live version.")
        return format_html(
            '<table class="revision-diff"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            _("Field"),
            _("Online now"),
            _("Proposed"),
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td class="revision-diff__before">{}</td>'
                '<td class="revision-diff__after">{}</td></tr>',
                ((row["label"], row["before"], row["after"]) for row in rows),
            ),
        )


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("resolved", _("Resolved"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(ListingReport)
class ListingReportAdmin(admin.ModelAdmin):
    list_display = ["group", "reason", "created_at", "is_open", "resolved_by"]
    list_filter = [OpenFilter, "reason"]
    list_select_related = ["group", "resolved_by"]
    search_fields = ["group__title", "message"]
    readonly_fields = [
        "group_links",
        "reason",
        "message",
        "email",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    fields = [*readonly_fields, "editor_note"]
    actions = ["resolve"]

    def get_queryset(self, request):
        queryset = self.model._default_manager.annotate(
            queue_order=Case(
                When(resolved_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        return queryset

    def get_changelist(self, request, **kwargs):
        return queue_changelist(["queue_order", "-created_at", "-pk"])

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description=_("open"))
    def is_open(self, obj):
        return obj.is_open

    @admin.display(description=_("group"))
    def group_links(self, obj):
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.group,
            reverse("admin:directory_group_review", args=[obj.group_id]),
            _("review in the admin"),
            obj.group.get_absolute_url(),
            _("public page"),
        )

    @admin.action(description=_("Mark as resolved"), permissions=["change"])
    def resolve(self, request, queryset):
        count = queryset.open().update(resolved_at=timezone.now(), resolved_by=request.user)
        self.message_user(request, _("Resolved: %(count)d.") % {"count": count}, messages.SUCCESS)


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Stored copies, kept CONTACT_MESSAGE_RETENTION_DAYS days to handle abuse; read-only."""

    list_display = ["group", "name", "created_at"]
    list_select_related = ["group"]
    search_fields = ["group__title", "name", "email"]
    date_hierarchy = "created_at"
    readonly_fields = ["group", "name", "email", "message", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The audit trail: every status change of every group and profile, read-only."""

    list_display = ["at", "target_link", "from_status", "to_status", "by", "short_message"]
    list_filter = ["to_status", "content_type"]
    list_select_related = ["content_type", "by"]
    date_hierarchy = "at"
    fields = ["at", "target_link", "from_status", "to_status", "by", "message"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("item"))
    def target_link(self, obj):
        model = obj.content_type.model_class()
        if model is None:
            return "—"
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.object_id])
        return format_html('<a href="{}">{} #{}</a>', url, opts.verbose_name, obj.object_id)

    @admin.display(description=_("message"))
    def short_message(self, obj):
        return (obj.message[:80] + "…") if len(obj.message) > 80 else obj.message


__all__ = [
    "MODERATION_ACTIONS",
    "GroupModerationMixin",
    "PendingChangesFilter",
    "ProfessionalModerationMixin",
    "RevisionInline",
    "archive_action",
    "publish_action",
    "reject_action",
    "request_changes_action",
]
