"""Editors' bulk import (CSV or HSDS JSON, previewed before anything changes) and CSV export.

Wired under /admin/directory/ by `directory.admin_import_urls` (included before the admin's
own URLs) and linked from the group and professional lists. Views run through
`admin.site.admin_view`, so only logged-in staff reach them, and each checks the model
permissions it needs.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from . import importers
from .models import Group, Professional

PREVIEW_SECONDS = 60 * 60
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A CSV file in the export format (UTF-8), or HSDS 3.0 JSON (one service, a list, "
            "or a page of the API). Nothing changes before you confirm the preview."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as UTF-8 and try again.")) from None
        name = upload.name.lower()
        kind = "hsds" if name.endswith(".json") or text.lstrip()[:1] in "[{" else "csv"
        return {"text": text, "kind": kind, "name": upload.name}


def _check(request, *codenames: str) -> None:
    if not all(request.user.has_perm(f"directory.{codename}") for codename in codenames):
        raise PermissionDenied


def _context(request, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "opts": Group._meta,
        "title": _("Import groups and professionals"),
        **extra,
    }


def import_view(request):
    """Upload → preview (a dry run, row by row) → apply."""
    _check(request, "add_group", "change_group", "add_professional", "change_professional")
    if request.method == "POST" and request.POST.get("apply"):
        key = f"directory-import:{request.user.pk}:{request.POST['apply']}"
        stored = cache.get(key)
        if stored is None:
            messages.error(request, _("The preview expired: upload the file again."))
            return redirect("directory_admin:import")
        cache.delete(key)
        report = importers.run_import(stored["text"], kind=stored["kind"], dry_run=False)
        summary = report.summary
        messages.success(
            request,
            _(
                "Import applied: %(created)d created, %(changed)d changed, %(unchanged)d "
                "unchanged, %(rejected)d rejected. New and changed listings wait for review."
            )
            % summary,
        )
        return render(
            request,
            "admin/directory/import.html",
            _context(request, report=report, applied=True, file_name=stored["name"]),
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = importers.run_import(upload["text"], kind=upload["kind"], dry_run=True)
        token = secrets.token_urlsafe(16)
        if report.rows and not all(row.fate == importers.REJECTED for row in report.rows):
            cache.set(f"directory-import:{request.user.pk}:{token}", upload, PREVIEW_SECONDS)
        else:
            token = ""
        return render(
            request,
            "admin/directory/import.html",
            _context(request, form=form, report=report, token=token, file_name=upload["name"]),
        )
    return render(
        request,
        "admin/directory/import.html",
        _context(request, form=form, columns=importers.EXPORT_COLUMNS),
    )


def export_view(request):
    """Every group with its organiser, then profiles without a group, as CSV."""
    _check(request, "view_group", "view_professional")
    status = request.GET.get("status", "")
    groups = Group.objects.all()
    professionals = Professional.objects.all()
    if status in Group.Status.values:
        groups = groups.filter(status=status)
        professionals = professionals.filter(status=status)
    response = HttpResponse(
        importers.export_csv(groups, professionals), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="groups-{stamp}.csv"'
    return response
