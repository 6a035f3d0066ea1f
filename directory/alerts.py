"""Following a search: what is new for a search, the alert emails, and the subscribe form.

"New" for a search means a published group that matches its filters and was first
published, or announced a new cycle (`Group.new_cycle_at`), after a moment. The RSS/Atom
feeds list the latest such groups; an alert emails those that appeared since its last email.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import models
from django.db.models.functions import Coalesce, Greatest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from . import presentation
from .filters import GroupFilterSet
from .models import Group, SearchAlert

CONFIRM_SALT = "directory.search-alert.confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7
# Keys of a search that say *what* to find (not how to sort or which page).
IGNORED_KEYS = ("sort", "page")
MAX_GROUPS_PER_EMAIL = 20
# Subscribe requests per client address per hour, and confirmation emails per address per day.
SUBSCRIBE_PER_HOUR = 10
CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


# --- Searches ---------------------------------------------------------------------------------
def filterset_for(query: str | QueryDict, queryset=None) -> GroupFilterSet:
    data = query if isinstance(query, QueryDict) else QueryDict(query)
    return GroupFilterSet(data, queryset=queryset if queryset is not None else published())


def normalize_query(data: QueryDict) -> str:
    """The search's filters as the search page understands them, in a stable order.

    Unknown values are dropped (as on the page), sorting and paging left out, keys and
    values sorted: two links to the same search give the same string.
    """
    clean = GroupFilterSet(data, queryset=Group.objects.none()).data
    pairs = []
    for key in sorted(clean.keys()):
        if key in IGNORED_KEYS:
            continue
        for value in sorted(clean.getlist(key)):
            pairs.append((key, value))
    return _urlencode(pairs)


def _urlencode(pairs: list[tuple[str, str]]) -> str:
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value)
    return query.urlencode()


def published():
    return Group.objects.published()


def news_date():
    """When a group became news: its first publication or its latest new cycle."""
    return Greatest(
        Coalesce("published_at", models.Value(_EPOCH)),
        Coalesce("new_cycle_at", models.Value(_EPOCH)),
    )


def new_groups(query: str | QueryDict, since: dt.datetime | None = None, limit: int = 30):
    """Published groups matching the search, newest news first (news after `since`)."""
    groups = filterset_for(query).qs.annotate(news_at=news_date())
    if since is not None:
        groups = groups.filter(news_at__gt=since)
    return groups.for_cards().order_by("-news_at", "-pk")[:limit]


def describe(query: str | QueryDict) -> list[str]:
    """The search's active filters in words ("ADHD", "Within 25 km of 5000 Namur")."""
    return [chip.label for chip in filterset_for(query).chips("")]


def search_url(query: str) -> str:
    path = reverse("directory:group_list")
    return f"{path}?{query}" if query else path


def absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- Emails ----------------------------------------------------------------------------------
def confirm_url(alert: SearchAlert) -> str:
    signed = signing.dumps(alert.token, salt=CONFIRM_SALT, compress=True)
    with translation.override(alert.language):
        return absolute(reverse("data:alert_confirm", kwargs={"signed": signed}))


def unsubscribe_url(alert: SearchAlert) -> str:
    with translation.override(alert.language):
        return absolute(reverse("data:alert_unsubscribe", kwargs={"token": alert.token}))


def token_from_signed(signed: str) -> str | None:
    try:
        return signing.loads(signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None


def _send(alert: SearchAlert, template: str, subject: str, context: dict) -> None:
    unsubscribe = unsubscribe_url(alert)
    context = {**context, "alert": alert, "unsubscribe_url": unsubscribe}
    message = EmailMessage(
        subject=subject,
        body=render_to_string(f"directory/emails/{template}.txt", context),
        to=[alert.email],
        headers={
            # RFC 2369 and RFC 8058: mail programs offer a one-click unsubscribe button.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.send()


def send_confirmation(alert: SearchAlert) -> None:
    with translation.override(alert.language):
        _send(
            alert,
            "search_alert_confirm",
            gettext("Confirm your alert for new groups"),
            {
                "confirm_url": confirm_url(alert),
                "filters": describe(alert.query),
                "search_url": absolute(search_url(alert.query)),
                "confirm_days": CONFIRM_MAX_AGE // 86400,
            },
        )


def send_alert(alert: SearchAlert, now: dt.datetime | None = None) -> int:
    """Email the groups that are news since the last email; returns how many (0: no email)."""
    now = now or timezone.now()
    since = alert.last_sent_at or alert.confirmed_at
    with translation.override(alert.language):
        groups = list(new_groups(alert.query, since=since, limit=MAX_GROUPS_PER_EMAIL + 1))
        if not groups:
            return 0
        more = len(groups) > MAX_GROUPS_PER_EMAIL
        groups = groups[:MAX_GROUPS_PER_EMAIL]
        items = [
            {
                "title": group.title,
                "url": absolute(group.get_absolute_url()),
                "place": presentation.place_text(group),
                "when": presentation.next_text(group),
                "price": presentation.price_text(group),
                "new_cycle": bool(group.new_cycle_at and group.new_cycle_at > since),
            }
            for group in groups
        ]
        subject = (
            gettext("A new group for your search")
            if len(items) == 1
            else gettext("New groups for your search")
        )
        _send(
            alert,
            "search_alert",
            subject,
            {
                "groups": items,
                "more": more,
                "filters": describe(alert.query),
                "search_url": absolute(search_url(alert.query)),
            },
        )
    SearchAlert.objects.filter(pk=alert.pk).update(last_sent_at=now)
    alert.last_sent_at = now
    return len(items)


# --- Abuse limits ----------------------------------------------------------------------------
def allow(key: str, limit: int, seconds: int) -> bool:
    """A fixed-window counter in the cache: False once `limit` is passed."""
    try:
        if cache.add(key, 1, timeout=seconds):
            return True
        return cache.incr(key) <= limit
    except ValueError:
        cache.set(key, 1, timeout=seconds)
        return True
    except Exception:  # a cache outage must not block people from subscribing
        return True


# --- The form ---------------------------------------------------------------------------------
class SearchAlertForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("Used only for this alert. We send a link to confirm it first."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=SearchAlert.Frequency.choices,
        initial=SearchAlert.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    # Left empty by people; bots fill it in (hidden with the .honeypot class).
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
