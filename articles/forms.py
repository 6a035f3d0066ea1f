from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Theme

from .models import OrientationAnswer


class AnswerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class OrientationForm(forms.Form):
    """ "What do you feel right now?": one answer, sent by GET so the result can be bookmarked.

    The optional theme narrows the group searches the answer leads to.
    """

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
    theme = forms.ModelChoiceField(
        label=_("Is it about a particular subject? (optional)"),
        help_text=_("For example a diagnosis you just received. We then look for groups on it."),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("No particular subject"),
        error_messages={"invalid_choice": _("Choose a subject from the list, or none.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].widget.attrs["aria-describedby"] = self.theme_help_id

    def _post_clean(self):
        super()._post_clean()
        if "theme" in self.errors:
            error_id = f"{self['theme'].auto_id}-error"
            self.fields["theme"].widget.attrs["aria-describedby"] += f" {error_id}"

    @property
    def theme_help_id(self) -> str:
        return f"{self['theme'].auto_id}-help"
