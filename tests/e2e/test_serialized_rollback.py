"""The role groups (made by data migrations) survive from one browser test to the next, even when an
ordinary database test set the database up before Playwright started (as in a full `make test` run)."""

import pytest
from django.contrib.auth.models import Group

from workforce.roles import Role


@pytest.mark.django_db
def test_1_an_ordinary_database_test_runs_first():
    assert Group.objects.filter(name__in=Role.values).count() == len(Role)


def test_2_a_browser_test_flushes_the_database_when_it_ends(journey):
    journey.goto("/accounts/login/")
    assert Group.objects.filter(name__in=Role.values).count() == len(Role)


def test_3_the_next_browser_test_still_has_the_role_groups(journey):
    journey.goto("/accounts/login/")
    assert Group.objects.filter(name__in=Role.values).count() == len(Role)
    assert Group.objects.get(name=Role.ACADEMY_ADMIN).permissions.filter(codename="manage_people").exists()
