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
        self._connect_reference_cache()
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="directory_editors")

    def _connect_reference_cache(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from networks.models import Region

        from .models import Theme
        from .reference import forget

        for model in (Theme, Region):
            uid = f"directory_reference_{model._meta.label_lower}"
            post_save.connect(forget, sender=model, dispatch_uid=uid)
            post_delete.connect(forget, sender=model, dispatch_uid=uid)
