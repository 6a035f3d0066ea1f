"""The group search in a real browser: the results map, and the filter form round trip."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import GroupFactory, PostalCodeFactory, RegionFactory


@pytest.fixture
def groups(transactional_db):
    namur = RegionFactory(code="NAM")
    here = PostalCodeFactory(
        code="5000", region=namur, latitude=Decimal("50.4678"), longitude=Decimal("4.8896")
    )
    there = PostalCodeFactory(
        code="5030", region=namur, latitude=Decimal("50.5458"), longitude=Decimal("4.7058")
    )
    return {
        "support_here": GroupFactory(published=True, postal_code=here, title="Support in Namur"),
        "therapy_here": GroupFactory(
            published=True, postal_code=here, kind="therapy", title="Therapy in Namur"
        ),
        "support_there": GroupFactory(
            published=True, postal_code=there, title="Support in Gembloux"
        ),
        "online": GroupFactory(published=True, online=True, title="Online circle"),
    }


@pytest.mark.django_db(transaction=True)
def test_map_shows_the_results_and_lists_online_groups_apart(live_server, page, groups):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/en/groups/")
    expect(page.locator("#group-map[data-ready='true']")).to_be_visible()
    # Two places: the two Namur groups share one marker, the online group has none.
    markers = page.locator("#group-map .group-map__marker")
    expect(markers).to_have_count(2)
    expect(page.locator("#group-map .group-map__marker", has_text="2")).to_have_count(1)
    expect(page.locator(".group-map__online")).to_contain_text("1 online group")
    # A marker opens a popup that links to its groups and highlights their cards.
    page.locator("#group-map .group-map__marker", has_text="2").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="Therapy in Namur")).to_be_visible()
    expect(page.locator(".group-card.is-highlighted")).to_have_count(2)
    assert page.locator(".leaflet-tile").count() == 0  # no tile server in tests
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_filter_form_round_trip_shrinks_list_and_map(live_server, page, groups):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/en/groups/")
    expect(page.locator("#group-results > li")).to_have_count(4)
    expect(page.locator("#group-map .group-map__marker")).to_have_count(2)

    page.locator(".filter-group__summary", has_text="Kind of group").click()
    page.get_by_label("Therapy group").check()
    page.get_by_role("button", name="Show groups").click()

    expect(page).to_have_url(f"{live_server.url}/en/groups/?kind=therapy")
    expect(page.locator("#group-results > li")).to_have_count(1)
    expect(page.locator("#group-results")).to_contain_text("Therapy in Namur")
    expect(page.locator("#group-map .group-map__marker")).to_have_count(1)
    expect(page.get_by_label("Therapy group")).to_be_checked()

    # The chip removes the filter again.
    page.locator(".chips .chip", has_text="Therapy group").click()
    expect(page.locator("#group-results > li")).to_have_count(4)
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_filters_fold_behind_a_button_on_a_phone(live_server, page, groups):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/en/groups/?kind=therapy&language=fr")
    toggle = page.locator(".search-filters__toggle")
    expect(toggle).to_have_text("Filters (2)")
    expect(page.get_by_role("button", name="Show groups")).to_be_hidden()
    toggle.click()
    expect(page.get_by_role("button", name="Show groups")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []
