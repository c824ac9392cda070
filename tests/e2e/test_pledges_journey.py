"""An admin edits a pledge, posts an update, reads the history and restores an earlier version; a board
member then sees the change on the board overview. Every page is checked with axe."""

import datetime

from django.conf import settings
from django.test import Client

import pledges.demo
import workforce.demo
from pledges.models import BoardMeeting, Pledge
from workforce.models import User


def sign_in(browser, journey_base_url, email):
    """A browser context signed in as ``email`` (the sign-in form itself is covered by the signup journey)."""
    client = Client()
    client.force_login(User.objects.get(email=email))
    context = browser.new_context(base_url=journey_base_url, locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": journey_base_url,
            }
        ]
    )
    return context


def test_admin_edits_updates_and_restores_a_pledge_and_the_board_sees_it(journey, browser):
    workforce.demo.seed()
    pledges.demo.seed()
    BoardMeeting.objects.all().delete()
    BoardMeeting.objects.create(date=datetime.date.today() - datetime.timedelta(days=1))
    page = journey.page
    page.context.add_cookies(sign_in(browser, journey.base_url, "admin@example.org").cookies())

    # The admin edits pledge 2's placeholder title.
    journey.goto("/manage/pledges/")
    page.get_by_role("link", name="2. Pledge 2 (placeholder: official wording to be added)").click()
    journey.check_accessibility()
    page.get_by_role("link", name="Edit pledge").click()
    journey.check_accessibility()
    page.get_by_label("Title", exact=True).fill("Pledge 2 (placeholder, edited in the journey)")
    page.get_by_label("What this pledge means (optional)").fill("Plain words for staff.")
    page.get_by_label("We are a team").check()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Pledge 2 saved. The change is kept in its history.").wait_for()
    journey.check_accessibility()

    # A validation error is shown in the NHS.UK way.
    page.get_by_role("link", name="Edit pledge").click()
    journey.check_accessibility()
    page.get_by_label("Title", exact=True).fill("")
    page.get_by_role("button", name="Save changes").click()
    page.locator(".nhsuk-error-summary").get_by_text("Enter the pledge's title").wait_for()
    journey.check_accessibility()
    page.get_by_role("link", name="Cancel").click()
    journey.check_accessibility()

    # The admin posts a progress update.
    page.get_by_role("link", name="Post a progress update").click()
    journey.check_accessibility()
    page.get_by_label("Off track").check()
    page.get_by_label("What has happened").fill("Recruitment fell behind plan this month.")
    page.get_by_label("Actions agreed (optional)").fill("Leads to present a recovery plan.")
    today = datetime.date.today()
    page.get_by_label("Start of the period covered").fill(today.replace(day=1).isoformat())
    page.get_by_label("End of the period covered").fill(today.isoformat())
    page.get_by_label("Date of the update").fill(today.isoformat())
    page.get_by_role("button", name="Post update").click()
    page.get_by_text("Progress update posted on Pledge 2").wait_for()
    journey.check_accessibility()

    # The history shows the edit, before and after; the admin restores the version before it.
    page.get_by_role("link", name="History of this pledge").click()
    journey.check_accessibility()
    history = page.locator("main")
    assert "Pledge 2 (placeholder: official wording to be added)" in history.inner_text()
    assert "Pledge 2 (placeholder, edited in the journey)" in history.inner_text()
    assert "Alex Hughes" in history.inner_text()
    page.get_by_role("link", name="Restore this version").first.click()
    journey.check_accessibility()
    page.get_by_role("button", name="Restore this version").click()
    page.get_by_text("This is recorded too.").wait_for()
    journey.check_accessibility()
    pledge = Pledge.objects.get(number=2)
    assert pledge.title == "Pledge 2 (placeholder: official wording to be added)"
    assert pledge.description.startswith("Placeholder.")
    assert not pledge.people_promise_elements.exists()
    assert pledge.history.count() == 3
    assert "Restored the version of" in page.locator("main").inner_text()

    # A board member sees the new status and the changes since the last meeting on the overview.
    board = sign_in(browser, journey.base_url, "board@example.org")
    page.context.clear_cookies()
    page.context.add_cookies(board.cookies())
    board.close()
    journey.goto("/board/")
    row = page.get_by_role("row", name="2. Pledge 2 (placeholder: official wording to be added)")
    assert "Off track" in row.inner_text()
    changes = page.locator("main").inner_text()
    assert "Progress update posted on pledge 2: Off track" in changes
    assert "Restored the version of" in changes
    journey.goto("/pledges/2/")
    assert "This is off track" in page.locator("main").inner_text()
    journey.goto("/pledges/")
