from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _, ngettext

from directory.forms import formfield as https_formfield

from .models import Article, OrientationAnswer, OrientationTarget, Reference
from .views import article_context


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "language",
            "summary",
            "body",
            "themes",
            "status",
            "publish_at",
            "revised_on",
            "author_name",
            "author_is_person",
            "translation_key",
            "hero_image",
            "hero_alt",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField", "size": 80}),
            "summary": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "body": forms.Textarea(attrs={"rows": 32, "cols": 100}),
        }


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = Reference
        formfield_callback = https_formfield
        fields = [
            *("authors", "year", "title", "journal", "volume", "issue", "pages"),
            *("doi", "url", "order"),
        ]
        widgets = {
            name: forms.TextInput(attrs={"size": 80}) for name in ("authors", "title", "journal")
        }


class ReferenceInline(admin.StackedInline):
    model = Reference
    form = ReferenceForm
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "authors",
        "year",
        "title",
        ("journal", "volume", "issue", "pages"),
        ("doi", "url"),
        "order",
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_select_related = ["updated_by"]
    list_display = [
        "title",
        "language",
        "status",
        "publish_at",
        "is_public",
        "translation_links",
        "updated_at",
    ]
    list_filter = ["status", "language", "themes"]
    autocomplete_fields = ["themes"]
    search_fields = ["title", "summary", "body", "slug", "translation_key"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    inlines = [ReferenceInline]
    readonly_fields = ["translations_panel", "preview_link", "updated_at", "updated_by"]
    actions = ["publish_now", "back_to_draft"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "summary", "body", "themes"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "revised_on",
                    "author_name",
                    "author_is_person",
                    "preview_link",
                ]
            },
        ),
        (_("Translations"), {"fields": ["translation_key", "translations_panel"]}),
        (_("Image"), {"fields": ["hero_image", "hero_alt"], "classes": ["collapse"]}),
        (_("History"), {"fields": ["updated_at", "updated_by"]}),
    ]

    @admin.display(boolean=True, description=_("public"))
    def is_public(self, obj: Article) -> bool:
        return obj.is_public

    @admin.display(description=_("translations"))
    def translation_links(self, obj: Article):
        others = sorted(obj.translations(), key=lambda a: a.language)
        return format_html_join(
            " ",
            '<a href="{}" title="{}">{}</a>',
            (
                (reverse("admin:articles_article_change", args=[o.pk]), o.title, o.language.upper())
                for o in others
            ),
        )

    @admin.display(description=_("other languages"))
    def translations_panel(self, obj: Article):
        if obj.pk is None:
            return _("Save the article first; then you can add its translations from here.")
        existing = {o.language: o for o in obj.translations()}
        rows = []
        for code, name in settings.LANGUAGES:
            if code == obj.language:
                continue
            other = existing.get(code)
            if other is not None:
                rows.append(
                    format_html(
                        '<li>{}: <a href="{}">{}</a> ({})</li>',
                        name,
                        reverse("admin:articles_article_change", args=[other.pk]),
                        other.title,
                        other.get_status_display(),
                    )
                )
            else:
                query = urlencode(
                    {
                        "language": code,
                        "translation_key": obj.translation_key,
                        "author_name": obj.author_name,
                    }
                )
                rows.append(
                    format_html(
                        '<li>{}: <a href="{}?{}">{}</a></li>',
                        name,
                        reverse("admin:articles_article_add"),
                        query,
                        _("add this translation"),
                    )
                )
        return format_html(
            '<ul style="margin:0">{}</ul>', format_html_join("", "{}", ((r,) for r in rows))
        )

    @admin.display(description=_("preview"))
    def preview_link(self, obj: Article):
        if obj.pk is None:
            return _("Save the article first (as a draft), then preview it.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("admin:articles_article_preview", args=[obj.pk]),
            _("Preview the page as readers will see it"),
        )

    def view_on_site(self, obj: Article):
        url = obj.get_absolute_url()
        return url if obj.is_public else url + "?preview=1"

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="articles_article_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404(_("No article with this id."))
        with translation.override(article.language):
            context = article_context(request, article)
            context["admin_change_url"] = reverse(
                "admin:articles_article_change", args=[article.pk]
            )
            response = render(request, "articles/article_detail.html", context)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def _preview_redirect(self, request, obj):
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_article_preview", args=[obj.pk]))
        return None

    def response_add(self, request, obj, post_url_continue=None):
        return self._preview_redirect(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._preview_redirect(request, obj) or super().response_change(request, obj)

    @admin.action(description=_("Publish the selected articles now"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = queryset.publish(by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Move the selected articles back to draft"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        count = queryset.unpublish(by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d article moved back to draft.",
                "%(count)d articles moved back to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class TargetFormSet(BaseInlineFormSet):
    """An answer leads somewhere: at least one target."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]
        if not kept:
            raise ValidationError(_("Say where this answer leads: add at least one line."))


class OrientationTargetInline(admin.TabularInline):
    model = OrientationTarget
    autocomplete_fields = ["theme"]
    formset = TargetFormSet
    extra = 0
    min_num = 1
    fields = [
        "order",
        "kind_of_target",
        "kind",
        "audience",
        "theme",
        "format",
        "label_fr",
        "label_nl",
        "label_en",
        "label_de",
    ]


@admin.register(OrientationAnswer)
class OrientationAnswerAdmin(admin.ModelAdmin):
    list_display = ["label_fr", "label_nl", "label_en", "order", "is_active", "leads_to"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "targets__kind_of_target"]
    search_fields = ["slug", "label_fr", "label_nl", "label_en", "label_de"]
    prepopulated_fields = {"slug": ["label_en"]}
    inlines = [OrientationTargetInline]
    fieldsets = [
        (None, {"fields": ["slug", "order", "is_active"]}),
        (_("French"), {"fields": ["label_fr", "advice_fr"]}),
        (_("Dutch"), {"fields": ["label_nl", "advice_nl"]}),
        (_("English"), {"fields": ["label_en", "advice_en"]}),
        (_("German"), {"fields": ["label_de", "advice_de"]}),
    ]

    def get_queryset(self, request):
        targets = OrientationTarget.objects.select_related("theme")
        return super().get_queryset(request).prefetch_related(Prefetch("targets", queryset=targets))

    @admin.display(description=_("leads to"))
    def leads_to(self, obj: OrientationAnswer):
        return format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            ((target.url(), str(target)) for target in obj.targets.all()),
        )

    def view_on_site(self, obj: OrientationAnswer):
        return reverse("articles:orientation") + "?" + urlencode({"answer": obj.slug})
