"""The shipped content: the parent guide in four languages and the orientation answers."""

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from articles.models import Article, OrientationAnswer

DOIS = {"10.1007/s10567-009-0060-5", "10.1111/j.1469-7610.2005.01451.x", "10.2147/AHMT.S48057"}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


class Links(HTMLParser):
    """Links and GET forms of one HTML fragment."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.forms = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.hrefs.append(attrs["href"])
        if tag == "form":
            self.forms.append(attrs.get("action"))


def result_section(content: str) -> str:
    start = content.index('id="result"')
    return content[start : content.index("</section>", start)]


def test_parent_guide_and_loader(client, demo):
    # One test loads the demo once for several checks: loading it is the slow part.
    check_loader_is_idempotent()
    check_parent_guide_sources()
    for language in ("fr", "nl", "en", "de"):
        check_guide_page(client, language)


def check_loader_is_idempotent():
    counts = (Article.objects.count(), OrientationAnswer.objects.count())
    out = io.StringIO()
    call_command("load_articles_demo", stdout=out)
    assert (Article.objects.count(), OrientationAnswer.objects.count()) == counts
    assert "0 articles, 0 references, 0 orientation answers" in out.getvalue()


def check_parent_guide_sources():
    guides = Article.objects.published().filter(translation_key="parent-guide")
    assert sorted(guides.values_list("language", flat=True)) == ["de", "en", "fr", "nl"]
    for guide in guides:
        assert {ref.doi for ref in guide.references.all()} == DOIS
        assert "Stewart" not in guide.body
        for block in ("[[networks]]", "[[orientation]]", "[[helplines]]"):
            assert block in guide.body
        assert f"/{guide.language}/orientation/" in guide.body
        assert 600 < guide.word_count < 1200


def check_guide_page(client, language):
    guide = Article.objects.get(translation_key="parent-guide", language=language)
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{language}">' in content
    assert len(response.context["toc"]) >= 6
    assert response.context["reading_minutes"] in range(3, 7)
    assert content.count('class="network-rows__item"') == 11
    assert 'class="orientation-form"' in content
    assert 'href="tel:112"' in content
    for doi in DOIS:
        assert f'href="https://doi.org/{doi}"' in content
    urls = response.context["language_urls"]
    assert set(urls) == {"fr", "nl", "en", "de"} and all(urls.values())
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', content, re.S).group(1))
    assert ld[0]["inLanguage"] == language and len(ld[0]["citation"]) == 3
    # Every link in the article body leads to a page that exists.
    body = content[
        content.index('class="prose article__body"') : content.index('class="references"')
    ]
    parser = Links()
    parser.feed(body)
    for href in set(parser.hrefs):
        assert client.get(href).status_code == 200, href


def test_every_orientation_answer_leads_somewhere_useful(client, demo):
    answers = OrientationAnswer.objects.active()
    assert len(answers) == 7
    for language in ("fr", "nl", "en", "de"):
        for answer in answers:
            check_answer(client, language, answer)
    check_narrow_search_offers_next_steps(client)


def check_answer(client, language, answer):
    """The result links to pages that exist and have content; forms find a network."""
    response = client.get(f"/{language}/orientation/", {"answer": answer.slug})
    assert response.status_code == 200
    result = result_section(response.content.decode())
    parser = Links()
    parser.feed(result)
    assert parser.hrefs, answer.slug
    for href in parser.hrefs:
        page = client.get(href)
        assert page.status_code == 200, href
        assert len(page.content) > 2000, href
        if "/groups/" in href:
            # Without a subject, every group search of the demo content has results.
            assert 'class="card group-card"' in page.content.decode(), href
    for action in parser.forms:
        # The postal-code lookup: 5000 is Namur, served by Kirikou.
        page = client.get(action, {"postcode": "5000"})
        assert page.status_code == 200, action
        assert "Kirikou" in page.content.decode(), action
    if answer.slug == "danger-now":
        assert 'href="tel:112"' in result
        assert f"/{language}/groups/" not in result


def check_narrow_search_offers_next_steps(client):
    """A search narrowed by a subject may be empty: the page then says what to try."""
    response = client.get("/en/orientation/", {"answer": "new-diagnosis", "theme": "adhd"})
    parser = Links()
    parser.feed(result_section(response.content.decode()))
    (href,) = [href for href in parser.hrefs if "/groups/" in href]
    assert "theme=adhd" in href and "kind=psychoeducation" in href
    content = client.get(href).content.decode()
    if 'class="card group-card"' not in content:
        assert 'class="empty-state"' in content
        assert 'href="/en/networks/"' in content and 'href="/en/help/"' in content
