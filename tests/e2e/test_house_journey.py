"""The house in a real browser: the NHS.UK frontend's scripts work under our Content Security Policy, the
skip link and the error summary take the focus, the error pages and the password reset pass axe-core."""

import re

from django.core import mail

from tests.factories import DEFAULT_PASSWORD, UserFactory


def watch_console(page) -> list[str]:
    """Console errors (a blocked script or style is reported there) and uncaught script errors."""
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_frontend_scripts_run_under_the_csp_and_the_error_pages_pass_axe(journey):
    page = journey.page
    problems = watch_console(page)
    journey.goto("/")
    # nhsuk-init.js (a module from our own origin) ran and initialised the components: NHS.UK frontend marks
    # each component it set up with data-<module>-init, which nothing else on the page writes.
    page.wait_for_function(
        "document.querySelector('.nhsuk-skip-link[data-nhsuk-skip-link-init]')"
        " && document.querySelector('.nhsuk-header[data-nhsuk-header-init]')"
    )

    # The skip link is the first thing the keyboard reaches, and it moves the focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'maincontent'")
    journey.check_accessibility()
    assert problems == [], problems

    response = page.goto(journey.base_url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    journey.check_accessibility()
    # The browser reports the 404 itself; nothing else may go wrong on the page.
    assert [p for p in problems if "status of 404" not in p] == [], problems
    problems.clear()

    # A failed sign-in: the error summary takes the focus and links to the problem.
    journey.goto("/accounts/login/")
    page.get_by_label("Email").fill("nobody@nhs.net")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('nhsuk-error-summary')"
    )
    journey.check_accessibility()
    assert problems == [], problems


def test_forgotten_password_reset_by_email_then_sign_in(journey, mailoutbox):
    user = UserFactory(email="forgetful@nhs.net", first_name="Ola")
    page = journey.page
    problems = watch_console(page)
    journey.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    journey.check_accessibility()
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Reset My Password").click()
    page.get_by_role("heading", name="Password Reset").wait_for()
    journey.check_accessibility()

    assert [m.to for m in mail.outbox] == [[user.email]]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    journey.check_accessibility()
    new_password = "a-brand-new-password-2026"
    page.get_by_label("New Password", exact=True).fill(new_password)
    page.get_by_label("New Password (again)").fill(new_password)
    page.get_by_role("button", name="Change Password").click()
    page.get_by_text("Your password is now changed.").wait_for()
    journey.check_accessibility()

    journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Ola").wait_for()
    journey.check_accessibility()
    user.refresh_from_db()
    assert not user.check_password(DEFAULT_PASSWORD)

    # The account pages in the header: profile (with breadcrumbs) and account security.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Security").click()
    page.get_by_role("heading", name="Two-Factor Authentication").wait_for()
    journey.check_accessibility()
    page.get_by_role("navigation", name="Account").get_by_role("link", name=re.compile("Ola")).click()
    page.get_by_role("navigation", name="Breadcrumb").wait_for()
    journey.check_accessibility()
    assert problems == [], problems
