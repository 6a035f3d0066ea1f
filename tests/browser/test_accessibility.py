"""Accessibility (WCAG 2.2 AA) and privacy in a real browser, on every page type.

axe-core (bundled in axe-playwright-python, no download) runs on each page type at desktop
width, at 320 px and at 640 px (a 1280 px screen zoomed to 200 %): zero violations, no
sideways scrolling, no console error, and no request to any other host than the site itself
(the map works without tiles: MAP_TILES_URL is empty in tests). Then the keyboard: the skip
link, a visible focus ring, and form errors that are summarised, focused and linked to their
fields.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import expect

from tests.factories import ThemeFactory
from tests.trust.pages import load_demo_pages, practitioner_pages, practitioner_user

# WCAG 2.0, 2.1 and 2.2, levels A and AA, plus axe's best practices (landmarks, headings).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
DESKTOP, PHONE, ZOOMED = 1280, 320, 640  # 640 px: a 1280 px window at 200 % zoom


def describe(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(node["target"]) for node in v["nodes"][:4])
        for v in violations
    ]


def axe_problems(page, axe: Axe) -> list[str]:
    return describe(axe.run(page, options=AXE_OPTIONS).response["violations"])


def overflow(page, width: int) -> list[str]:
    extra = page.evaluate("document.documentElement.scrollWidth") - width
    return [f"scrolls sideways by {extra}px at {width}px"] if extra > 0 else []


def log_in(page, live_server, user) -> None:
    """Give the browser a practitioner's session (the Django test client makes it)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.django_db(transaction=True)
def test_every_page_type_passes_axe_at_every_width_and_calls_no_other_host(live_server, page):
    urls = load_demo_pages()
    log_in(page, live_server, practitioner_user())
    urls.update(practitioner_pages())
    # The search near a postal code: results with distances, the map centred on it.
    urls["group search near"] = "/en/groups/?postcode=1000&radius=25"

    requests = []
    page.on("request", lambda request: requests.append(request.url))
    axe = Axe()
    problems = {}
    for kind, url in urls.items():
        found = []
        for width in (DESKTOP, PHONE):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(live_server.url + url, wait_until="networkidle")
            assert response.status == 200, (kind, response.status)
            found += [f"at {width}px: {p}" for p in axe_problems(page, axe)]
            found += overflow(page, width)
            if width == DESKTOP:  # the same page at 200 % zoom reflows without sideways scroll
                page.set_viewport_size({"width": ZOOMED, "height": 900})
                found += overflow(page, ZOOMED)
        # French, the default language, has longer words: it must fit a phone too.
        page.goto(live_server.url + url.replace("/en/", "/fr/", 1), wait_until="networkidle")
        found += [f"in French: {p}" for p in overflow(page, PHONE)]
        if page.console_errors:
            found.append(f"console errors: {page.console_errors}")
            page.console_errors.clear()
        if found:
            problems[kind] = found

    assert problems == {}
    outside = [url for url in requests if not url.startswith((live_server.url, "data:"))]
    assert outside == []
    # The pages really were visited (and the maps drew the site's own region shapes).
    assert any(url.endswith("/static/geo/be_regions.geojson") for url in requests)


@pytest.mark.django_db(transaction=True)
def test_skip_link_and_visible_focus(live_server, page):
    page.goto(f"{live_server.url}/en/help/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 24  # on screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab lands inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")

    # On a wide screen the navigation is always there (Escape only closes the phone menu).
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/en/")
    nav_link = page.get_by_role("link", name="Networks", exact=True)
    expect(nav_link).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav_link).to_be_visible()

    # Every focused control shows a ring of at least 2 px (a 3 px primary outline here).
    for _ in range(12):
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => {
              const s = getComputedStyle(document.activeElement);
              const card = document.activeElement.closest('.card');
              const within = card ? getComputedStyle(card) : null;
              return {
                tag: document.activeElement.tagName,
                outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
                card: within && within.outlineStyle !== 'none'
                  ? parseFloat(within.outlineWidth) : 0,
              };
            }"""
        )
        assert max(ring["outline"], ring["card"]) >= 2, ring


def check_error_state(page, axe: Axe) -> None:
    """The summary is focused (so announced) and links to the fields, which point back to
    their messages; nothing else is wrong on the page (axe)."""
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    links = summary.locator("a")
    assert links.count() >= 1
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        assert target.startswith("#")
        expect(page.locator(target)).to_have_count(1)
    # Each field in error says so and points to its message.
    invalid = page.locator("[aria-invalid='true']")
    assert invalid.count() >= 1
    for i in range(invalid.count()):
        field = invalid.nth(i)
        # Radios and checkboxes are described by their fieldset (the GOV.UK pattern).
        described = field.evaluate(
            "el => (el.getAttribute('aria-describedby')"
            " || el.closest('fieldset')?.getAttribute('aria-describedby') || '')"
        ).split()
        messages = [
            page.locator(f"#{id_}").inner_text()
            for id_ in described
            if page.locator(f"#{id_}").count()
        ]
        assert any(m.strip() for m in messages), field.get_attribute("name")
    assert axe_problems(page, axe) == []
    # Following a link of the summary puts the keyboard in the field.
    first = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("document.activeElement.id") == first[1:]


@pytest.mark.django_db(transaction=True)
def test_form_errors_are_summarised_focused_and_linked(live_server, page):
    axe = Axe()
    page.goto(f"{live_server.url}/en/practitioners/signup/")
    page.get_by_label("Email address").fill("not-an-address")
    page.get_by_role("button", name="Create my account").click()
    check_error_state(page, axe)

    # The group submission form, sent empty from a phone.
    ThemeFactory.create_batch(3)
    log_in(page, live_server, practitioner_user())
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/en/practitioners/groups/new/")
    page.locator("form.group-form button[type=submit]").last.click()
    check_error_state(page, axe)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.console_errors == []
