"""/admin/directory/import/ and /admin/directory/export.csv (see directory.admin_import)."""

from django.contrib import admin
from django.urls import path

from . import admin_import

app_name = "directory_admin"

urlpatterns = [
    path("import/", admin.site.admin_view(admin_import.import_view), name="import"),
    path("export.csv", admin.site.admin_view(admin_import.export_view), name="export"),
]
