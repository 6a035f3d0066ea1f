"""`ChoiceSetField`: a set of choices (audiences, languages, age bands) stored in one integer.

Why a bitmask rather than lookup tables with a many-to-many:

* The search combines several multi-valued filters with OR inside a key and AND across
  keys. With a bitmask each key is one integer test on the group row,
  ``(audiences & 5) != 0``: no join, no DISTINCT, no extra query to prefetch the values
  for display, and the same SQL on SQLite and PostgreSQL.
* These value lists are part of the public URL contract (``audience=parents``), change
  only with a code change, and have fewer than 31 members, so they fit an int.
* At 100k groups the test costs a few nanoseconds per row that the other (indexed)
  conditions leave; see ``bench/directory_search.py``.

Editor-extensible taxonomies (themes) stay real tables with a many-to-many.

The bit of a value is its position in the choices class, so **new values must be appended
at the end and existing values never reordered or removed** (a data migration would be
needed to renumber stored masks).

In Python the field's value is a list of choice values in declaration order
(``["parents", "carers"]``); lookups: ``field__any=[...]`` (at least one of, OR) and
``field__all=[...]`` (every one of). ``get_<field>_labels()`` gives translated labels.
"""

from collections.abc import Iterable
from functools import cached_property, partialmethod

from django import forms
from django.core import checks, exceptions
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceSetField(models.PositiveIntegerField):
    description = _("Set of choices (stored as a bitmask)")

    def __init__(self, *args, choices_class: type[models.Choices] | None = None, **kwargs):
        self.choices_class = choices_class
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    # --- set <-> mask -------------------------------------------------------------------
    @cached_property
    def values(self) -> list[str]:
        return [str(value) for value in self.choices_class.values]

    @cached_property
    def _bits(self) -> dict[str, int]:
        return {value: 1 << index for index, value in enumerate(self.values)}

    def bit(self, value: str) -> int:
        return self._bits[value]

    def mask(self, values: Iterable[str] | int | None) -> int:
        """The integer mask of `values`; unknown values raise ValidationError."""
        if values is None:
            return 0
        if isinstance(values, int):
            return values
        if isinstance(values, str):
            values = [part for part in values.split(",") if part]
        bits = self._bits
        mask = 0
        for value in values:
            bit = bits.get(str(value))
            if bit is None:
                raise exceptions.ValidationError(
                    _("“%(value)s” is not a valid choice."),
                    code="invalid_choice",
                    params={"value": str(value)},
                )
            mask |= bit
        return mask

    def decode(self, mask: int | None) -> list[str]:
        if not mask:
            return []
        return [value for index, value in enumerate(self.values) if mask & (1 << index)]

    # --- Field API -------------------------------------------------------------------------
    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.choices_class is None:
            errors.append(checks.Error("ChoiceSetField needs choices_class.", obj=self))
        elif len(self.choices_class.values) > 31:
            errors.append(checks.Error("ChoiceSetField holds at most 31 choices.", obj=self))
        return errors

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_class"] = self.choices_class
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    @property
    def validators(self):
        # The integer range validators do not apply to a list value; `mask()` validates.
        return []

    def from_db_value(self, value, expression, connection):
        return self.decode(value)

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, int):
            return self.decode(value)
        if isinstance(value, str) and value.isdigit():
            return self.decode(int(value))
        return self.decode(self.mask(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        return self.mask(value)

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj) or [])

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.choices_class.choices,
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        for key in ("min_value", "max_value", "step_size", "coerce", "empty_value"):
            defaults.pop(key, None)
        return form_class(**defaults)

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, f"get_{name}_labels", partialmethod(_labels, field=self))


def _labels(obj, field: ChoiceSetField) -> list[str]:
    labels = dict(field.choices_class.choices)
    return [labels[value] for value in getattr(obj, field.attname) or []]


class _MaskLookup(models.Lookup):
    prepare_rhs = False

    def get_prep_lookup(self):
        return self.lhs.output_field.mask(self.rhs)

    def process_rhs(self, compiler, connection):
        return "%s", [self.rhs]


@ChoiceSetField.register_lookup
class AnyLookup(_MaskLookup):
    """At least one of the values (OR). An empty list matches nothing."""

    lookup_name = "any"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} & {rhs}) <> 0", [*lhs_params, *rhs_params]


@ChoiceSetField.register_lookup
class AllLookup(_MaskLookup):
    """Every one of the values (AND)."""

    lookup_name = "all"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} & {rhs}) = {rhs}", [*lhs_params, *rhs_params, *rhs_params]
