"""Editors: list with filters, translations, preview before publishing, publish actions."""

import pytest
from django.urls import reverse

from articles.models import Article, OrientationAnswer
from tests.factories import ArticleFactory, OrientationTargetFactory, ThemeFactory


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.django_db
def test_changelist_with_filters_and_search(editor_client):
    theme = ThemeFactory(slug="adhd")
    article = ArticleFactory(title="Le guide des parents", translation_key="guide")
    article.themes.set([theme])
    ArticleFactory(language="nl", translation_key="guide", title="De gids")
    url = reverse("admin:articles_article_changelist")
    for query in (
        "",
        "?status__exact=draft",
        "?language__exact=fr",
        f"?themes__id__exact={theme.pk}",
        "?q=guide",
    ):
        response = editor_client.get(url + query)
        assert response.status_code == 200, query
    content = editor_client.get(url + "?language__exact=fr").content.decode()
    assert "Le guide des parents" in content
    assert ">NL</a>" in content  # link to the Dutch translation


@pytest.mark.django_db
def test_change_form_links_translations_and_offers_to_add_missing_ones(editor_client):
    fr = ArticleFactory(translation_key="guide", author_name="La rédaction")
    nl = ArticleFactory(language="nl", translation_key="guide")
    content = editor_client.get(
        reverse("admin:articles_article_change", args=[fr.pk])
    ).content.decode()
    assert reverse("admin:articles_article_change", args=[nl.pk]) in content
    add_url = reverse("admin:articles_article_add")
    assert f"{add_url}?language=en&amp;translation_key=guide" in content
    assert 'name="_preview"' in content
    # The add link pre-fills the form.
    form = (
        editor_client.get(f"{add_url}?language=en&translation_key=guide").context["adminform"].form
    )
    assert form.initial["language"] == "en" and form.initial["translation_key"] == "guide"


@pytest.mark.django_db
def test_admin_preview_renders_a_draft_in_its_own_language(editor_client):
    article = ArticleFactory(language="nl", title="Concept", body="## Deel een\n\nTekst.")
    response = editor_client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="nl">' in content
    assert "Concept" in content and '<h2 id="deel-een">' in content
    assert 'class="notice preview-banner"' in content
    assert reverse("admin:articles_article_change", args=[article.pk]) in content
    assert "no-store" in response["Cache-Control"]


def test_admin_preview_needs_staff(client, db):
    article = ArticleFactory()
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def article_post_data(**overrides) -> dict:
    data = {
        "title": "Un nouvel article",
        "slug": "un-nouvel-article",
        "language": "fr",
        "summary": "Résumé.",
        # Browsers send textareas with CRLF line endings.
        "body": "## Une partie\r\n\r\nDu texte.\r\n\r\n[[networks]]\r\n\r\n[[helplines]]\r\n",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "author_name": "",
        "translation_key": "",
        "hero_alt": "",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_save_and_preview_keeps_the_draft_and_opens_the_preview(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_post_data(_preview="1")
    )
    article = Article.objects.get(slug="un-nouvel-article")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_preview", args=[article.pk])
    assert article.status == "draft" and not article.is_public
    assert "\r" not in article.body
    assert article.translation_key == "un-nouvel-article"
    assert article.updated_by == editor_client.user


@pytest.mark.django_db
def test_admin_shows_body_problems_before_saving(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_post_data(body="# Titre\n\n[[carte]]\n\n[[groups theme=inconnu]]"),
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors["body"])
    assert "[[carte]]" in errors and "inconnu" in errors and "##" in errors
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_scheduled_without_date_is_refused(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_post_data(status="scheduled")
    )
    assert response.status_code == 200
    assert "publish_at" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_publish_and_unpublish_actions(editor_client):
    drafts = ArticleFactory.create_batch(2)
    url = reverse("admin:articles_article_changelist")
    ids = [str(a.pk) for a in drafts]
    editor_client.post(url, {"action": "publish_now", "_selected_action": ids})
    assert Article.objects.published().count() == 2
    editor_client.post(url, {"action": "back_to_draft", "_selected_action": ids})
    assert Article.objects.published().count() == 0
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}


@pytest.mark.django_db
def test_orientation_admin_pages(editor_client):
    target = OrientationTargetFactory()
    assert (
        editor_client.get(reverse("admin:articles_orientationanswer_changelist")).status_code == 200
    )
    response = editor_client.get(
        reverse("admin:articles_orientationanswer_change", args=[target.answer.pk])
    )
    assert response.status_code == 200
    assert (
        "/fr/groups/?kind=peer&amp;audience=parents"
        in editor_client.get(
            reverse("admin:articles_orientationanswer_changelist")
        ).content.decode()
    )


@pytest.mark.django_db
def test_orientation_answer_needs_a_target(editor_client):
    data = {
        "slug": "seul",
        "order": "1",
        "is_active": "on",
        "label_fr": "Seul·e",
        "advice_fr": "Un groupe de pairs.",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "1",
        "targets-MAX_NUM_FORMS": "1000",
    }
    response = editor_client.post(reverse("admin:articles_orientationanswer_add"), data)
    assert response.status_code == 200
    assert not OrientationAnswer.objects.exists()


@pytest.mark.django_db
def test_editors_group_can_write_preview_and_publish_but_not_delete(client, django_user_model):
    from directory.editors import EDITORS_GROUP, ensure_editors_group

    ensure_editors_group()
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(django_user_model.groups.rel.model.objects.get(name=EDITORS_GROUP))
    client.force_login(editor)
    article = ArticleFactory()
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    assert (
        client.get(reverse("admin:articles_article_preview", args=[article.pk])).status_code == 200
    )
    url = reverse("admin:articles_article_changelist")
    client.post(url, {"action": "publish_now", "_selected_action": [article.pk]})
    assert Article.objects.published().count() == 1
    assert (
        client.get(reverse("admin:articles_article_delete", args=[article.pk])).status_code == 403
    )
    answer = OrientationTargetFactory().answer
    change = reverse("admin:articles_orientationanswer_change", args=[answer.pk])
    assert client.get(change).status_code == 200
