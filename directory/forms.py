"""Forms of the practitioner space, the visitors' contact and report forms, and moderation.

Every form here renders with `directory/includes/form_field.html`: label, help, the field,
and its error under it, linked with aria-describedby (Django 5.2 gives the widget
``aria-describedby="<id>_helptext <id>_error"`` and ``aria-invalid``), plus an error
summary at the top built from `error_summary()`.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from networks.models import PostalCode

from .models import Group, ListingReport, Professional, Theme

# Friendlier than Django's "Ensure this value has at most N characters (it has M)."
TOO_LONG = _("Please keep this under %(limit_value)d characters (it has %(show_value)d now).")


def formfield(db_field, **kwargs):
    """ModelForm fields: links typed without a scheme are https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class AccessibleFormMixin:
    """Error summary entries and consistent error wording for the site's forms."""

    error_css_class = "field--error"
    # Fields left out of the error summary (the honeypot never shows an error anyway).
    summary_exclude = ("homepage",)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) for each error, in the order the fields appear."""
        entries = [("", str(error)) for error in self.non_field_errors()]
        for name, field in self.fields.items():
            if name in self.summary_exclude or name not in self.errors:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if bound.field.widget.use_fieldset and getattr(field, "choices", None):
                anchor = f"{bound.auto_id}_0"
            for error in self.errors[name]:
                entries.append((anchor, str(error)))
        return entries

    def _update_errors(self, errors):
        """ModelForm: drop a model-level error for a field that already shows one.

        The model's clean() mirrors the database constraints ("an in-person group needs a
        postal code"); when the form already said what is wrong with that field ("we do not
        know the postal code 1234"), a second message would only confuse.
        """
        if hasattr(errors, "error_dict"):
            kept = {
                field: messages
                for field, messages in errors.error_dict.items()
                if field == NON_FIELD_ERRORS or field not in self.errors
            }
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)

    def limit_text(self, limits: dict[str, int]) -> None:
        """Cap free-text fields; long text is refused with a message, never cut silently."""
        for name, limit in limits.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["data-maxlength"] = str(limit)
        for field in self.fields.values():
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = TOO_LONG


class HoneypotMixin(forms.Form):
    """A field people never see nor fill; software that fills every field does."""

    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("homepage"), "").strip())


# --- Accounts ------------------------------------------------------------------------------------
class SignupForm(AccessibleFormMixin, HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=150,
        help_text=_("We send a link to this address to confirm it. It is not shown on the site."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accept = forms.BooleanField(
        label=_("I have read how this site handles my data (privacy page)."),
        error_messages={"required": _("Tick the box to say you have read the privacy page.")},
    )

    field_order = ["email", "password1", "password2", "accept", "homepage"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ. Type the same one twice."))
        elif password1:
            user = get_user_model()(username=cleaned.get("email", ""), email=cleaned.get("email"))
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ConfirmEmailForm(AccessibleFormMixin, forms.Form):
    """Confirming the address takes the password chosen at sign-up.

    So an account becomes active only for someone who both reads the mailbox and knows the
    password: a stranger who signed up with somebody else's address cannot have its owner
    activate an account whose password the stranger knows.
    """

    password = forms.CharField(
        label=_("The password you chose"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Type the password you chose when signing up.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _(
                    "That is not the password chosen for this account. Forgot it? Sign up "
                    "again with the same address: we send you a new link."
                ),
                code="wrong_password",
            )
        return password


class LoginForm(AccessibleFormMixin, AuthenticationForm):
    """Log in with the email address; says so when the address is not confirmed yet."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email address and password do not match an account. Check both, or "
            "reset your password."
        ),
        "unconfirmed": _(
            "Your email address is not confirmed yet. We have sent you a new confirmation "
            "link: open it, then log in."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        )
        self.unconfirmed_user = None

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            username = self.cleaned_data.get("username")
            password = self.cleaned_data.get("password")
            user = (
                get_user_model()
                .objects.filter(
                    username=username,
                    is_active=False,
                    last_login__isnull=True,
                    is_staff=False,
                    is_superuser=False,
                )
                .first()
            )
            if user is not None and password and user.check_password(password):
                self.unconfirmed_user = user
                raise ValidationError(
                    self.error_messages["unconfirmed"], code="unconfirmed"
                ) from error
            raise


# --- Profile -----------------------------------------------------------------------------------
class ProfessionalForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Professional
        formfield_callback = formfield
        fields = [
            "name",
            "title",
            "title_detail",
            "organisation",
            "registration_number",
            "bio",
            "languages",
            "website",
            "contact_email",
            "email_language",
        ]
        labels = {
            "name": _("Your name, as shown on the site"),
            "languages": _("Languages you work in"),
            "bio": _("About you"),
        }
        help_texts = {
            "registration_number": _(
                "Psychologists' Commission number, RIZIV/INAMI number or visa, where your "
                "profession has one. Editors check it before your profile goes public."
            ),
            "bio": _("Your training, your approach, who you work with. Shown on your profile."),
            "contact_email": _(
                "Visitors' messages are forwarded to this address. It is never shown on the site."
            ),
        }
        widgets = {
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
            "bio": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].required = True
        self.fields["languages"].error_messages["required"] = _(
            "Choose at least one language you work in."
        )
        self.limit_text({"bio": 3000})

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("title")
        if (
            title
            and title not in {Professional.Title.PEER_FACILITATOR, Professional.Title.OTHER}
            and not cleaned.get("registration_number", "").strip()
        ):
            self.add_error(
                "registration_number",
                _(
                    "Give your registration number: editors check it against the official "
                    "register. Peer facilitators leave it empty."
                ),
            )
        return cleaned


# --- Groups ------------------------------------------------------------------------------------
class PostalCodeField(forms.CharField):
    """Four digits that must be a Belgian postal code we know; cleans to a PostalCode."""

    default_error_messages = {
        "invalid": _("A Belgian postal code has 4 digits, for example 1050."),
        "unknown": _(
            "We do not know the postal code %(code)s. Check it: Belgian postal codes have "
            "4 digits, for example 1050."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "postal-code",
                    "class": "input--short",
                    "data-postal-code": "",
                }
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, PostalCode):
            return value.code
        if isinstance(value, int):
            found = PostalCode.objects.filter(pk=value).values_list("code", flat=True).first()
            return found or ""
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code = value.strip().upper().removeprefix("B-").removeprefix("B").strip()
        if not (len(code) == 4 and code.isascii() and code.isdigit()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        postal_code = PostalCode.objects.lookup(code)
        if postal_code is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"code": code}
            )
        return postal_code


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


DATE = forms.DateInput(attrs={"type": "date", "class": "input--short"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "class": "input--short"}, format="%H:%M")
SHORT_NUMBER = forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"})
MONEY = forms.NumberInput(attrs={"class": "input--short", "step": "0.01", "inputmode": "decimal"})


class GroupForm(AccessibleFormMixin, HoneypotMixin, forms.ModelForm):
    """A practitioner's group, in the sections a parent reads it in."""

    SECTIONS = [
        ("what", _("What"), ["title", "kind", "summary", "description", "themes"]),
        ("whom", _("For whom"), ["audiences", "child_age_bands", "languages"]),
        (
            "when",
            _("When"),
            [
                "schedule_type",
                "recurrence",
                "weekday",
                "week_of_month",
                "first_session_on",
                "last_session_on",
                "start_time",
                "end_time",
                "session_count",
                "schedule_note",
            ],
        ),
        (
            "where",
            _("Where, or how to join"),
            [
                "format",
                "venue_name",
                "street_address",
                "postal_code",
                "venue_note",
                "wheelchair_access",
                "accessibility_note",
                "online_joining_info",
            ],
        ),
        (
            "price",
            _("Price"),
            ["price_type", "price_amount", "price_amount_max", "reimbursement_note"],
        ),
        (
            "registration",
            _("Registration"),
            [
                "registration_method",
                "registration_email",
                "registration_phone",
                "registration_url",
                "registration_note",
                "intake_deadline",
                "open_to_newcomers",
                "places_left",
                "waiting_list",
            ],
        ),
    ]
    TEXT_LIMITS = {
        "description": 5000,
        "venue_note": 1000,
        "online_joining_info": 1000,
    }

    postal_code = PostalCodeField(
        label=_("Postal code"),
        required=False,
        help_text=_("4 digits. The municipality appears as you type."),
    )
    themes = ThemeChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.order_by("family", "order", "slug"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the group is about. Choose all that apply."),
        error_messages={"required": _("Choose at least one theme.")},
    )
    price_amount = forms.DecimalField(
        label=_("Amount in euros"),
        required=False,
        max_digits=7,
        decimal_places=2,
        widget=MONEY,
        help_text=_("Per session or for the whole cycle; for a sliding scale, the lowest."),
    )
    price_amount_max = forms.DecimalField(
        label=_("Highest amount in euros"),
        required=False,
        max_digits=7,
        decimal_places=2,
        widget=MONEY,
        help_text=_("Sliding scale only."),
    )
    session_count = forms.IntegerField(
        label=_("Number of sessions"),
        required=False,
        widget=SHORT_NUMBER,
        help_text=_("Closed cycles only."),
    )

    class Meta:
        model = Group
        formfield_callback = formfield
        fields = [
            "title",
            "kind",
            "summary",
            "description",
            "themes",
            "audiences",
            "child_age_bands",
            "languages",
            "schedule_type",
            "recurrence",
            "weekday",
            "week_of_month",
            "first_session_on",
            "last_session_on",
            "start_time",
            "end_time",
            "session_count",
            "schedule_note",
            "format",
            "venue_name",
            "street_address",
            "postal_code",
            "venue_note",
            "wheelchair_access",
            "accessibility_note",
            "online_joining_info",
            "price_type",
            "price_amount",
            "price_amount_max",
            "reimbursement_note",
            "registration_method",
            "registration_email",
            "registration_phone",
            "registration_url",
            "registration_note",
            "intake_deadline",
            "open_to_newcomers",
            "places_left",
            "waiting_list",
        ]
        labels = {
            "title": _("Name of the group"),
            "summary": _("In one or two sentences"),
            "audiences": _("Who is it for?"),
            "child_age_bands": _("Age of the child"),
            "languages": _("Languages spoken in the group"),
            "first_session_on": _("First session"),
            "last_session_on": _("Last session"),
        }
        help_texts = {
            "title": _("e.g. “Parents of teenagers with anxiety”. No capitals-only titles."),
            "description": _(
                "What happens in a session, who leads it, what parents take away. Plain "
                "words; no diagnosis or promise of a cure."
            ),
            "first_session_on": _("For a closed cycle, the day it starts."),
            "last_session_on": _("For an ongoing series that stops on a known date."),
            "online_joining_info": _(
                "Online and hybrid groups: the platform, and how participants receive the "
                "link. Never paste the link itself here."
            ),
            "street_address": _("Groups that meet in person: street and number."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "schedule_type": forms.RadioSelect,
            "format": forms.RadioSelect,
            "price_type": forms.RadioSelect,
            "registration_method": forms.RadioSelect,
            "wheelchair_access": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "venue_note": forms.Textarea(attrs={"rows": 3}),
            "online_joining_info": forms.Textarea(attrs={"rows": 3}),
            "first_session_on": DATE,
            "last_session_on": DATE,
            "intake_deadline": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "places_left": SHORT_NUMBER,
            "registration_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "registration_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    REQUIRED_MESSAGES = {
        "title": _("Give the group a name."),
        "kind": _("Choose the kind of group."),
        "description": _("Describe what happens in the group."),
        "audiences": _("Choose who the group is for."),
        "languages": _("Choose at least one language spoken in the group."),
        "schedule_type": _("Say whether it is an ongoing series or a closed cycle."),
        "recurrence": _("Choose how often the group meets."),
        "first_session_on": _("Give the date of the first session."),
        "start_time": _("Give the time sessions start."),
        "format": _("Say whether the group meets in person, online, or both."),
        "price_type": _("Choose a price, or “Free”."),
        "registration_method": _("Choose how people register."),
    }
    # Required only for some choices (the form's clean() and the model say when): their
    # labels do not say "optional".
    CONDITIONAL = {
        "weekday",
        "week_of_month",
        "session_count",
        "street_address",
        "postal_code",
        "online_joining_info",
        "price_amount",
        "registration_email",
        "registration_phone",
        "registration_url",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("recurrence", "weekday", "week_of_month"):
            self.fields[name].widget.attrs["class"] = "input--medium"
        self.fields["weekday"].required = False
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.RadioSelect):
                # A radio list needs no "---------" entry: nothing ticked means no choice.
                field.choices = [choice for choice in field.choices if choice[0] != ""]
            if name in self.REQUIRED_MESSAGES:
                field.error_messages["required"] = self.REQUIRED_MESSAGES[name]
            field.conditional = name in self.CONDITIONAL
        self.limit_text(self.TEXT_LIMITS)
        theme_families = dict(Theme.objects.values_list("pk", "family"))
        self.theme_family = theme_families

    # --- per-field rules --------------------------------------------------------------------
    def clean_price_amount(self):
        return self._clean_amount("price_amount")

    def clean_price_amount_max(self):
        return self._clean_amount("price_amount_max")

    def _clean_amount(self, name) -> Decimal | None:
        amount = self.cleaned_data.get(name)
        if amount is None:
            return None
        if amount < 0:
            raise ValidationError(
                _("A price cannot be negative. Enter the amount in euros, or choose “Free”."),
                code="negative",
            )
        if amount == 0:
            raise ValidationError(
                _("For a group that costs nothing, choose “Free” and leave the amount empty."),
                code="zero",
            )
        return amount

    def clean_session_count(self):
        count = self.cleaned_data.get("session_count")
        if count is not None and count < 1:
            raise ValidationError(
                _("A cycle has at least one session. Enter how many sessions it has."),
                code="zero_sessions",
            )
        if count is not None and count > 200:
            raise ValidationError(_("Enter 200 sessions at most."), code="too_many")
        return count

    def clean(self):
        cleaned = super().clean()
        group_format = cleaned.get("format")
        online = group_format in {Group.Format.ONLINE, Group.Format.HYBRID}
        in_person = group_format in {Group.Format.IN_PERSON, Group.Format.HYBRID}
        if online and not cleaned.get("online_joining_info", "").strip():
            self.add_error(
                "online_joining_info",
                _(
                    "Say how people join online: the platform, and how they receive the "
                    "link (by email after registering, for example)."
                ),
            )
        if in_person:
            if not cleaned.get("street_address", "").strip():
                self.add_error(
                    "street_address",
                    _("Give the street and number where the group meets."),
                )
            if not cleaned.get("postal_code") and "postal_code" not in self.errors:
                self.add_error(
                    "postal_code", _("Give the postal code of the place where the group meets.")
                )
        elif group_format == Group.Format.ONLINE:
            # An online group has no place: drop what may be left from an earlier choice.
            cleaned["postal_code"] = None
            for name in ("venue_name", "street_address", "venue_note"):
                cleaned[name] = ""
        if cleaned.get("price_type") == Group.Price.FREE:
            # An amount left from an earlier choice means nothing for a free group.
            cleaned["price_amount"] = cleaned["price_amount_max"] = None
            for name in ("price_amount", "price_amount_max"):
                self.errors.pop(name, None)
        elif (
            cleaned.get("price_type")
            and cleaned.get("price_amount") is None
            and "price_amount" not in self.errors
        ):
            self.add_error("price_amount", _("Give the amount in euros, or choose “Free”."))
        if cleaned.get("schedule_type") != Group.ScheduleType.CYCLE:
            cleaned["session_count"] = None
        return cleaned

    # --- rendering helpers --------------------------------------------------------------------
    def sections(self):
        """(anchor, title, [bound fields]) in the order of the page."""
        return [
            (anchor, title, [self[name] for name in names if name in self.fields])
            for anchor, title, names in self.SECTIONS
        ]

    def theme_groups(self):
        """The theme checkboxes grouped by family, for the template."""
        labels = dict(Theme.Family.choices)
        groups: dict[str, list] = {}
        for option in self["themes"]:
            value = option.data["value"]
            pk = getattr(value, "value", value)
            groups.setdefault(self.theme_family.get(pk, ""), []).append(option)
        order = [family for family, _label in Theme.Family.choices]
        return [
            (labels.get(family, ""), groups[family])
            for family in sorted(groups, key=lambda f: order.index(f) if f in order else 99)
        ]

    def values_for_revision(self) -> dict:
        """The cleaned values a revision stores (everything the form edits)."""
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


def initial_from_revision(revision) -> dict:
    """Form initial values from a pending revision's data."""
    values, relations = revision.proposed_values()
    model = revision.content_type.model_class()
    initial = {}
    for field in model._meta.concrete_fields:
        if field.attname in values:
            initial[field.name] = values[field.attname]
    initial.update(relations)
    return initial


# --- Visitors ----------------------------------------------------------------------------------
class ContactForm(AccessibleFormMixin, HoneypotMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The organiser replies to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Your message"),
        min_length=10,
        help_text=_(
            "For example: what you would like to know, and when you can be reached. You "
            "do not need to tell your story here."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"min_length": _("Write a few more words, so the organiser can answer.")},
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("Tick the box so we may send your message to the organiser.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _(
            "I agree that my name, email address and message are sent to the organiser. "
            "Healing Together keeps a copy for %(days)d days to handle abuse, then deletes it."
        ) % {"days": settings.CONTACT_MESSAGE_RETENTION_DAYS}
        self.limit_text({"message": 3000})


class ReportForm(AccessibleFormMixin, HoneypotMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=ListingReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the problem is.")},
    )
    message = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        help_text=_("Only if you agree that an editor may ask you a question."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_text({"message": 2000})


# --- Moderation (admin) ------------------------------------------------------------------------
class DecisionForm(forms.Form):
    """An editor's decision with the message emailed to the practitioner."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message to the practitioner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "Emailed to the practitioner and shown in their space. Required when you request "
            "changes or reject: say what to change, kindly and precisely."
        ),
    )

    def __init__(self, *args, decisions: dict, needs_message: set, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = list(decisions.items())
        self.needs_message = needs_message
        if len(decisions) == 1:
            self.fields["decision"].initial = next(iter(decisions))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in self.needs_message and not cleaned.get("message", "").strip():
            self.add_error(
                "message", _("Write the message: the practitioner needs to know what to do.")
            )
        return cleaned
