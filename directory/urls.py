from django.urls import path
from django.views.generic import TemplateView

from .views import public

app_name = "directory"

urlpatterns = [
    path("groups/", public.GroupListView.as_view(), name="group_list"),
    path("groups/<slug:slug>.ics", public.group_ics, name="group_ics"),
    path("groups/<slug:slug>/", public.GroupDetailView.as_view(), name="group_detail"),
    path(
        "professionals/<slug:slug>/",
        public.ProfessionalDetailView.as_view(),
        name="professional_detail",
    ),
    # Placeholders until the practitioner space (directory/views/practitioners.py) lands.
    path(
        "practitioners/",
        TemplateView.as_view(template_name="home.html"),
        name="dashboard",
    ),
    path(
        "practitioners/login/",
        TemplateView.as_view(template_name="home.html"),
        name="login",
    ),
]
