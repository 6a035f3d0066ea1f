"""The practitioner space: account, profile, groups, and the one-click freshness confirmation.

Everything here lives under /<lang>/practitioners/, which the page cache never stores, and
every response says `Cache-Control: no-store` so a shared computer's back button does not
show a practitioner's pages after logging out. A practitioner only ever reaches their own
profile and groups: another practitioner's group answers 404, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.forms.models import model_to_dict
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import FormView, TemplateView

from networks.models import PostalCode

from .. import emails, moderation, ratelimit
from ..forms import (
    ConfirmEmailForm,
    GroupForm,
    LoginForm,
    ProfessionalForm,
    SignupForm,
    initial_from_revision,
)
from ..models import Group, Professional, Revision, Status, StatusChange
from ..revisions import changes

# --- helpers ---------------------------------------------------------------------------------


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Valid until the account is activated (or PASSWORD_RESET_TIMEOUT, 3 days, passes)."""

    key_salt = "directory.views.practitioners.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp) -> str:
        # The password hash: a new sign-up with the same address retires older links.
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


def awaiting_confirmation(user) -> bool:
    """A sign-up not confirmed yet, as opposed to an account an administrator switched off.

    Only the former may be activated by an emailed link: a deactivated editor must not
    get their access back by "signing up" again with their address.
    """
    return (
        not user.is_active
        and user.last_login is None
        and not user.is_staff
        and not user.is_superuser
    )


def confirm_url(user, language: str | None = None) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    return emails.url("directory:confirm_email", uidb64=uidb64, token=token, language=language)


def send_confirmation(user) -> None:
    language = translation.get_language() or settings.LANGUAGE_CODE
    emails.confirm_email(user, confirm_url(user, language), language)


def rate_limited(request, what: str):
    """The friendly page for a form sent too often (HTTP 429)."""
    return render(
        request,
        "directory/practitioners/rate_limited.html",
        {"what": what},
        status=429,
    )


def unique_slug(model, text: str, max_length: int) -> str:
    base = (slugify(text) or "item")[: max_length - 6].strip("-") or "item"
    slug, n = base, 2
    while model._base_manager.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def own_professional(request) -> Professional | None:
    try:
        return request.user.professional
    except Professional.DoesNotExist:
        return None


def own_group(request, pk: int) -> Group:
    """The user's own group, or 404 (another practitioner's group does not exist for them)."""
    return get_object_or_404(
        Group.objects.select_related("owner", "postal_code"), pk=pk, owner__user=request.user
    )


def practitioner_view(view):
    """Logged in, never stored by any cache."""
    return never_cache(login_required(view))


class PractitionerMixin:
    """Class-based: logged in, never cached, with a profile (else sent to create one)."""

    @method_decorator(never_cache)
    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        self.professional = own_professional(request)
        if self.professional is None:
            messages.info(request, _("First tell us who you are: your profile comes first."))
            return redirect("directory:profile")
        return super().dispatch(request, *args, **kwargs)


# --- account -----------------------------------------------------------------------------------
@method_decorator(never_cache, name="dispatch")
class SignupView(FormView):
    template_name = "directory/practitioners/signup.html"
    form_class = SignupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("directory:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if form.is_spam:
            return redirect("directory:signup_sent")
        if ratelimit.is_limited(self.request, "signup"):
            return rate_limited(self.request, _("sign-ups"))
        email = form.cleaned_data["email"]
        User = get_user_model()
        existing = (
            User.objects.filter(username=email).first()
            or User.objects.filter(email__iexact=email).first()
        )
        language = translation.get_language()
        if existing is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        username=email,
                        email=email,
                        password=form.cleaned_data["password1"],
                        is_active=False,
                    )
            except IntegrityError:  # the same address, twice at once
                return redirect("directory:signup_sent")
            send_confirmation(user)
        elif existing.is_active:
            # Same answer as for a new address, so the form does not reveal who has an account.
            emails.signup_existing(existing.email, language)
        elif not awaiting_confirmation(existing):
            pass  # a switched-off account stays off; the answer looks the same
        else:
            # Not confirmed yet: the latest sign-up's password counts (confirming asks for
            # it), so someone who forgot the first one can simply sign up again.
            existing.set_password(form.cleaned_data["password1"])
            existing.save(update_fields=["password"])
            send_confirmation(existing)
        self.request.session["signup_email"] = email
        return redirect("directory:signup_sent")


@never_cache
@require_GET
def signup_sent(request):
    email = request.session.get("signup_email", "")
    return render(request, "directory/practitioners/signup_sent.html", {"email": email})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email(request, uidb64: str, token: str):
    """GET shows the form (mail scanners follow links); POST, with the password, confirms."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        user = None
    valid = (
        user is not None
        and awaiting_confirmation(user)
        and email_confirmation_token.check_token(user, token)
    )
    form = None
    if valid:
        form = ConfirmEmailForm(request.POST if request.method == "POST" else None, user=user)
        if form.is_valid():
            user.is_active = True
            user.save(update_fields=["is_active"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop("signup_email", None)
            messages.success(request, _("Your email address is confirmed. Welcome!"))
            return redirect("directory:profile")
    already = user is not None and user.is_active
    return render(
        request,
        "directory/practitioners/confirm_email.html",
        {
            "valid": valid,
            "form": form,
            "email": user.email if valid else "",
            "already_confirmed": already and not valid,
        },
        status=200 if valid or already else 400,
    )


@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "directory/practitioners/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        user = form.unconfirmed_user
        if user is not None and not ratelimit.is_limited(
            self.request, "login-resend", ident=f"user:{user.pk}"
        ):
            send_confirmation(user)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    pass


PASSWORD_VIEWS = {
    "password_reset": auth_views.PasswordResetView.as_view(
        template_name="directory/practitioners/password_reset_form.html",
        email_template_name="directory/emails/password_reset.txt",
        subject_template_name="directory/emails/password_reset_subject.txt",
        success_url=reverse_lazy("directory:password_reset_done"),
    ),
    "password_reset_done": auth_views.PasswordResetDoneView.as_view(
        template_name="directory/practitioners/password_reset_done.html"
    ),
    "password_reset_confirm": auth_views.PasswordResetConfirmView.as_view(
        template_name="directory/practitioners/password_reset_confirm.html",
        success_url=reverse_lazy("directory:password_reset_complete"),
    ),
    "password_reset_complete": auth_views.PasswordResetCompleteView.as_view(
        template_name="directory/practitioners/password_reset_complete.html"
    ),
    "password_change": auth_views.PasswordChangeView.as_view(
        template_name="directory/practitioners/password_change_form.html",
        success_url=reverse_lazy("directory:password_change_done"),
    ),
    "password_change_done": auth_views.PasswordChangeDoneView.as_view(
        template_name="directory/practitioners/password_change_done.html"
    ),
}


# --- dashboard ---------------------------------------------------------------------------------
STATUS_ORDER = Case(
    When(status=Status.CHANGES_REQUESTED, then=Value(0)),
    When(status=Status.REJECTED, then=Value(1)),
    When(status=Status.DRAFT, then=Value(2)),
    When(status=Status.PENDING, then=Value(3)),
    When(status=Status.PUBLISHED, then=Value(4)),
    default=Value(5),
    output_field=IntegerField(),
)


def _annotate_moderation(obj) -> None:
    """Attach the editor's latest message, and the pending revision if any."""
    last = obj.moderation_messages[0] if obj.moderation_messages else None
    revisions = obj.revision_list
    obj.pending_revision = next((r for r in revisions if r.is_pending), None)
    decided = next((r for r in revisions if r.decided_at and r.message), None)
    if decided is not None and (last is None or decided.decided_at > last.at):
        # A reply to proposed changes is the newest word.
        obj.last_message = {"text": decided.message, "at": decided.decided_at}
    else:
        obj.last_message = {"text": last.message, "at": last.at} if last else None


def _moderation_prefetches():
    return [
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.exclude(message="").order_by("-at", "-pk"),
            to_attr="moderation_messages",
        ),
        Prefetch(
            "revisions",
            queryset=Revision.objects.order_by("-created_at", "-pk"),
            to_attr="revision_list",
        ),
    ]


@practitioner_view
@require_GET
def dashboard(request):
    professional = own_professional(request)
    groups = []
    if professional is not None:
        professional = (
            Professional.objects.prefetch_related(*_moderation_prefetches())
            .select_related("user")
            .get(pk=professional.pk)
        )
        _annotate_moderation(professional)
        groups = list(
            Group.objects.filter(owner=professional)
            .select_related("postal_code")
            .prefetch_related(*_moderation_prefetches())
            .annotate(status_order=STATUS_ORDER)
            .order_by("status_order", "-updated_at", "-pk")
        )
        due = timezone.localdate() - dt.timedelta(
            days=max(settings.GROUP_CONFIRM_AFTER_DAYS - 14, 0)
        )
        for group in groups:
            _annotate_moderation(group)
            group.confirmation_due = group.status == Status.PUBLISHED and (
                group.confirmed_on is None or group.confirmed_on <= due
            )
            group.can_submit = group.status in moderation.SUBMITTABLE
            group.can_delete = group.status == Status.DRAFT and group.published_at is None
            group.is_public = (
                group.status == Status.PUBLISHED and professional.status == Status.PUBLISHED
            )
    return render(
        request,
        "directory/practitioners/dashboard.html",
        {"professional": professional, "groups": groups},
    )


# --- profile -----------------------------------------------------------------------------------
@practitioner_view
@require_http_methods(["GET", "POST"])
def profile(request):
    professional = own_professional(request)
    revision = None
    if professional is not None and professional.status == Status.PUBLISHED:
        revision = moderation.pending_revision(professional)
    if request.method == "POST":
        form = ProfessionalForm(request.POST, instance=professional)
        if form.is_valid():
            send_for_review = "send" in request.POST
            if professional is None:
                professional = form.save(commit=False)
                professional.user = request.user
                professional.slug = unique_slug(Professional, professional.name, 120)
                professional.save()
                form.save_m2m()
                messages.success(
                    request,
                    _("Your profile is saved. Now describe your first group."),
                )
                if send_for_review:
                    moderation.submit(professional, by=request.user)
                return redirect("directory:group_create")
            if professional.status == Status.PUBLISHED:
                values = {name: form.cleaned_data.get(name) for name in form._meta.fields}
                moderation.propose_changes(professional, values, by=request.user)
                messages.success(
                    request,
                    _(
                        "Your changes are waiting for an editor. Your profile stays online as "
                        "it was until they are approved."
                    ),
                )
                return redirect("directory:dashboard")
            form.save()
            if send_for_review and moderation.submit(professional, by=request.user):
                messages.success(request, _("Your profile is saved and sent for review."))
            else:
                messages.success(request, _("Your profile is saved."))
            return redirect("directory:dashboard")
    else:
        initial = {}
        if professional is None:
            initial = {
                "contact_email": request.user.email,
                "email_language": translation.get_language(),
            }
        elif revision is not None:
            initial = initial_from_revision(revision)
        form = ProfessionalForm(instance=professional, initial=initial)
    return render(
        request,
        "directory/practitioners/profile_form.html",
        {"form": form, "professional": professional, "revision": revision},
    )


@practitioner_view
@require_POST
def profile_submit(request):
    professional = own_professional(request)
    if professional is None:
        raise Http404
    if moderation.submit(professional, by=request.user):
        messages.success(request, _("Your profile is sent for review."))
    else:
        messages.info(request, _("Your profile is already with the editors or online."))
    return redirect("directory:dashboard")


# --- groups ------------------------------------------------------------------------------------
DUPLICATE_SKIP = {
    "first_session_on",
    "last_session_on",
    "intake_deadline",
    "places_left",
    "waiting_list",
}


@method_decorator(require_http_methods(["GET", "POST"]), name="dispatch")
class GroupCreateView(PractitionerMixin, TemplateView):
    """A new group, or (duplicate) the next cycle of an existing one, saved as a draft."""

    template_name = "directory/practitioners/group_form.html"
    source: Group | None = None

    def get_initial(self) -> dict:
        if self.source is None:
            return {"languages": self.professional.languages or ["fr"]}
        initial = model_to_dict(self.source, fields=GroupForm._meta.fields)
        for name in DUPLICATE_SKIP:
            initial.pop(name, None)
        initial["themes"] = [theme.pk for theme in self.source.themes.all()]
        return initial

    def get(self, request, *args, **kwargs):
        return self.render_form(GroupForm(initial=self.get_initial()))

    def post(self, request, *args, **kwargs):
        form = GroupForm(request.POST)
        if form.is_spam:
            return redirect("directory:dashboard")
        if not form.is_valid():
            return self.render_form(form)
        if ratelimit.is_limited(request, "group-create", ident=f"user:{request.user.pk}"):
            return rate_limited(request, _("new groups"))
        group = form.save(commit=False)
        group.owner = self.professional
        group.slug = unique_slug(Group, group.title, 140)
        group.status = Status.DRAFT
        group.confirmed_on = timezone.localdate()
        group.save()
        form.save_m2m()
        messages.success(
            request,
            _("Saved as a draft. Check the preview, then send it for review."),
        )
        return redirect("directory:group_preview", pk=group.pk)

    def render_form(self, form):
        context = {
            "form": form,
            "professional": self.professional,
            "source": self.source,
            "group": None,
            "revision": None,
        }
        return render(self.request, self.template_name, context)


class GroupDuplicateView(GroupCreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.source = get_object_or_404(
                Group.objects.prefetch_related("themes"),
                pk=kwargs["pk"],
                owner__user=request.user,
            )
        return super().dispatch(request, *args, **kwargs)


@practitioner_view
@require_http_methods(["GET", "POST"])
def group_edit(request, pk: int):
    group = own_group(request, pk)
    is_published = group.status == Status.PUBLISHED
    revision = moderation.pending_revision(group) if is_published else None
    if request.method == "POST":
        form = GroupForm(request.POST, instance=group)
        if form.is_valid():
            if is_published:
                # The form changed `group` in memory only: the live row stays as it is.
                moderation.propose_changes(group, form.values_for_revision(), by=request.user)
                messages.success(
                    request,
                    _(
                        "Your changes are waiting for an editor. The published version stays "
                        "online until they are approved."
                    ),
                )
                return redirect("directory:group_preview", pk=group.pk)
            group = form.save(commit=False)
            group.confirmed_on = timezone.localdate()
            group.reminder_sent_on = None
            group.save()
            form.save_m2m()
            for stale in Revision.objects.for_object(group).pending():
                stale.withdraw(by=request.user)
            messages.success(request, _("Your changes are saved."))
            return redirect("directory:group_preview", pk=group.pk)
    else:
        initial = initial_from_revision(revision) if revision is not None else None
        form = GroupForm(instance=group, initial=initial)
    return render(
        request,
        "directory/practitioners/group_form.html",
        {
            "form": form,
            "group": group,
            "revision": revision,
            "professional": group.owner,
            "is_published": is_published,
        },
    )


@practitioner_view
@require_GET
def group_preview(request, pk: int):
    group = get_object_or_404(
        Group.objects.select_related("owner", "postal_code", "region").prefetch_related("themes"),
        pk=pk,
        owner__user=request.user,
    )
    revision = moderation.pending_revision(group)
    return render(
        request,
        "directory/practitioners/group_preview.html",
        {
            "group": group,
            "revision": revision,
            "changes": changes(revision) if revision is not None else [],
            "can_submit": group.status in moderation.SUBMITTABLE,
            "is_public": group.status == Status.PUBLISHED
            and group.owner.status == Status.PUBLISHED,
        },
    )


@practitioner_view
@require_POST
def group_submit(request, pk: int):
    group = own_group(request, pk)
    if group.status not in moderation.SUBMITTABLE:
        messages.info(request, _("This group is already with the editors or online."))
        return redirect("directory:dashboard")
    if ratelimit.is_limited(request, "submit", ident=f"user:{request.user.pk}"):
        return rate_limited(request, _("submissions"))
    owner_was = group.owner.status
    moderation.submit(group, by=request.user)
    text = _("“%(title)s” is sent for review. We will email you when an editor has looked at it.")
    if owner_was != Status.PUBLISHED and group.owner.status == Status.PENDING:
        text += " " + _("Your profile is sent with it: editors check it first.")
    messages.success(request, text % {"title": group.title})
    return redirect("directory:dashboard")


@practitioner_view
@require_POST
def revision_withdraw(request, pk: int):
    group = own_group(request, pk)
    revision = moderation.pending_revision(group)
    if revision is not None:
        revision.withdraw(by=request.user)
        messages.success(request, _("Your proposed changes are withdrawn."))
    return redirect("directory:dashboard")


@practitioner_view
@require_http_methods(["GET", "POST"])
def group_archive(request, pk: int):
    group = own_group(request, pk)
    if group.status == Status.ARCHIVED:
        messages.info(request, _("This group is already archived."))
        return redirect("directory:dashboard")
    if request.method == "POST":
        group.archive(by=request.user, message="")
        for revision in Revision.objects.for_object(group).pending():
            revision.withdraw(by=request.user)
        messages.success(
            request,
            _("“%(title)s” is archived: it is no longer on the site.") % {"title": group.title},
        )
        return redirect("directory:dashboard")
    return render(request, "directory/practitioners/group_confirm_archive.html", {"group": group})


@practitioner_view
@require_http_methods(["GET", "POST"])
def group_delete(request, pk: int):
    """Only drafts that were never published: anything else is archived, for the record."""
    group = own_group(request, pk)
    if group.status != Status.DRAFT or group.published_at is not None:
        messages.error(request, _("Only a draft that was never published can be deleted."))
        return redirect("directory:dashboard")
    if request.method == "POST":
        title = group.title
        group.delete()
        messages.success(request, _("The draft “%(title)s” is deleted.") % {"title": title})
        return redirect("directory:dashboard")
    return render(request, "directory/practitioners/group_confirm_delete.html", {"group": group})


@practitioner_view
@require_POST
def group_confirm(request, pk: int):
    group = own_group(request, pk)
    moderation.confirm_current(Group.objects.filter(pk=group.pk))
    messages.success(
        request,
        _("Thank you: “%(title)s” shows today's date as confirmed.") % {"title": group.title},
    )
    return redirect("directory:dashboard")


@never_cache
@require_http_methods(["GET", "POST"])
def group_confirm_link(request, token: str):
    """The one-click link of the reminder email: no login, a signed token per group."""
    pk = moderation.group_from_confirm_token(token)
    group = Group.objects.select_related("owner").filter(pk=pk).first() if pk else None
    if group is None:
        return render(
            request,
            "directory/practitioners/group_still_current.html",
            {"invalid": True},
            status=400,
        )
    done = False
    if request.method == "POST" and group.status == Status.PUBLISHED:
        moderation.confirm_current(Group.objects.filter(pk=group.pk))
        group.refresh_from_db(fields=["confirmed_on"])
        done = True
    return render(
        request,
        "directory/practitioners/group_still_current.html",
        {"group": group, "done": done, "offline": group.status != Status.PUBLISHED},
    )


# --- the postal-code helper of the group form -------------------------------------------------
@require_GET
def postal_code_lookup(request, code: str):
    """{"code", "found", "municipality", "region"} for the form's as-you-type hint."""
    postal_code = PostalCode.objects.lookup(code) if len(code) == 4 else None
    if postal_code is None:
        # 200, not 404: an unknown code is an answer, not a broken link (and a 404 would
        # log a console error in the browser for every typo).
        response = JsonResponse({"code": code, "found": False})
    else:
        response = JsonResponse(
            {
                "code": postal_code.code,
                "found": True,
                "municipality": postal_code.municipality,
                "region": postal_code.region.name,
            }
        )
    response.headers["Cache-Control"] = "max-age=86400"
    return response
