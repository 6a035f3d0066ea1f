"""The home page's guide card goes straight to the parent guide in the visitor's language."""

import pytest

from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_home_links_to_the_published_guide_in_its_language(client):
    fr = ArticleFactory(published=True, translation_key="parent-guide", slug="guide-fr")
    ArticleFactory(published=True, translation_key="parent-guide", slug="gids", language="nl")
    assert fr.get_absolute_url() in client.get("/fr/").content.decode()
    assert "/nl/articles/gids/" in client.get("/nl/").content.decode()


@pytest.mark.django_db
def test_home_falls_back_to_the_article_list_without_a_guide(client):
    ArticleFactory(translation_key="parent-guide", slug="draft-guide")  # a draft stays hidden
    content = client.get("/en/").content.decode()
    assert "draft-guide" not in content
    assert 'href="/en/articles/"' in content
