"""Template tags other pages use to link to articles without importing this app."""

from django import template
from django.utils import translation

from articles.models import Article

register = template.Library()


@register.simple_tag
def article_url(translation_key: str) -> str:
    """The URL of the published article with this translation key in the current language, or ""."""
    article = (
        Article.objects.published()
        .in_language(translation.get_language())
        .filter(translation_key=translation_key)
        .only("slug", "language")
        .first()
    )
    return article.get_absolute_url() if article else ""
