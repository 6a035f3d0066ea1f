"""Generated query strings thrown at the search: a page or a 404, never a server error."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.factories import GroupFactory, PostalCodeFactory, RegionFactory, ThemeFactory

KEYS = [
    "q",
    "theme",
    "kind",
    "audience",
    "child_age",
    "format",
    "region",
    "language",
    "free",
    "day",
    "postcode",
    "radius",
    "sort",
    "page",
]
VALUES = [
    "adhd", "grief", "support", "therapy", "parents", "12-17", "online", "in_person", "BRU",
    "NAM", "DG", "fr", "lsfb", "on", "1", "7", "5000", "25", "-5", "abc", "nearest", "newest",
    "soonest", "1000000000", "0", "1e309", "nan", "", " ", "%", "%zz", "%00",
]  # fmt: skip

value = st.one_of(
    st.sampled_from(VALUES),
    st.text(max_size=60).map(quote),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(quote),
    st.binary(max_size=30).map(lambda raw: quote(raw, safe="")),
    st.text(alphabet="%&=+;#?abc019", max_size=20),
)
pair = st.tuples(st.one_of(st.sampled_from(KEYS), st.text(max_size=10).map(quote)), value)
query_string = st.lists(pair, max_size=12).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))


@pytest.fixture
def directory(db):
    region = RegionFactory(code="NAM")
    RegionFactory(code="DG", kind="community")
    place = PostalCodeFactory(code="5000", region=region)
    adhd = ThemeFactory(slug="adhd")
    for index in range(3):
        GroupFactory(published=True, postal_code=place, themes=[adhd], online=index == 2)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=query_string)
def test_search_survives_any_query_string(client, directory, query):
    response = client.get(f"/en/groups/?{query}")
    assert response.status_code in {200, 404}, query


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.text(max_size=300))
def test_search_words_survive_any_text(client, directory, words):
    response = client.get("/en/groups/", {"q": words})
    assert response.status_code == 200
