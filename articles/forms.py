from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OrientationAnswer


class AnswerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class OrientationForm(forms.Form):
    """ "What do you feel right now?": one answer, sent by GET so the result can be bookmarked."""

    answer = AnswerChoiceField(
        label=_("What do you feel right now?"),
        queryset=OrientationAnswer.objects.active(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the answer that is closest to how you feel."),
            "invalid_choice": _("Choose one of the answers below."),
        },
    )
