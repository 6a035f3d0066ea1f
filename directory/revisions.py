"""What a revision changes, in words: the side-by-side view editors and practitioners read."""

from __future__ import annotations

from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .fields import ChoiceSetField
from .models import Revision

EMPTY = "—"


def display_value(model, name: str, value) -> str:
    """A JSON value of `data` (or of `Revision.current_data`) as a person reads it."""
    field = model._meta.get_field(name)
    if value is None or value == "" or value == []:
        return EMPTY
    if field.many_to_many:
        related = field.related_model._default_manager.filter(pk__in=value)
        return ", ".join(sorted(str(obj) for obj in related)) or EMPTY
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else EMPTY
    if isinstance(field, ChoiceSetField):
        labels = dict(field.choices_class.choices)
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    python_value = field.to_python(value)
    if field.choices:
        return str(dict(field.flatchoices).get(python_value, python_value))
    if isinstance(field, models.DateField):
        return date_format(python_value, "DATE_FORMAT")
    if isinstance(field, models.TimeField):
        return python_value.strftime("%H:%M")
    return str(python_value)


def changes(revision: Revision) -> list[dict]:
    """One row per changed field: name, label, the live value and the proposed one."""
    target = revision.target
    if target is None:
        return []
    model = type(target)
    names = revision.changed_fields()
    current = Revision.current_data(target, names)
    rows = []
    for name in names:
        field = model._meta.get_field(name)
        rows.append(
            {
                "name": name,
                "label": capfirst(str(field.verbose_name)),
                "before": display_value(model, name, current.get(name)),
                "after": display_value(model, name, revision.data.get(name)),
                "long": isinstance(field, models.TextField),
            }
        )
    return rows
