"""Email alerts of a search: subscribe, confirm (double opt-in), unsubscribe (one click).

No account: the address is stored only for the alert and deleted on unsubscribe. These
pages carry personal links, so they are never cached.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import alerts
from ..models import SearchAlert


def _client_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:24]


@never_cache
@require_http_methods(["GET", "POST"])
def alert_new(request):
    """The subscribe form for the search in the query string."""
    query = alerts.normalize_query(request.GET)
    form = alerts.SearchAlertForm(request.POST or None)
    context = {
        "form": form,
        "query": query,
        "filters": alerts.describe(query),
        "search_url": alerts.search_url(query),
    }
    if request.method == "POST":
        if form.data.get("website"):  # the honeypot: answer as if all went well
            return redirect("data:alert_sent")
        if not alerts.allow(
            f"alert-subscribe:{_client_key(request)}", alerts.SUBSCRIBE_PER_HOUR, 3600
        ):
            context["too_many"] = True
            return render(request, "directory/alert_form.html", context, status=429)
        if form.is_valid():
            _subscribe(form.cleaned_data["email"], form.cleaned_data["frequency"], query)
            return redirect("data:alert_sent")
    return render(request, "directory/alert_form.html", context, status=400 if form.errors else 200)


def _subscribe(email: str, frequency: str, query: str) -> None:
    """Create the alert (or find the same one) and send the confirmation email.

    The answer is the same whether or not the address already follows this search, so the
    form reveals nothing about anyone's alerts.
    """
    alert, created = SearchAlert.objects.get_or_create(
        email=email,
        query=query,
        defaults={"frequency": frequency, "language": translation.get_language()},
    )
    if alert.is_confirmed:
        return
    if not created:
        alert.frequency = frequency
        alert.language = translation.get_language()
        alert.save(update_fields=["frequency", "language"])
    digest = hashlib.sha256(email.encode()).hexdigest()[:24]
    if alerts.allow(
        f"alert-confirmation:{digest}", alerts.CONFIRMATIONS_PER_ADDRESS_PER_DAY, 86400
    ):
        alerts.send_confirmation(alert)


@never_cache
def alert_sent(request):
    return render(
        request,
        "directory/alert_message.html",
        {
            "title": _("Check your inbox"),
            "lead": _(
                "We sent you an email with a link to confirm the alert. Nothing else will be "
                "sent until you confirm. The link works for 7 days."
            ),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def alert_confirm(request, signed: str):
    """GET shows a button (mail scanners follow links); POST confirms."""
    token = alerts.token_from_signed(signed)
    alert = SearchAlert.objects.filter(token=token).first() if token else None
    if alert is None:
        return _gone(request, _("This confirmation link has expired or was already used up."))
    context = {
        "alert": alert,
        "filters": alerts.describe(alert.query),
        "search_url": alerts.search_url(alert.query),
        "unsubscribe_url": reverse("data:alert_unsubscribe", kwargs={"token": alert.token}),
    }
    if request.method == "POST" and not alert.is_confirmed:
        now = timezone.now()
        alert.confirmed_at = now
        # Only groups that appear from now on are news for this alert.
        alert.last_sent_at = now
        alert.save(update_fields=["confirmed_at", "last_sent_at"])
    context["confirmed"] = alert.is_confirmed
    return render(request, "directory/alert_confirm.html", context)


@never_cache
@csrf_exempt  # the token is the credential; mail programs POST here (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token: str):
    """GET asks to confirm; POST deletes the alert, and with it the address."""
    alert = SearchAlert.objects.filter(token=token).first()
    if request.method == "POST":
        if alert is not None:
            SearchAlert.objects.filter(email=alert.email, pk=alert.pk).delete()
        return render(
            request,
            "directory/alert_message.html",
            {
                "title": _("You are unsubscribed"),
                "lead": _(
                    "We deleted the alert and your email address. "
                    "You will get no more emails from it."
                ),
            },
        )
    if alert is None:
        return _gone(
            request, _("This alert no longer exists: you will get no more emails from it.")
        )
    return render(
        request,
        "directory/alert_unsubscribe.html",
        {"alert": alert, "filters": alerts.describe(alert.query)},
    )


def _gone(request, lead: str) -> HttpResponse:
    return render(
        request,
        "directory/alert_message.html",
        {"title": _("Link no longer valid"), "lead": lead},
        status=404,
    )
