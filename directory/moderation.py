"""Moderation and practitioner services: the one place that changes state *and* tells people.

Admin actions, the admin review pages, the practitioner views and the management commands
call these functions; the state changes themselves are the QuerySet transitions and
`Revision` methods of `directory.models` (which write the audit trail).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import emails
from .models import Group, Professional, Revision, Status

# Editors' decisions: transition method name -> label (the admin and the emails use both).
DECISIONS = {
    "publish": _("Approve and publish"),
    "request_changes": _("Request changes"),
    "reject": _("Reject"),
    "archive": _("Archive"),
}
# Decisions whose message tells the practitioner what to do: a message is required.
NEEDS_MESSAGE = {"request_changes", "reject"}
# States a practitioner may send for review from.
SUBMITTABLE = {Status.DRAFT, Status.CHANGES_REQUESTED, Status.REJECTED, Status.ARCHIVED}
GROUP_CONFIRM_SALT = "directory.group-still-current"


def decide(queryset, decision: str, *, by, message: str = "") -> list[models.Model]:
    """Apply an editor's decision to every object of `queryset` that allows it; email each.

    Returns the objects that changed. Objects not allowed to move (see TRANSITIONS) are
    left alone and get no email.
    """
    if decision not in DECISIONS:
        raise ValueError(f"Unknown decision {decision!r}")
    changed = getattr(queryset, decision)(by=by, message=message)
    if changed:
        related = ["owner__user"] if queryset.model is Group else ["user"]
        for obj in queryset.model._base_manager.filter(
            pk__in=[o.pk for o in changed]
        ).select_related(*related):
            emails.moderation_decision(obj, decision, message)
    return changed


def submit(obj, *, by) -> bool:
    """Practitioner: send a group or a profile for review.

    Submitting a group also submits its organiser's profile when that is not public or
    waiting yet, since a group is only public once its organiser's profile is. Submitting
    counts as confirming the information is current.
    """
    if obj.status not in SUBMITTABLE:
        return False
    if isinstance(obj, Group):
        Group.objects.filter(pk=obj.pk).update(
            confirmed_on=timezone.localdate(), reminder_sent_on=None
        )
        obj.confirmed_on = timezone.localdate()
        owner = obj.owner
        if owner.status in SUBMITTABLE:
            submit(owner, by=by)
    changed = obj.submit(by=by)
    if changed:
        emails.submitted_for_review(obj)
    return changed


# --- Changes to published items ---------------------------------------------------------------
def propose_changes(obj, values: dict, *, by) -> Revision:
    """Store `values` (cleaned form data) as the pending revision of a published `obj`."""
    data = Revision.data_from(obj, values)
    revision = Revision.objects.for_object(obj).pending().select_for_update().first()
    created = revision is None
    if created:
        revision = Revision(target=obj, created_by=by)
    revision.data = data
    revision.save()
    if created:
        emails.submitted_for_review(obj, is_change=True)
    return revision


def approve_revision(revision: Revision, *, by, message: str = "") -> bool:
    if not revision.is_pending:
        return False
    revision.apply(by=by, message=message)
    emails.revision_decision(revision, approved=True)
    return True


def reject_revision(revision: Revision, *, by, message: str) -> bool:
    if not revision.is_pending:
        return False
    revision.reject(by=by, message=message)
    emails.revision_decision(revision, approved=False)
    return True


def pending_revision(obj) -> Revision | None:
    return Revision.objects.for_object(obj).pending().first()


# --- Freshness -----------------------------------------------------------------------------------
def confirm_current(groups) -> int:
    """The organiser says these groups are still current."""
    return groups.update(confirmed_on=timezone.localdate(), reminder_sent_on=None)


def confirm_token(group: Group) -> str:
    return signing.TimestampSigner(salt=GROUP_CONFIRM_SALT).sign(str(group.pk))


def group_from_confirm_token(token: str) -> int | None:
    """The group id in a one-click confirmation token, or None if forged or expired."""
    max_age = dt.timedelta(
        days=settings.GROUP_CONFIRM_GRACE_DAYS + settings.GROUP_CONFIRM_AFTER_DAYS
    )
    try:
        value = signing.TimestampSigner(salt=GROUP_CONFIRM_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def _by_owner(groups) -> list[tuple[Professional, list[Group]]]:
    owners: dict[int, tuple[Professional, list[Group]]] = {}
    for group in groups:
        owners.setdefault(group.owner_id, (group.owner, []))[1].append(group)
    return list(owners.values())


def freshness_run(*, today: dt.date | None = None, dry_run: bool = False) -> dict[str, int]:
    """Remind organisers of groups not confirmed for GROUP_CONFIRM_AFTER_DAYS days, and
    archive those still unconfirmed GROUP_CONFIRM_GRACE_DAYS days after their reminder.

    One email per organiser, listing their groups with a one-click confirm link each.
    Example listings are left alone. Returns counts of groups and emails.
    """
    today = today or timezone.localdate()
    after = settings.GROUP_CONFIRM_AFTER_DAYS
    grace = settings.GROUP_CONFIRM_GRACE_DAYS
    stale = (
        Group.objects.needing_confirmation(after)
        .exclude(is_example=True)
        .select_related("owner__user")
        .order_by("owner_id", "pk")
    )
    to_remind = list(stale.filter(reminder_sent_on__isnull=True))
    to_archive = list(stale.filter(reminder_sent_on__lte=today - dt.timedelta(days=grace)))
    counts = {
        "reminded": len(to_remind),
        "reminder_emails": len(_by_owner(to_remind)),
        "archived": len(to_archive),
        "archive_emails": len(_by_owner(to_archive)),
    }
    if dry_run:
        return counts
    deadline = today + dt.timedelta(days=grace)
    for professional, groups in _by_owner(to_remind):
        language = professional.email_language
        entries = [
            (
                group,
                emails.url(
                    "directory:group_confirm_link", token=confirm_token(group), language=language
                ),
            )
            for group in groups
        ]
        with transaction.atomic():
            Group.objects.filter(pk__in=[g.pk for g in groups]).update(reminder_sent_on=today)
            emails.confirmation_reminder(professional, entries, deadline)
    for professional, groups in _by_owner(to_archive):
        # The audit message is what the practitioner reads in their space: in their language.
        with translation.override(professional.email_language):
            message = str(
                _("Taken offline automatically: not confirmed for %(days)d days after a reminder.")
                % {"days": grace}
            )
        with transaction.atomic():
            changed = Group.objects.filter(pk__in=[g.pk for g in groups]).archive(
                by=None, message=message
            )
            if changed:
                emails.unpublished_for_freshness(professional, changed)
    return counts
