import re

from django.core import mail

from workforce.demo import seed_reference_data


def test_sign_up_verify_sign_in_and_land_on_home(journey, mailoutbox):
    seed_reference_data()
    page = journey.page
    journey.goto("/")
    page.get_by_role("link", name="Create an account with your work email").click()
    journey.check_accessibility()

    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Email").fill("nia.shah@nhs.net")
    page.get_by_label("Organisation").select_option(label="Leicestershire Partnership NHS Trust")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery-2026")
    page.get_by_label("Password (again)").fill("correct-horse-battery-2026")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    journey.check_accessibility()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    journey.check_accessibility()
    page.get_by_role("button", name="Confirm").click()
    journey.check_accessibility()

    page.goto(journey.base_url + "/accounts/login/")
    journey.check_accessibility()
    page.get_by_label("Email").fill("nia.shah@nhs.net")
    page.get_by_label("Password").fill("correct-horse-battery-2026")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Nia").wait_for()
    assert page.url == journey.base_url + "/"
    journey.check_accessibility()


def test_sign_up_with_a_personal_email_is_refused(journey, mailoutbox):
    seed_reference_data()
    page = journey.page
    journey.goto("/accounts/signup/")
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Email").fill("pat@gmail.com")
    page.get_by_label("Organisation").select_option(label="Rutland County Council")
    page.get_by_label("Password", exact=True).fill("correct-horse-battery-2026")
    page.get_by_label("Password (again)").fill("correct-horse-battery-2026")
    page.get_by_role("button", name="Sign Up").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for()
    assert "Use your work email address" in summary.inner_text()
    assert page.locator("#id_email").is_visible()
    journey.check_accessibility()
    assert mail.outbox == []
