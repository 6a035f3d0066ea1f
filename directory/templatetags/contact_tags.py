"""The visitors' forms on a group page: write to the organiser, report a problem."""

from django import template

from ..forms import ContactForm, ReportForm

register = template.Library()

CONTACT_AUTO_ID = "contact_%s"
REPORT_AUTO_ID = "report_%s"


@register.inclusion_tag("directory/includes/contact_form.html")
def contact_form(group, form=None) -> dict:
    return {"group": group, "form": form or ContactForm(auto_id=CONTACT_AUTO_ID)}


@register.inclusion_tag("directory/includes/report_form.html")
def report_form(group, form=None) -> dict:
    return {"group": group, "form": form or ReportForm(auto_id=REPORT_AUTO_ID)}
