"""Public article pages: list, detail, visibility, staff preview, translations, JSON-LD."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article
from tests.factories import ArticleFactory, GroupFactory, ReferenceFactory, ThemeFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def url_in(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(user)
    return client


# --- visibility --------------------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_published_queryset_follows_status_and_date():
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=NOW - dt.timedelta(days=3))
    live = ArticleFactory(published=True)
    due = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW - dt.timedelta(minutes=1))
    future = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW + dt.timedelta(hours=1))
    future_published = ArticleFactory(
        status=Article.Status.PUBLISHED, publish_at=NOW + dt.timedelta(days=1)
    )
    assert set(Article.objects.published()) == {live, due}
    assert not draft.is_public and not future.is_public and not future_published.is_public


@pytest.mark.django_db
def test_scheduled_article_appears_by_itself_at_its_date(client):
    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(
            status=Article.Status.SCHEDULED, publish_at=NOW + dt.timedelta(hours=2), title="Soon"
        )
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Soon" not in client.get(url_in("fr", "articles:article_list")).content.decode()
    with time_machine.travel(NOW + dt.timedelta(hours=2, seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Soon" in client.get(url_in("fr", "articles:article_list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_hidden_articles_are_404_for_the_public_even_with_preview(client, state, django_user_model):
    article = ArticleFactory(**{state: True} if state == "scheduled" else {})
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(article.get_absolute_url() + "?preview=1").status_code == 404
    user = django_user_model.objects.create_user("parent", password="pw")
    client.force_login(user)
    assert client.get(article.get_absolute_url() + "?preview=1").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_staff_can_preview_hidden_articles(staff_client, state):
    article = ArticleFactory(**{state: True} if state == "scheduled" else {}, title="Not yet")
    assert staff_client.get(article.get_absolute_url()).status_code == 404
    response = staff_client.get(article.get_absolute_url() + "?preview=1")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Not yet" in content
    assert 'class="notice preview-banner"' in content
    assert '<meta name="robots" content="noindex">' in content
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


# --- list ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_published_articles_of_the_language_newest_first(client):
    old = ArticleFactory(published=True, publish_at=timezone.now() - dt.timedelta(days=9))
    new = ArticleFactory(published=True, publish_at=timezone.now() - dt.timedelta(days=1))
    ArticleFactory(published=True, language="nl", title="Nederlands artikel")
    ArticleFactory(title="Brouillon")
    response = client.get(url_in("fr", "articles:article_list"))
    assert response.status_code == 200
    assert list(response.context["articles"]) == [new, old]
    content = response.content.decode()
    assert "Nederlands artikel" not in content and "Brouillon" not in content
    assert content.index(new.title) < content.index(old.title)
    assert 'type="application/rss+xml"' in content


@pytest.mark.django_db
def test_empty_list_points_to_languages_that_have_articles(client):
    ArticleFactory(published=True, language="fr")
    response = client.get(url_in("de", "articles:article_list"))
    assert response.status_code == 200
    assert [lang["code"] for lang in response.context["other_languages"]] == ["fr"]
    assert 'href="/fr/articles/"' in response.content.decode()


@pytest.mark.django_db
def test_list_query_count_is_constant(client, django_assert_max_num_queries):
    ArticleFactory.create_batch(15, published=True)
    with django_assert_max_num_queries(4):  # count + page, inside the request savepoint (2)
        client.get(url_in("fr", "articles:article_list"))


# --- detail ------------------------------------------------------------------------------


@pytest.fixture
def guide(db):
    fr = ArticleFactory(
        published=True,
        title="Quand votre enfant va mal",
        slug="quand-votre-enfant-va-mal",
        translation_key="guide",
        author_name="La rédaction",
        body=(
            "## Vous n'êtes pas seul·e\n\nUn paragraphe.\n\n### Un détail\n\nTexte.\n\n"
            "## Où commencer\n\n[[helplines]]\n\n" + "mot " * 400
        ),
    )
    nl = ArticleFactory(
        published=True,
        language="nl",
        slug="als-je-kind-het-moeilijk-heeft",
        translation_key="guide",
    )
    ArticleFactory(language="en", slug="draft-english", translation_key="guide")  # a draft
    ReferenceFactory(article=fr)
    return fr, nl


@pytest.mark.django_db
def test_detail_has_toc_reading_time_references_and_translations(client, guide):
    fr, nl = guide
    response = client.get(fr.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert [item["id"] for item in response.context["toc"]] == [
        "vous-netes-pas-seule",
        "ou-commencer",
    ]
    assert '<a href="#vous-netes-pas-seule">' in content and '<a href="#un-detail">' in content
    assert '<h2 id="ou-commencer">' in content
    assert response.context["reading_minutes"] == 3
    assert "https://doi.org/10.1111/j.1469-7610.2005.01451.x" in content
    assert "Journal of Child Psychology and Psychiatry" in content
    # Translations: the published Dutch version is linked; the English draft is not.
    assert f'href="{nl.get_absolute_url()}" hreflang="nl"' in content
    assert "draft-english" not in content
    assert response.context["language_urls"] == {
        "fr": "/fr/articles/quand-votre-enfant-va-mal/",
        "nl": "/nl/articles/als-je-kind-het-moeilijk-heeft/",
        "en": None,
        "de": None,
    }
    assert (
        'hreflang="nl" href="http://testserver/nl/articles/als-je-kind-het-moeilijk-heeft/"'
        in content
    )
    assert 'hreflang="en"' not in content
    # The help lines block was expanded.
    assert 'href="tel:112"' in content
    assert "[[helplines]]" not in content


@pytest.mark.django_db
def test_detail_json_ld_is_valid_article_and_breadcrumbs(client, guide):
    fr, _nl = guide
    content = client.get(fr.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert len(blocks) == 1
    article, breadcrumbs = json.loads(blocks[0])
    assert article["@type"] == "Article"
    assert article["headline"] == fr.title
    assert article["inLanguage"] == "fr"
    assert article["url"] == "http://testserver/fr/articles/quand-votre-enfant-va-mal/"
    assert article["author"] == {"@type": "Organization", "name": "La rédaction"}
    assert article["datePublished"] == fr.publish_at.isoformat()
    assert article["citation"][0]["identifier"]["value"] == "10.1111/j.1469-7610.2005.01451.x"
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [item["position"] for item in breadcrumbs["itemListElement"]] == [1, 2, 3]


@pytest.mark.django_db
def test_json_ld_cannot_close_its_script_element(client):
    article = ArticleFactory(published=True, title="</script><script>alert(1)</script>")
    content = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    assert "<" not in block
    assert json.loads(block)[0]["headline"] == "</script><script>alert(1)</script>"


@pytest.mark.django_db
def test_a_slug_of_another_language_redirects_to_the_translation(client, guide):
    fr, nl = guide
    response = client.get(url_in("nl", "articles:article_detail", slug=fr.slug))
    assert response.status_code == 302
    assert response["Location"] == nl.get_absolute_url()
    assert client.get(url_in("en", "articles:article_detail", slug=fr.slug)).status_code == 404


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_groups_or_references(client, guide):
    fr, _nl = guide
    adhd, anxiety = ThemeFactory(slug="adhd"), ThemeFactory(slug="anxiety")
    fr.themes.set([adhd, anxiety])
    GroupFactory(published=True, themes=[adhd])
    fr.body += "\n\n[[groups theme=adhd]]\n\n[[networks]]\n"
    fr.save()
    first = count_queries(client, fr.get_absolute_url())
    ReferenceFactory.create_batch(5, article=fr)
    GroupFactory.create_batch(4, published=True, themes=[adhd, anxiety])
    assert count_queries(client, fr.get_absolute_url()) == first
    assert first <= 16, first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("author", "is_person", "expected"),
    [
        ("Anne Exemple", True, {"@type": "Person", "name": "Anne Exemple"}),
        ("", False, {"@type": "Organization", "name": "Healing Together"}),
    ],
)
def test_json_ld_author(client, author, is_person, expected):
    article = ArticleFactory(published=True, author_name=author, author_is_person=is_person)
    content = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    author_ld = json.loads(block)[0]["author"]
    assert {key: author_ld[key] for key in ("@type", "name")} == expected
