"""The home page in a real browser: renders, no console errors, mobile menu works."""

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_home_page_loads_without_console_errors(live_server, page):
    page.goto(f"{live_server.url}/fr/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("a.help-now")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 248, 244)"
    assert page.console_errors == []


@pytest.mark.django_db(transaction=True)
def test_phone_menu_opens_and_closes_with_escape(live_server, page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/en/")
    nav_link = page.get_by_role("link", name="Networks", exact=True)
    expect(nav_link).to_be_hidden()
    page.get_by_text("Menu").click()
    expect(nav_link).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav_link).to_be_hidden()
    # Nothing overflows sideways at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.console_errors == []
