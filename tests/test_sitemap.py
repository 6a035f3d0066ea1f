"""The sitemap index lists every section; sections list public pages only, in each language."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import GroupFactory

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


@pytest.mark.django_db
def test_sitemap_index_lists_sections(client):
    sections = locations(client, "/sitemap.xml")
    for name in ("pages", "networks", "groups", "professionals", "articles"):
        assert f"http://testserver/sitemap-{name}.xml" in sections


@pytest.mark.django_db
def test_pages_sitemap_has_every_language(client):
    urls = locations(client, "/sitemap-pages.xml")
    for language in ("fr", "nl", "en", "de"):
        assert f"http://testserver/{language}/" in urls
        assert f"http://testserver/{language}/groups/" in urls


@pytest.mark.django_db
def test_groups_sitemap_lists_published_groups_only(client):
    published = GroupFactory(published=True)
    draft = GroupFactory()
    urls = locations(client, "/sitemap-groups.xml")
    assert any(published.slug in url for url in urls)
    assert not any(draft.slug in url for url in urls)
    assert f"http://testserver/nl/groups/{published.slug}/" in urls
