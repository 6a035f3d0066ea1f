from django.urls import path
from django.views.generic import TemplateView

app_name = "networks"

# Placeholder routes, replaced by the networks views.
urlpatterns = [
    path(
        "networks/",
        TemplateView.as_view(template_name="home.html"),
        name="network_list",
    ),
    path(
        "networks/<slug:slug>/",
        TemplateView.as_view(template_name="home.html"),
        name="network_detail",
    ),
    path("help/", TemplateView.as_view(template_name="home.html"), name="help"),
]
