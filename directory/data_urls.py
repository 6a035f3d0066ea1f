"""Data in and out, public side: feeds and email alerts of a search, the developer page."""

from django.urls import path

from .api.docs import DevelopersView
from .feeds import GroupAtomFeed, GroupRssFeed
from .views import alerts

app_name = "data"

urlpatterns = [
    path("groups/feed/", GroupRssFeed(), name="group_feed"),
    path("groups/feed/atom/", GroupAtomFeed(), name="group_feed_atom"),
    path("alerts/new/", alerts.alert_new, name="alert_new"),
    path("alerts/sent/", alerts.alert_sent, name="alert_sent"),
    path("alerts/confirm/<str:signed>/", alerts.alert_confirm, name="alert_confirm"),
    path("alerts/unsubscribe/<str:token>/", alerts.alert_unsubscribe, name="alert_unsubscribe"),
    path("developers/", DevelopersView.as_view(), name="developers"),
]
