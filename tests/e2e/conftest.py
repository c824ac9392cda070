"""Real-browser journeys: Playwright drives the system Chromium against pytest-django's live server.

Every page a journey lands on must pass axe-core: the `journey` fixture records each navigation and fails
the test at the end if any page visited was not checked.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.factories import DEFAULT_PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    # After django_db_setup, so the serialized copy of the database is taken before Playwright's loop starts.
    from django.db import connections

    with sync_playwright() as playwright:
        # Playwright's loop gives this thread new connection objects: hand them the serialized copy now,
        # before the first browser test's database setup restores from it (after a flush by a transactional
        # test just before, that test would otherwise start without the data migrations' rows).
        _give_connections_the_serialized_contents()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        # Tests that ran while the loop was up used this context's connections; pytest-django closes only
        # its own before dropping the test database, so close these here or the drop finds them open.
        connections.close_all()
        browser.close()


class Journey:
    """A browser tab plus the accessibility bookkeeping for every page it visits."""

    axe = Axe()

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.visited: list[str] = []
        self.checked: set[str] = set()
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(frame.url))

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        self.check_accessibility()

    def check_accessibility(self):
        """Run axe-core on the page as it is now; fail with axe's report on any violation."""
        self.page.wait_for_load_state("load")
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        self.checked.add(self.page.url)

    def sign_in(self, email: str):
        """Sign in afresh (any earlier session dropped) with the factories' password; land on home."""
        page = self.page
        page.context.clear_cookies()
        self.goto("/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(self.base_url + "/")
        self.check_accessibility()

    def unchecked_pages(self) -> list[str]:
        return [url for url in dict.fromkeys(self.visited) if url not in self.checked]


def _give_connections_the_serialized_contents():
    """Give this context's database connections the serialized copy of the migrated database (see
    SERIALIZED_DB_CONTENTS in tests/conftest.py); without it, rows from data migrations (the role groups)
    are lost after the first flush when ordinary database tests ran earlier in the session."""
    from django.db import connections

    from tests.conftest import SERIALIZED_DB_CONTENTS

    for alias, contents in SERIALIZED_DB_CONTENTS.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents


@pytest.fixture
def journey(
    browser,
    live_server,
    django_db_serialized_rollback,
):
    # serialized_rollback restores the data migrations' rows (the role groups) after each flush.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    journey = Journey(page, live_server.url)
    yield journey
    context.close()
    assert not journey.unchecked_pages(), f"pages visited without an axe check: {journey.unchecked_pages()}"
