"""The networks map in a real browser: mouse, keyboard only, no console errors, no tiles."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect


@pytest.fixture
def reference(transactional_db):
    call_command("load_reference", stdout=io.StringIO())


def open_map(page, url: str):
    page.goto(url)
    # The script shows the map section and marks it ready once the shapes are drawn.
    expect(page.locator("#networks-map-section.is-ready")).to_be_visible()
    expect(page.locator("#networks-map path[data-region]")).to_have_count(12)


@pytest.mark.django_db(transaction=True)
def test_clicking_brussels_shows_bru_stars(live_server, page, reference):
    open_map(page, f"{live_server.url}/en/networks/")
    panel = page.locator("#networks-map-panel")
    expect(panel).not_to_contain_text("Bru-Stars")
    page.locator('#networks-map path[data-region="BRU"]').click()
    expect(panel.get_by_role("heading", name="Brussels-Capital Region")).to_be_visible()
    expect(panel.get_by_role("link", name="Bru-Stars", exact=True)).to_be_visible()
    expect(page.locator('path[data-region="BRU"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#networks-map-status")).to_contain_text("Bru-Stars")
    # The copy in the panel carries no duplicate ids.
    assert page.evaluate(
        "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
        " return ids.length === new Set(ids).size; }"
    )
    # No tile server: nothing but the site's own files was requested, and no console error.
    assert page.locator(".leaflet-tile").count() == 0
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_reaches_brussels_and_shows_bru_stars(live_server, page, reference):
    open_map(page, f"{live_server.url}/en/networks/")
    reached = None
    for _ in range(80):
        page.keyboard.press("Tab")
        reached = page.evaluate("document.activeElement.getAttribute('data-region')")
        if reached == "BRU":
            break
    assert reached == "BRU"
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label == "Brussels-Capital Region: Bru-Stars"
    page.keyboard.press("Enter")
    panel = page.locator("#networks-map-panel")
    expect(panel.get_by_role("link", name="Bru-Stars", exact=True)).to_be_visible()
    # Tab onwards to the next region and choose it with the space bar.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-region')") == "OVL"
    page.keyboard.press(" ")
    expect(panel.get_by_role("link", name="RADAR", exact=True)).to_be_visible()
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_map_lets_the_page_scroll(live_server, browser, reference):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, has_touch=True, is_mobile=True
    )
    phone = context.new_page()
    phone.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            else route.abort()
        ),
    )
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda error: errors.append(str(error)))
    open_map(phone, f"{live_server.url}/en/networks/?postcode=4700")
    # The postal code's region is chosen on the map too.
    expect(phone.locator('path[data-region="LIE"]')).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#networks-map-panel")).to_contain_text("REALiSM")
    # One finger scrolls the page (Leaflet's dragging is off), two fingers zoom the map.
    touch_action = phone.evaluate(
        "getComputedStyle(document.getElementById('networks-map')).touchAction"
    )
    assert touch_action == "pan-x pan-y"
    # Tapping a region still chooses it.
    phone.locator('#networks-map path[data-region="LUX"]').tap()
    expect(phone.locator("#networks-map-panel")).to_contain_text("Matilda")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    assert errors == []
    context.close()
