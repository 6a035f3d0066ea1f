"""The "Editors" group: exactly the permissions the moderation work needs.

Editors moderate groups and profiles (change), verify professionals (change), extend the
themes (add, change), review changes waiting for review (change), handle visitors' reports
(change), read the audit trail and, to handle abuse, the stored contact messages (view).
They delete nothing: an item is archived instead, and only superusers delete.
Editors also need `is_staff` to enter the admin; give it with the group.

`ensure_editors_group()` is idempotent: it runs after every `migrate` (see apps.py) and from
`manage.py ensure_editors_group` (part of `load_demo`).
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"

EDITOR_PERMISSIONS: dict[str, list[str]] = {
    "directory": [
        "view_group",
        "change_group",
        "view_professional",
        "change_professional",
        "view_theme",
        "add_theme",
        "change_theme",
        "view_revision",
        "change_revision",
        "view_statuschange",
        "view_listingreport",
        "change_listingreport",
        "view_contactmessage",
    ],
    # The postal-code lookup next to a group's postal code field in the admin.
    "networks": ["view_postalcode", "view_region"],
    # Articles and the orientation: editors write, preview and publish; like everything
    # else they delete nothing (back to draft, or "shown" unticked, instead).
    "articles": [
        "view_article",
        "add_article",
        "change_article",
        "view_reference",
        "add_reference",
        "change_reference",
        "view_orientationanswer",
        "add_orientationanswer",
        "change_orientationanswer",
        "view_orientationtarget",
        "add_orientationtarget",
        "change_orientationtarget",
    ],
}


def editor_permissions():
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    query = Q(pk__in=[])
    for app_label, codenames in EDITOR_PERMISSIONS.items():
        query |= Q(content_type__app_label=app_label, codename__in=codenames)
    return Permission.objects.filter(query)


def ensure_editors_group(using: str = "default", *, warn: bool = True):
    """Create the group if needed and give it exactly `EDITOR_PERMISSIONS`.

    During `migrate` the permissions of apps migrated later do not exist yet (each app
    adds its own after its migrations), so `after_migrate` does not warn: those apps call
    this again from their own post_migrate handler (see articles/apps.py).
    """
    from django.contrib.auth.models import Group as AuthGroup

    group, _ = AuthGroup.objects.using(using).get_or_create(name=EDITORS_GROUP)
    permissions = list(editor_permissions().using(using))
    expected = sum(len(codenames) for codenames in EDITOR_PERMISSIONS.values())
    if warn and len(permissions) != expected:
        logger.warning(
            "Editors group: %d of %d permissions exist (run migrate).", len(permissions), expected
        )
    group.permissions.set(permissions)
    return group


def after_migrate(sender, using="default", **kwargs):
    """post_migrate handler (directory app): keep the group in step with the code."""
    ensure_editors_group(using=using, warn=False)
