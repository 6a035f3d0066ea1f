from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from .editors import after_migrate
        from .search_index import ensure_search_index

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="directory_fts")
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="directory_editors")
