"""The search and the group page run the same number of SQL queries with 10 or 200 groups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    GroupFactory,
    PostalCodeFactory,
    ProfessionalFactory,
    RegionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

SEARCHES = [
    "",
    "?theme=adhd&theme=grief",
    "?q=parents&language=fr&audience=parents",
    "?postcode=5000&radius=100",
    "?region=NAM&format=in_person&free=on&day=2&sort=newest",
]


@pytest.fixture
def directory():
    """A directory of `n` public groups spread over a few owners, places and themes."""

    def build(n: int):
        region = RegionFactory(code="NAM")
        places = [PostalCodeFactory(code=code, region=region) for code in ("5000", "5030", "5100")]
        themes = [ThemeFactory(slug="adhd"), ThemeFactory(slug="grief"), ThemeFactory()]
        owners = [ProfessionalFactory(published=True) for _ in range(4)]
        cofacilitator = ProfessionalFactory(published=True)
        groups = []
        for index in range(n):
            group = GroupFactory(
                published=True,
                owner=owners[index % len(owners)],
                postal_code=places[index % len(places)],
                themes=themes[: 1 + index % 3],
                online=index % 7 == 0,
            )
            if index % 5 == 0:
                group.facilitators.add(cofacilitator)
            groups.append(group)
        return groups

    return build


def count_queries(client, url: str) -> int:
    client.get(url)  # the theme and region lists come from the cache after a first request
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_every_search_runs_as_many_queries_with_200_groups_as_with_10(client, directory):
    directory(10)
    small = {url: count_queries(client, f"/en/groups/{url}") for url in SEARCHES}
    owner = ProfessionalFactory(published=True)
    for _ in range(190):
        GroupFactory(published=True, owner=owner)
    large = {url: count_queries(client, f"/en/groups/{url}") for url in SEARCHES}
    assert small == large
    # count, the page's ids, their rows, their themes (no transaction: read-only views); with
    # a postal code: its lookup (here and in the follow-this-search links), the online count
    assert max(large.values()) <= 7


@pytest.mark.parametrize("n", [10, 200])
def test_search_queries_with_10_and_200_groups(client, directory, django_assert_num_queries, n):
    directory(n)
    expected = count_queries(client, "/en/groups/?theme=adhd&language=fr")
    with django_assert_num_queries(expected):
        client.get("/en/groups/?theme=adhd&language=fr")
    assert expected == EXPECTED_SEARCH_QUERIES


@pytest.mark.parametrize("n", [10, 200])
def test_group_page_queries_with_10_and_200_groups(client, directory, django_assert_num_queries, n):
    groups = directory(n)
    with_cofacilitator = groups[0]
    assert count_queries(client, with_cofacilitator.get_absolute_url()) == EXPECTED_DETAIL_QUERIES
    with django_assert_num_queries(EXPECTED_DETAIL_QUERIES):
        client.get(groups[-1].get_absolute_url())


# Pinned figures: a change here is a change in the page's database work, so look at why.
EXPECTED_SEARCH_QUERIES = 4
EXPECTED_DETAIL_QUERIES = 5
