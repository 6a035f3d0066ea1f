"""Article and reference rules: dates, images, translations, DOIs, publishing in bulk."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, Reference
from tests.factories import ArticleFactory, ReferenceFactory

NOW = dt.datetime(2026, 5, 4, 8, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_publishing_without_a_date_publishes_now():
    article = ArticleFactory.build(status=Article.Status.PUBLISHED, publish_at=None)
    article.full_clean()
    assert article.publish_at == NOW
    article.save()
    assert article.is_public


@pytest.mark.django_db
def test_scheduled_needs_a_date():
    article = ArticleFactory.build(status=Article.Status.SCHEDULED, publish_at=None)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "publish_at" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.bulk_create([article])  # bypasses save(): the database refuses it


@pytest.mark.django_db
def test_an_image_needs_a_description():
    article = ArticleFactory.build(hero_image="articles/2026/family.jpg", hero_alt=" ")
    with pytest.raises(ValidationError) as error:
        article.full_clean(exclude=["hero_image"])
    assert "hero_alt" in error.value.message_dict
    article.hero_alt = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


@pytest.mark.django_db
def test_slug_is_unique_per_language_and_translation_key_defaults_to_it():
    fr = ArticleFactory(slug="guide", language="fr")
    assert fr.translation_key == "guide"
    ArticleFactory(slug="guide", language="nl")  # same slug, other language: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="guide", language="fr")


@pytest.mark.django_db
def test_one_translation_per_language():
    ArticleFactory(translation_key="guide", language="fr")
    nl = ArticleFactory(translation_key="guide", language="nl")
    assert [a.language for a in nl.translations()] == ["fr"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(translation_key="guide", language="nl")


@pytest.mark.django_db
def test_word_count_and_reading_time_are_kept_up_to_date():
    article = ArticleFactory(body="mot " * 450)
    assert article.word_count == 450 and article.reading_minutes == 3
    article.body = "## Court\n\nUn texte bref."
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.word_count == 4 and article.reading_minutes == 1


@pytest.mark.django_db
def test_modified_at_is_the_editors_revision_date():
    article = ArticleFactory(published=True)
    assert article.modified_at == article.publish_at
    article.revised_on = dt.date(2026, 6, 1)
    assert article.modified_at.date() == dt.date(2026, 6, 1)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_publish_and_unpublish_in_bulk():
    draft = ArticleFactory()
    later = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW + dt.timedelta(days=2))
    earlier = ArticleFactory(status=Article.Status.PUBLISHED, publish_at=NOW - dt.timedelta(days=9))
    assert Article.objects.all().publish() == 2
    draft.refresh_from_db()
    later.refresh_from_db()
    assert draft.publish_at == NOW and later.publish_at == NOW  # "now" means now
    earlier.refresh_from_db()
    assert earlier.publish_at == NOW - dt.timedelta(days=9)  # an earlier date is kept
    assert Article.objects.all().unpublish() == 3
    assert not Article.objects.published().exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        "10.2147/AHMT.S48057",
        "doi:10.2147/AHMT.S48057",
        "https://doi.org/10.2147/AHMT.S48057",
        " https://dx.doi.org/10.2147/AHMT.S48057 ",
    ],
)
def test_dois_are_stored_bare_and_linked(raw):
    reference = ReferenceFactory(doi=raw)
    reference.full_clean()
    assert reference.doi == "10.2147/AHMT.S48057"
    assert reference.link == "https://doi.org/10.2147/AHMT.S48057"


@pytest.mark.django_db
def test_bad_doi_is_refused_and_url_is_the_fallback_link():
    reference = ReferenceFactory.build(article=ArticleFactory(), doi="not a doi")
    with pytest.raises(ValidationError):
        reference.full_clean()
    reference = Reference(article=reference.article, authors="A", year=2020, title="T")
    reference.url = "https://example.org/report.pdf"
    assert reference.link == "https://example.org/report.pdf"
