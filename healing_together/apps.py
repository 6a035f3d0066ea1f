from importlib import import_module

from django.apps import apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule

# django-leaflet's admin module imports GeoDjango, which needs the GDAL C library.
# The site uses only its template tags, so its admin module is never imported and
# the site runs, and every management command works, on a machine without GDAL.
SKIPPED_ADMIN_MODULES = {"leaflet"}


class SiteAdminConfig(SimpleAdminConfig):
    """Django's admin, autodiscovering every app's admin.py but django-leaflet's."""

    def ready(self) -> None:
        super().ready()
        # The project's own start-up hook: publishing content retires cached pages.
        from .cache import connect_invalidation_signals

        connect_invalidation_signals()
        # Failed log-ins are counted and throttled; staff sessions are shorter.
        from .logins import connect_signals as connect_login_signals

        connect_login_signals()
        for app_config in apps.get_app_configs():
            if app_config.name in SKIPPED_ADMIN_MODULES:
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")
