"""Public pages: the article list, an article, the feeds (feeds.py) and the orientation."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from directory.jsonld import as_script_data
from directory.models import Group

from .forms import OrientationForm
from .models import Article, OrientationTarget
from .rendering import Shortcode, expand_shortcodes, render_body_cached
from .shortcodes import BlockRenderer, group_rows, pick_groups

RELATED_GROUPS = 3


def json_ld(data) -> str:
    """JSON for a `<script type="application/ld+json">` block; `<`, `>` and `&` escaped."""
    return as_script_data(data)


def translation_urls(article: Article, translations: list[Article]) -> dict[str, str | None]:
    """{language: URL of this article in that language, or None} for the language switcher."""
    urls: dict[str, str | None] = {code: None for code, _name in settings.LANGUAGES}
    for other in [article, *translations]:
        urls[other.language] = other.get_absolute_url()
    return urls


def article_json_ld(request, article: Article, rendered, references) -> str:
    url = request.build_absolute_uri(article.get_absolute_url())
    with translation.override(article.language):
        home = request.build_absolute_uri(reverse("home"))
        list_url = request.build_absolute_uri(reverse("articles:article_list"))
        home_name, list_name = _("Home"), _("Articles")
    site = {"@type": "Organization", "name": "Healing Together", "url": home}
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title[:110],
        "description": article.summary,
        "inLanguage": article.language,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.publish_at.isoformat() if article.publish_at else None,
        "dateModified": article.modified_at.isoformat() if article.modified_at else None,
        "author": {
            "@type": "Person" if article.author_is_person else "Organization",
            "name": article.author_name,
        }
        if article.author_name
        else site,
        "publisher": site,
        "wordCount": rendered.words,
        "timeRequired": f"PT{rendered.reading_minutes}M",
    }
    if article.hero_image:
        data["image"] = request.build_absolute_uri(article.hero_image.url)
    if references:
        data["citation"] = [
            {
                "@type": "ScholarlyArticle",
                "author": ref.authors,
                "datePublished": str(ref.year),
                "name": ref.title,
                **(
                    {"isPartOf": {"@type": "Periodical", "name": ref.journal}}
                    if ref.journal
                    else {}
                ),
                **({"url": ref.link} if ref.link else {}),
                **(
                    {
                        "identifier": {
                            "@type": "PropertyValue",
                            "propertyID": "DOI",
                            "value": ref.doi,
                        }
                    }
                    if ref.doi
                    else {}
                ),
            }
            for ref in references
        ]
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": home_name, "item": home},
            {"@type": "ListItem", "position": 2, "name": list_name, "item": list_url},
            {"@type": "ListItem", "position": 3, "name": article.title, "item": url},
        ],
    }
    return json_ld([data, breadcrumbs])


def article_context(request, article: Article) -> dict:
    """Everything the article template needs (shared by the public page and the admin preview)."""
    rendered = render_body_cached(article.body)
    body = expand_shortcodes(rendered, BlockRenderer(request=request, article=article))
    references = list(article.references.all())
    themes = list(article.themes.all())
    related_groups = []
    if themes:
        groups = Group.objects.published().for_theme(*themes)
        related_groups = group_rows(pick_groups(groups, RELATED_GROUPS))
    translations = list(article.translations().published().order_by("language"))
    return {
        "article": article,
        "body": body,
        "toc": rendered.toc,
        "reading_minutes": rendered.reading_minutes,
        "references": references,
        "themes": themes,
        "related_groups": related_groups,
        "translations": translations,
        "language_urls": translation_urls(article, translations),
        "json_ld": article_json_ld(request, article, rendered, references),
        "is_preview": not article.is_public,
    }


class ArticleListView(ListView):
    """Published articles in the page's language, newest first."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 12

    def get_queryset(self):
        return (
            Article.objects.published()
            .in_language(translation.get_language())
            .defer("body")
            .order_by("-publish_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["articles"]:
            context["other_languages"] = languages_with_articles()
        return context


def languages_with_articles() -> list[dict]:
    """The languages that have published articles, with the list's URL in each."""
    available = set(Article.objects.published().values_list("language", flat=True).distinct())
    languages = []
    for code, _name in settings.LANGUAGES:
        if code in available:
            with translation.override(code):
                languages.append(
                    {
                        "code": code,
                        "name": translation.get_language_info(code)["name_local"],
                        "url": reverse("articles:article_list"),
                    }
                )
    return languages


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def wants_preview(self) -> bool:
        return self.request.GET.get("preview") == "1"

    def get_object(self, queryset=None):
        language = translation.get_language()
        slug = self.kwargs["slug"]
        articles = Article.objects.visible_to(self.request.user, self.wants_preview())
        article = articles.in_language(language).filter(slug=slug).first()
        if article is None:
            raise Http404(_("No article at this address."))
        return article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A slug of another language (e.g. from a plain /fr/ -> /nl/ switch): go to
            # this language's translation when there is one.
            other = Article.objects.published().filter(slug=kwargs["slug"]).first()
            if other is not None:
                target = (
                    other.translations().published().in_language(translation.get_language()).first()
                )
                if target is not None:
                    return redirect(target, permanent=False)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(article_context(self.request, self.object))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            patch_cache_control(response, private=True, no_store=True)
            response["X-Robots-Tag"] = "noindex"
        return response


class OrientationView(TemplateView):
    """ "What do you feel right now?" -> a kind of support -> where to find it. Works without JS."""

    template_name = "articles/orientation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = OrientationForm(self.request.GET if "answer" in self.request.GET else None)
        valid = form.is_bound and form.is_valid()
        answer = form.cleaned_data["answer"] if valid else None
        theme = form.cleaned_data["theme"] if valid else None
        context.update({"form": form, "answer": answer, "theme": theme, "steps": []})
        context["articles"] = (
            Article.objects.published()
            .in_language(translation.get_language())
            .order_by("-publish_at", "-pk")[:2]
        )
        if answer is not None:
            context["steps"] = [
                {
                    "target": target,
                    "url": target.url(theme.slug if theme else ""),
                    "is_groups": target.kind_of_target == OrientationTarget.Type.GROUP_SEARCH,
                    "is_network": target.kind_of_target == OrientationTarget.Type.NETWORK_LOOKUP,
                    "is_help": target.kind_of_target == OrientationTarget.Type.HELP_LINES,
                }
                for target in answer.targets.all()
            ]
            if any(step["is_help"] for step in context["steps"]):
                renderer = BlockRenderer(request=self.request, prefix="result")
                context["helplines_block"] = mark_safe(renderer(Shortcode("helplines")))
        return context
