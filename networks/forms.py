"""The postal-code lookup form (networks page and home page)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Four ASCII digits, optionally written the way Belgian addresses sometimes are: "B-1050".
# [0-9] rather than \d: \d also matches Arabic-Indic and other Unicode digits.
POSTCODE_RE = re.compile(r"(?:BE?\s*-?\s*)?([0-9]{4})", re.IGNORECASE)

# Echoing a 10 KB paste back into the field helps nobody; a visitor still sees what they typed.
MAX_ECHO = 40


class PostcodeForm(forms.Form):
    """A Belgian postal code: four digits from 1000 to 9999."""

    postcode = forms.CharField(
        label=_("Postal code"),
        help_text=_("4 digits, for example 1050"),
        error_messages={"required": _("Enter a postal code: 4 digits, for example 1050.")},
    )

    def clean_postcode(self) -> str:
        raw = self.cleaned_data["postcode"]
        match = POSTCODE_RE.fullmatch(raw.strip())
        if match is None:
            raise ValidationError(
                _("A Belgian postal code has 4 digits, for example 1050. Check what you typed."),
                code="format",
            )
        code = match.group(1)
        if code < "1000":
            raise ValidationError(
                _("Belgian postal codes go from 1000 to 9999. Check what you typed."),
                code="range",
            )
        return code

    def typed_value(self) -> str:
        """What the visitor typed, shortened for display in the field."""
        value = self.data.get("postcode", "") if self.is_bound else ""
        return value[:MAX_ECHO]
