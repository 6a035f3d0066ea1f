from django.urls import include, path

from .views import practitioners as p, public, visitors

app_name = "directory"

practitioner_urls = [
    path("", p.dashboard, name="dashboard"),
    path("signup/", p.SignupView.as_view(), name="signup"),
    path("signup/sent/", p.signup_sent, name="signup_sent"),
    path("confirm/<uidb64>/<token>/", p.confirm_email, name="confirm_email"),
    path("login/", p.LoginView.as_view(), name="login"),
    path("logout/", p.LogoutView.as_view(), name="logout"),
    path("password/reset/", p.PASSWORD_VIEWS["password_reset"], name="password_reset"),
    path(
        "password/reset/sent/",
        p.PASSWORD_VIEWS["password_reset_done"],
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        p.PASSWORD_VIEWS["password_reset_confirm"],
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        p.PASSWORD_VIEWS["password_reset_complete"],
        name="password_reset_complete",
    ),
    path("password/change/", p.PASSWORD_VIEWS["password_change"], name="password_change"),
    path(
        "password/change/done/",
        p.PASSWORD_VIEWS["password_change_done"],
        name="password_change_done",
    ),
    path("profile/", p.profile, name="profile"),
    path("profile/submit/", p.profile_submit, name="profile_submit"),
    path("groups/new/", p.GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:pk>/edit/", p.group_edit, name="group_edit"),
    path("groups/<int:pk>/preview/", p.group_preview, name="group_preview"),
    path("groups/<int:pk>/submit/", p.group_submit, name="group_submit"),
    path("groups/<int:pk>/duplicate/", p.GroupDuplicateView.as_view(), name="group_duplicate"),
    path("groups/<int:pk>/archive/", p.group_archive, name="group_archive"),
    path("groups/<int:pk>/delete/", p.group_delete, name="group_delete"),
    path("groups/<int:pk>/confirm/", p.group_confirm, name="group_confirm"),
    path("groups/<int:pk>/withdraw-changes/", p.revision_withdraw, name="revision_withdraw"),
    path("still-current/<str:token>/", p.group_confirm_link, name="group_confirm_link"),
    path("postal-codes/<str:code>/", p.postal_code_lookup, name="postal_code_lookup"),
]

urlpatterns = [
    path("groups/", public.GroupListView.as_view(), name="group_list"),
    path("groups/<slug:slug>.ics", public.group_ics, name="group_ics"),
    path("groups/<slug:slug>/", public.GroupDetailView.as_view(), name="group_detail"),
    path(
        "professionals/<slug:slug>/",
        public.ProfessionalDetailView.as_view(),
        name="professional_detail",
    ),
    # Visitors: contact the organiser, report a problem (views/visitors.py).
    path("groups/<slug:slug>/contact/", visitors.group_contact, name="group_contact"),
    path("groups/<slug:slug>/report/", visitors.group_report, name="group_report"),
    # The practitioner space (views/practitioners.py); never page-cached.
    path("practitioners/", include(practitioner_urls)),
]
