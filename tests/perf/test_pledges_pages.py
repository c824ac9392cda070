"""Query counts for the pledge pages stay constant as pledges, updates, links and history grow."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges import services
from pledges.models import BoardMeeting, MetricLink, Pledge, Status

from ..pledges.factories import MetricFactory, ObjectiveFactory, PledgeFactory, ProgrammeFactory, add_series

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.perf.urls")]

PAGES = ["/board/", "/pledges/", "/pledges/1/", "/manage/pledges/", "/manage/objectives/"]


def build(n_pledges: int, admin):
    BoardMeeting.objects.get_or_create(date=datetime.date.today() - datetime.timedelta(days=30))
    metric = MetricFactory()
    add_series(metric, [10.0 + (i % 3) / 10 for i in range(15)])
    objective = ObjectiveFactory()
    objective.programmes.add(ProgrammeFactory(), ProgrammeFactory())
    for number in range(Pledge.objects.count() + 1, n_pledges + 1):
        pledge = PledgeFactory(number=number)
        pledge.objectives.add(objective)
        MetricLink.objects.create(pledge=pledge, metric=metric, target=Decimal("5"), is_key=True)
        for month in range(1, 4):
            services.progress_update_create(
                subject=pledge,
                author=admin,
                status=Status.ON_TRACK,
                narrative="Fine.",
                period_start=datetime.date(2026, month, 1),
                period_end=datetime.date(2026, month, 28),
                published_on=datetime.date(2026, month, 28),
            )
        services.pledge_update(pledge=pledge, user=admin, title=f"Pledge {number}, edited")


def query_counts(client):
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_pledge_pages_query_counts_do_not_grow_with_the_data(client, academy_admin):
    client.force_login(academy_admin)
    build(3, academy_admin)
    small = query_counts(client)
    build(13, academy_admin)
    large = query_counts(client)
    assert large == small
    assert small["/board/"] <= 21, small
    assert small["/pledges/"] <= 12, small
