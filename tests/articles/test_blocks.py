"""The blocks editors place in a body: networks, groups near you, help lines, orientation."""

import io
import re

import pytest
from django.core.management import call_command

from tests.factories import (
    ArticleFactory,
    GroupFactory,
    OrientationTargetFactory,
    ThemeFactory,
)


def page(client, body: str, **kwargs) -> str:
    article = ArticleFactory(published=True, body=body, **kwargs)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_networks_block_lists_the_eleven_child_networks_by_region(client):
    call_command("load_reference", stdout=io.StringIO())
    content = page(client, "## Les réseaux\n\n[[networks]]")
    rows = re.findall(r'<li class="network-rows__item">(.*?)</li>', content, re.S)
    assert len(rows) == 11  # 10 provinces + Brussels, one network each
    assert 'href="/fr/networks/bru-stars/"' in content
    assert 'href="/fr/networks/kirikou/"' in content
    assert "psybru" not in content  # adult networks are not part of this block
    assert 'action="/fr/networks/"' in content and 'name="postcode"' in content
    assert "psy0-18.be" in content


@pytest.mark.django_db
def test_groups_block_searches_the_theme_near_a_postcode(client):
    adhd = ThemeFactory(slug="adhd", name_fr="TDAH")
    GroupFactory(published=True, themes=[adhd], title="Parents et TDAH")
    GroupFactory(themes=[adhd], title="Pas encore publié")
    content = page(client, "[[groups theme=adhd audience=parents]]")
    assert 'action="/fr/groups/"' in content
    assert '<input type="hidden" name="theme" value="adhd">' in content
    assert '<input type="hidden" name="audience" value="parents">' in content
    assert 'name="postcode"' in content
    assert "TDAH" in content
    assert "Parents et TDAH" in content
    assert "Pas encore publié" not in content
    assert 'href="/fr/groups/?theme=adhd&amp;audience=parents"' in content


@pytest.mark.django_db
def test_helplines_block_always_offers_112_and_the_help_page(client):
    call_command("load_reference", stdout=io.StringIO())
    content = page(client, "[[helplines]]")
    assert 'href="tel:112"' in content
    assert 'href="/fr/help/"' in content


@pytest.mark.django_db
def test_orientation_block_is_a_working_form(client):
    target = OrientationTargetFactory(answer__label_fr="Je me sens seul·e")
    content = page(client, "[[orientation]]")
    assert 'action="/fr/orientation/"' in content and 'method="get"' in content
    assert f'value="{target.answer.slug}"' in content
    assert "Je me sens seul·e" in content


@pytest.mark.django_db
def test_related_groups_by_theme_on_the_article(client):
    adhd, grief = ThemeFactory(slug="adhd"), ThemeFactory(slug="grief")
    article = ArticleFactory(published=True)
    article.themes.set([adhd])
    GroupFactory(published=True, themes=[adhd], title="Parents TDAH Namur")
    GroupFactory(themes=[adhd], title="Brouillon TDAH")
    GroupFactory(published=True, themes=[grief], title="Deuil Liège")
    content = client.get(article.get_absolute_url()).content.decode()
    assert "Parents TDAH Namur" in content
    assert "Brouillon TDAH" not in content and "Deuil Liège" not in content
    assert 'href="/fr/groups/?theme=adhd"' in content


@pytest.mark.django_db
def test_article_without_matching_groups_points_to_the_network(client):
    article = ArticleFactory(published=True)
    article.themes.set([ThemeFactory(slug="grief")])
    content = client.get(article.get_absolute_url()).content.decode()
    assert 'class="related"' in content
    assert 'href="/fr/networks/"' in content


@pytest.mark.django_db
def test_groups_in_the_readers_language_come_first(client):
    adhd = ThemeFactory(slug="adhd")
    for n in range(3):
        GroupFactory(
            published=True, themes=[adhd], languages=["nl"], title=f"Nederlandse groep {n}"
        )
    GroupFactory(published=True, themes=[adhd], languages=["fr", "nl"], title="Groupe bilingue")
    content = page(client, "[[groups theme=adhd]]")
    titles = re.findall(r'class="group-rows__title"[^>]*>([^<]+)<', content)
    assert len(titles) == 3
    assert titles[0] == "Groupe bilingue"
