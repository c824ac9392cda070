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


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and heartbeats live in the cache; start every test from empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
