"""Board packs and their schedule in the Django admin: listed for support, run state read-only."""

import pytest
from django.urls import reverse

from pledges.models import BoardReportSchedule
from tests.factories import UserFactory
from workforce.roles import Role

from .report_factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = UserFactory(email="super.admin@nhs.net", roles=[Role.ACADEMY_ADMIN])
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_board_reports_and_schedules_are_in_the_admin(client, superuser):
    owner = UserFactory(email="owner.admin@nhs.net", roles=[Role.BOARD_MEMBER])
    report = make_report(owner, status="failed", error="The database was unavailable.")
    schedule = BoardReportSchedule.objects.create(created_by=superuser)
    client.force_login(superuser)

    listing = client.get(reverse("admin:pledges_boardreport_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:pledges_boardreport_change", args=[report.pk]) in listing.content.decode()
    change = client.get(reverse("admin:pledges_boardreport_change", args=[report.pk])).content.decode()
    assert "The database was unavailable." in change
    assert 'name="status"' not in change  # run state is read-only
    assert client.get(reverse("admin:pledges_boardreport_add")).status_code == 403

    schedules = client.get(reverse("admin:pledges_boardreportschedule_changelist"))
    assert schedules.status_code == 200
    assert (
        reverse("admin:pledges_boardreportschedule_change", args=[schedule.pk]) in schedules.content.decode()
    )


def test_people_who_are_not_admin_staff_cannot_open_them(client):
    report = make_report(UserFactory(email="owner2.admin@nhs.net", roles=[Role.BOARD_MEMBER]))
    client.force_login(UserFactory(email="board.notstaff@nhs.net", roles=[Role.BOARD_MEMBER]))
    response = client.get(reverse("admin:pledges_boardreport_change", args=[report.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login")), response.url
