"""Every page type of the site, on the demo data: what the trust tests walk through.

`load_demo_pages()` loads the demo content once and returns {page type: URL} (English pages,
so tests may read interface text before the translation pass). Pages behind the practitioner
log-in are listed separately: the caller logs `practitioner_user()` in first.
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from directory.models import Group, Professional
from networks.models import Network


def load_demo_pages() -> dict[str, str]:
    call_command("load_demo", stdout=io.StringIO())
    with translation.override("en"):
        group = (
            Group.objects.published()
            .filter(format=Group.Format.IN_PERSON, owner__isnull=False)
            .order_by("slug")
            .first()
        )
        professional = group.owner
        assert Professional.objects.published().filter(pk=professional.pk).exists()
        network = Network.objects.filter(slug="bru-stars").first() or Network.objects.first()
        article = Article.objects.published().filter(language="en").order_by("slug").first()
        return {
            "home": reverse("home"),
            "group search": reverse("directory:group_list") + "?q=ADHD",
            "group": group.get_absolute_url(),
            "professional": professional.get_absolute_url(),
            "networks map": reverse("networks:network_list"),
            "network": network.get_absolute_url(),
            "articles": reverse("articles:article_list"),
            "article": article.get_absolute_url(),
            "orientation": reverse("articles:orientation"),
            "help": reverse("networks:help"),
            "privacy": reverse("privacy"),
            "about": reverse("about"),
            "developers": reverse("data:developers"),
            "sign-up": reverse("directory:signup"),
            "login": reverse("directory:login"),
        }


def practitioner_pages() -> dict[str, str]:
    with translation.override("en"):
        return {
            "dashboard": reverse("directory:dashboard"),
            "submission form": reverse("directory:group_create"),
            "profile form": reverse("directory:profile"),
        }


def practitioner_user():
    """A verified, published practitioner with an account (created on first call)."""
    from tests.factories import PractitionerFactory

    professional = PractitionerFactory(published=True, slug="trust-practitioner")
    return professional.user
