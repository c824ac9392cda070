import pytest

from workforce.roles import Role

from .factories import UserFactory


@pytest.fixture
def staff_user(db):
    return UserFactory(email="staff.member@nhs.net")


@pytest.fixture
def programme_lead(db):
    return UserFactory(email="programme.lead@nhs.net", roles=[Role.PROGRAMME_LEAD])


@pytest.fixture
def board_member(db):
    return UserFactory(email="board.member@nhs.net", roles=[Role.BOARD_MEMBER])


@pytest.fixture
def academy_admin(db):
    return UserFactory(email="academy.admin@nhs.net", roles=[Role.ACADEMY_ADMIN])


def pytest_runtest_setup(item):
    """A test marked ``postgresql`` needs PostgreSQL (row locks, SQL seeds); `make test` and CI always run
    on it. Elsewhere such a test fails with the reason rather than being skipped, so nothing passes unseen."""
    if item.get_closest_marker("postgresql"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.fail("This test needs PostgreSQL: set DATABASE_URL=postgres://... (as `make test` does).")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and heartbeats live in the cache; start every test from empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# The serialized copy of the migrated test database (role groups, People Promise elements and other rows that
# data migrations create), captured when pytest-django sets the database up. Django keeps it on the
# connection object, and connection objects are per context: the browser tests run in Playwright's context,
# where a connection made earlier (when ordinary database tests ran first) is not visible. The e2e
# conftest puts this copy on its own connection so serialized rollback restores those rows after each flush.
SERIALIZED_DB_CONTENTS: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            SERIALIZED_DB_CONTENTS[alias] = contents
