"""Every email the directory sends, each from a pair of templates in `directory/emails/`.

`<name>_subject.txt` and `<name>.txt` are rendered in the recipient's language (a
practitioner's `email_language`, the visitor's page language, the site default for
editors). Messages go out once the database transaction commits, so a request that fails
half-way never sends an email about something that did not happen; a mail server error is
logged, not shown to the visitor.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def url(name: str, *args, language: str | None = None, **kwargs) -> str:
    """Absolute URL of a named route, with the language prefix of `language`."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        return absolute(reverse(name, args=args or None, kwargs=kwargs or None))


def practitioner_address(professional) -> str:
    """Where moderation news goes: the account's address, else the profile's contact email."""
    user = professional.user if professional.user_id else None
    return (user.email if user is not None and user.email else "") or professional.contact_email


def render(name: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"directory/emails/{name}_subject.txt", context)
        body = render_to_string(f"directory/emails/{name}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def send(
    name: str,
    to: list[str] | str,
    context: dict,
    *,
    language: str | None = None,
    reply_to: list[str] | None = None,
) -> EmailMessage:
    """Render and queue one email; it is sent when the current transaction commits."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    recipients = [to] if isinstance(to, str) else list(to)
    subject, body = render(name, {**context, "SITE_URL": settings.SITE_URL}, language)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=reply_to,
        headers={"Auto-Submitted": "auto-generated"} if reply_to is None else None,
    )
    transaction.on_commit(message.send, robust=True)
    return message


# --- Accounts --------------------------------------------------------------------------------
def confirm_email(user, confirm_url: str, language: str) -> None:
    send("confirm_email", user.email, {"user": user, "confirm_url": confirm_url}, language=language)


def signup_existing(email: str, language: str) -> None:
    """Someone tried to sign up with an address that already has an account."""
    send(
        "signup_existing",
        email,
        {
            "login_url": url("directory:login", language=language),
            "reset_url": url("directory:password_reset", language=language),
        },
        language=language,
    )


# --- Moderation --------------------------------------------------------------------------------
def _target_context(obj, language: str) -> dict:
    from .models import Group

    is_group = isinstance(obj, Group)
    with translation.override(language):
        public_url = absolute(obj.get_absolute_url())
    return {
        "object": obj,
        "is_group": is_group,
        "public_url": public_url,
        "dashboard_url": url("directory:dashboard", language=language),
        "edit_url": (
            url("directory:group_edit", obj.pk, language=language)
            if is_group
            else url("directory:profile", language=language)
        ),
    }


def _owner(obj):
    from .models import Group

    return obj.owner if isinstance(obj, Group) else obj


def moderation_decision(obj, decision: str, message: str = "") -> None:
    """Tell the practitioner an editor published, sent back, refused or archived `obj`."""
    professional = _owner(obj)
    to = practitioner_address(professional)
    if not to:
        logger.warning("No address to tell %r about %s", obj, decision)
        return
    language = professional.email_language
    context = {**_target_context(obj, language), "decision": decision, "message": message}
    send("moderation_decision", to, context, language=language)


def revision_decision(revision, approved: bool) -> None:
    target = revision.target
    professional = _owner(target)
    to = practitioner_address(professional)
    if not to:
        return
    language = professional.email_language
    context = {
        **_target_context(target, language),
        "approved": approved,
        "message": revision.message,
    }
    send("revision_decision", to, context, language=language)


def submitted_for_review(obj, *, is_change: bool = False) -> None:
    """Tell the editors something waits in their queue."""
    if not settings.EDITORS_EMAIL:
        return
    model = obj._meta.model_name
    context = {
        "object": obj,
        "is_change": is_change,
        "review_url": absolute(reverse(f"admin:directory_{model}_review", args=[obj.pk])),
        "queue_url": absolute(reverse(f"admin:directory_{model}_changelist")),
    }
    send("submitted", settings.EDITORS_EMAIL, context, language=settings.LANGUAGE_CODE)


# --- Visitors ----------------------------------------------------------------------------------
def contact_relay(contact_message) -> None:
    """The visitor's message to the organiser, whose address the visitor never sees."""
    group = contact_message.group
    professional = group.owner
    language = professional.email_language
    context = {
        "group": group,
        "contact": contact_message,
        "group_url": url("directory:group_detail", slug=group.slug, language=language),
        "days": settings.CONTACT_MESSAGE_RETENTION_DAYS,
    }
    send(
        "contact_relay",
        professional.contact_email,
        context,
        language=language,
        reply_to=[contact_message.email],
    )


def listing_report(report) -> None:
    if not settings.EDITORS_EMAIL:
        return
    context = {
        "report": report,
        "group": report.group,
        "admin_url": absolute(reverse("admin:directory_listingreport_change", args=[report.pk])),
    }
    send("listing_report", settings.EDITORS_EMAIL, context, language=settings.LANGUAGE_CODE)


# --- Freshness ---------------------------------------------------------------------------------
def confirmation_reminder(professional, entries: list[tuple], deadline) -> None:
    """`entries`: (group, one-click confirm URL) pairs."""
    to = practitioner_address(professional)
    if not to:
        return
    language = professional.email_language
    context = {
        "professional": professional,
        "entries": entries,
        "deadline": deadline,
        "dashboard_url": url("directory:dashboard", language=language),
    }
    send("confirmation_reminder", to, context, language=language)


def unpublished_for_freshness(professional, groups: list) -> None:
    to = practitioner_address(professional)
    if not to:
        return
    language = professional.email_language
    context = {
        "professional": professional,
        "groups": groups,
        "dashboard_url": url("directory:dashboard", language=language),
    }
    send("unpublished_not_confirmed", to, context, language=language)
