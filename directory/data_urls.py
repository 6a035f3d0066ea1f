"""Data in and out, public side: feeds and email alerts of a search, the developer page."""

from django.urls import path

from .api.docs import DevelopersView

app_name = "data"

urlpatterns = [
    path("developers/", DevelopersView.as_view(), name="developers"),
]
