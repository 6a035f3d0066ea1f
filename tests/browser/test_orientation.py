"""The orientation with the keyboard only, at phone width: choose, submit, reach the next step."""

import pytest
from playwright.sync_api import expect

from articles.models import OrientationTarget
from tests.factories import OrientationTargetFactory, ThemeFactory


@pytest.mark.django_db(transaction=True)
def test_orientation_keyboard_only_flow(live_server, page):
    ThemeFactory(slug="adhd", name_en="ADHD")
    OrientationTargetFactory(answer__slug="alone", answer__label_en="I feel alone", order=1)
    OrientationTargetFactory(
        answer__slug="diagnosis",
        answer__label_en="We just got a diagnosis",
        kind="psychoeducation",
        audience="parents",
        label_en="See psycho-educational groups for parents",
    )
    OrientationTargetFactory(
        answer__slug="danger-now",
        answer__label_en="Someone is in danger",
        kind_of_target=OrientationTarget.Type.HELP_LINES,
        kind="",
        audience="",
    )
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{live_server.url}/en/orientation/")

    # Tab from the top of the page to the first answer: every control on the way is reachable.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "answer":
            break
    assert page.evaluate("document.activeElement.value") == "alone"
    # Arrow keys move through the radio group and select.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "diagnosis"
    expect(page.get_by_label("We just got a diagnosis")).to_be_checked()
    # The focused radio shows a visible focus ring.
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.closest('label')).outlineStyle"
    )
    assert outline == "solid"
    # Next control: the optional subject.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "theme"
    page.keyboard.press("ArrowDown")  # first subject after "No particular subject"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")

    page.wait_for_url("**/en/orientation/?answer=diagnosis&theme=adhd")
    result = page.locator("#result")
    expect(result.get_by_role("heading", name="What may help")).to_be_visible()
    link = result.get_by_role("link", name="See psycho-educational groups for parents")
    expect(link).to_have_attribute(
        "href", "/en/groups/?kind=psychoeducation&audience=parents&theme=adhd"
    )
    # Nothing overflows sideways at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.console_errors == []
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/groups/?kind=psychoeducation&audience=parents&theme=adhd")
