from django.urls import path
from django.views.generic import TemplateView

app_name = "directory"

# Placeholder routes, replaced by the directory views.
urlpatterns = [
    path("groups/", TemplateView.as_view(template_name="home.html"), name="group_list"),
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
