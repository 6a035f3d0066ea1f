from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("networks/", views.NetworkListView.as_view(), name="network_list"),
    path("networks/<slug:slug>/", views.NetworkDetailView.as_view(), name="network_detail"),
    path("help/", views.HelpView.as_view(), name="help"),
]
