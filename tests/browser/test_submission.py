"""The whole submission path in a real browser: sign up, confirm the address (link read from
the test outbox), describe a profile and a group (the form's script hides what does not
apply and names the municipality of the postal code), submit; an editor verifies the
profile and approves the group in the admin; the group is then in the public search."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from directory.editors import ensure_editors_group
from tests.factories import PostalCodeFactory, RegionFactory, ThemeFactory, UserFactory

PASSWORD = "calm-river-lantern-42"


@pytest.mark.django_db(transaction=True)
def test_sign_up_submit_approve_and_find(live_server, page):
    region = RegionFactory(code="BRU", name_en="Brussels")
    PostalCodeFactory(
        code="1050", municipality_fr="Ixelles", municipality_nl="Elsene", region=region
    )
    ThemeFactory(slug="anxiety", name_en="Anxiety")
    editor = UserFactory(email="editor@example.org", is_staff=True, password=PASSWORD)
    editor.groups.add(ensure_editors_group())
    mail.outbox.clear()
    base = live_server.url

    # --- Sign up and confirm -------------------------------------------------------------
    page.goto(f"{base}/en/practitioners/signup/")
    page.get_by_label("Email address").fill("new.practitioner@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_label("I have read how this site handles my data").check()
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/\S+/confirm/\S+/)", mail.outbox[0].body).group(1)
    page.goto(base + path)
    page.get_by_label("The password you chose").fill(PASSWORD)
    page.get_by_role("button", name="Confirm my address").click()

    # --- Profile -------------------------------------------------------------------------
    expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
    page.get_by_label("Your name, as shown on the site").fill("Camille Example")
    page.get_by_label("Profession", exact=True).select_option("clinical_psychologist")
    page.get_by_label("Registration number").fill("EX-00042")
    page.get_by_label("French", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    # --- The group form: hints and conditional fields, then preview and submit ------------
    expect(page.get_by_role("heading", name="Describe your group")).to_be_visible()
    page.get_by_label("Name of the group").fill("Parents of anxious teenagers")
    page.get_by_label("Support group").check()
    page.get_by_label("In one or two sentences").fill("A calm evening to share what helps.")
    page.get_by_label("Description").fill("We meet every week and share what works at home.")
    page.get_by_label("Anxiety").check()
    page.get_by_label("Parents", exact=True).check()
    page.locator("#id_schedule_type_0").check()  # ongoing
    page.get_by_label("Repeats").select_option("weekly")
    page.get_by_label("Weekday").select_option("2")
    page.get_by_label("First session").fill("2031-09-02")
    page.get_by_label("Starts at").fill("19:30")
    page.get_by_label("Ends at").fill("21:00")
    # Online: the address fields hide, the joining info shows.
    page.get_by_label("Online", exact=True).check()
    expect(page.locator("#field-street_address")).to_be_hidden()
    expect(page.locator("#field-online_joining_info")).to_be_visible()
    page.get_by_label("In person", exact=True).check()
    expect(page.locator("#field-street_address")).to_be_visible()
    expect(page.locator("#field-online_joining_info")).to_be_hidden()
    page.get_by_label("Street and number").fill("Rue de l'Exemple 1")
    page.get_by_label("Postal code").fill("1050")
    expect(page.locator("#postal-hint")).to_have_text(re.compile("Ixelles"))
    page.get_by_label("Free", exact=True).check()
    expect(page.locator("#field-price_amount")).to_be_hidden()
    page.get_by_label("Through this site's contact form").check()
    page.get_by_role("button", name="Save and preview").click()

    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("is sent for review")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # --- The editor verifies the profile and approves the group ---------------------------
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{base}/admin/directory/professional/")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_label("I checked the title and registration number").check()
    page.get_by_label("Evidence").fill("Psychologists' Commission register, checked by phone.")
    page.locator("input[name=decision][value=publish]").check()
    page.get_by_role("button", name="Apply the decision").click()
    page.goto(f"{base}/admin/directory/group/")
    page.get_by_role("link", name="Review", exact=True).click()
    page.locator("input[name=decision][value=publish]").check()
    page.get_by_role("button", name="Apply the decision").click()
    expect(page.locator(".messagelist")).to_contain_text("practitioner is told")
    # Both decisions were emailed to the practitioner.
    assert [m.to for m in mail.outbox[-2:]] == [["new.practitioner@example.org"]] * 2

    # --- In the public search ----------------------------------------------------------------
    page.context.clear_cookies()
    page.goto(f"{base}/en/groups/")
    expect(page.get_by_role("link", name="Parents of anxious teenagers")).to_be_visible()
    assert page.console_errors == []
