"""RSS 2.0 and Atom 1.0 feeds, one pair per language, only published articles."""

import datetime as dt
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def articles(db):
    now = timezone.now()
    return {
        "fr_old": ArticleFactory(published=True, title="Ancien", publish_at=now - dt.timedelta(9)),
        "fr_new": ArticleFactory(published=True, title="Récent", publish_at=now - dt.timedelta(1)),
        "fr_draft": ArticleFactory(title="Brouillon"),
        "fr_later": ArticleFactory(scheduled=True, title="Plus tard"),
        "nl": ArticleFactory(published=True, language="nl", title="Nederlands"),
    }


@pytest.mark.parametrize("language", ["fr", "nl", "en", "de"])
def test_rss_feed_is_valid_rss_2_per_language(client, articles, language):
    response = client.get(f"/{language}/articles/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    assert channel.findtext("link") == f"http://testserver/{language}/articles/"
    assert channel.findtext("language") == language
    items = channel.findall("item")
    expected = {
        "fr": ["Récent", "Ancien"],
        "nl": ["Nederlands"],
        "en": [],
        "de": [],
    }[language]
    assert [item.findtext("title") for item in items] == expected
    for item in items:
        assert item.findtext("link").startswith(f"http://testserver/{language}/articles/")
        assert item.findtext("description")
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        assert item.findtext("guid")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_atom_feed_is_valid_atom_1_per_language(client, articles, language):
    response = client.get(f"/{language}/articles/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    for required in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{required}"), required
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == f"http://testserver/{language}/articles/feed/atom/"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == (2 if language == "fr" else 1)
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{required}"), required
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/")
        assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name")
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))


def test_feeds_are_advertised_on_the_article_list(client, articles):
    content = client.get("/nl/articles/").content.decode()
    assert 'type="application/rss+xml"' in content and 'href="/nl/articles/feed/"' in content
    assert 'type="application/atom+xml"' in content and 'href="/nl/articles/feed/atom/"' in content
