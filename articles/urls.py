from django.urls import path
from django.views.generic import TemplateView

app_name = "articles"

# Placeholder routes, replaced by the articles views.
urlpatterns = [
    path(
        "articles/",
        TemplateView.as_view(template_name="home.html"),
        name="article_list",
    ),
    path(
        "orientation/",
        TemplateView.as_view(template_name="home.html"),
        name="orientation",
    ),
]
