from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def editors_may_write_articles(sender, using="default", **kwargs):
    """Refresh the Editors group once this app's permissions exist.

    directory refreshes the group after its own migrations, before the permissions of
    `articles` (a later app) are created; this runs after them.
    """
    from directory.editors import ensure_editors_group

    ensure_editors_group(using=using)


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Articles and orientation")

    def ready(self) -> None:
        post_migrate.connect(
            editors_may_write_articles, sender=self, dispatch_uid="articles_editors"
        )
