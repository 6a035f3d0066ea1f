from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/feed/", feeds.ArticleRssFeed(), name="article_feed"),
    path("articles/feed/atom/", feeds.ArticleAtomFeed(), name="article_feed_atom"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("orientation/", views.OrientationView.as_view(), name="orientation"),
]
