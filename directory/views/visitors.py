"""Visitors writing to an organiser, and reporting a problem with a listing.

Both forms sit on the group page, which the page cache stores for anonymous visitors. A
CSRF token in those forms would make every group page uncacheable (the token sets a
cookie), so these two views are exempt from CSRF checks, deliberately:

* they act for nobody: no session, account or cookie of the visitor is read or changed,
  so a forged cross-site post can do nothing a direct post could not;
* abuse is handled where it matters: a honeypot field, a consent box, per-address rate
  limits, message length limits, and the organiser's address never leaves the server.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import emails, ratelimit
from ..forms import ContactForm, ReportForm
from ..models import ContactMessage, Group, ListingReport
from ..templatetags.contact_tags import CONTACT_AUTO_ID, REPORT_AUTO_ID


def _public_group(slug: str) -> Group:
    return get_object_or_404(Group.objects.published().select_related("owner"), slug=slug)


def _back_to_group(group: Group, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{group.get_absolute_url()}#{anchor}")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def group_contact(request, slug: str):
    """The contact form (GET shows it on its own page; errors come back here too)."""
    group = _public_group(slug)
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, auto_id=CONTACT_AUTO_ID)
        if form.is_valid():
            sent = _("Your message is on its way to the organiser. They will reply by email.")
            if form.is_spam:
                messages.success(request, sent)
                return _back_to_group(group, "contact")
            if ratelimit.is_limited(request, "contact"):
                form.add_error(
                    None,
                    _(
                        "You have sent several messages in a short time. Please wait an hour "
                        "and try again, or use the organiser's other contact details."
                    ),
                )
                status = 429
            else:
                contact = ContactMessage.objects.create(
                    group=group,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    message=form.cleaned_data["message"],
                )
                emails.contact_relay(contact)
                messages.success(request, sent)
                return _back_to_group(group, "contact")
    else:
        form = ContactForm(auto_id=CONTACT_AUTO_ID)
    return render(
        request, "directory/group_contact.html", {"group": group, "form": form}, status=status
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def group_report(request, slug: str):
    """ "Report a problem with this listing": it goes to the editors' queue."""
    group = _public_group(slug)
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, auto_id=REPORT_AUTO_ID)
        if form.is_valid():
            thanks = _("Thank you. An editor will look at this listing.")
            if form.is_spam:
                messages.success(request, thanks)
                return _back_to_group(group, "report")
            if ratelimit.is_limited(request, "report"):
                form.add_error(
                    None, _("You have sent several reports in a short time. Please try later.")
                )
                status = 429
            else:
                report = ListingReport.objects.create(
                    group=group,
                    reason=form.cleaned_data["reason"],
                    message=form.cleaned_data["message"],
                    email=form.cleaned_data["email"],
                )
                emails.listing_report(report)
                messages.success(request, thanks)
                return _back_to_group(group, "report")
    else:
        form = ReportForm(auto_id=REPORT_AUTO_ID)
    return render(
        request, "directory/group_report.html", {"group": group, "form": form}, status=status
    )
