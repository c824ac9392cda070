"""Catalogue and programme pages: the same number of queries with 10 programmes as with 1,000 programmes and
100,000 enrolments (asserted in the normal run); latency as a ratio to the trivial view, recorded with each
page's query count in tests/perf/results/latest.json (bench only)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes.models import Cohort, Enrolment, Programme, Session
from tests.factories import UserFactory
from tests.programmes.factories import WorkstreamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.perf.urls")]

PEOPLE = 1_000
ENROLMENTS = 100_000


def add_cohorts(
    programmes: list[Programme], *, days_ahead: int, capacity: int, session_hours, per_programme: int = 1
) -> list[Cohort]:
    """Upcoming cohorts for each programme, each with an hour-long session starting at 9 + each of
    `session_hours`."""
    starts = timezone.localdate() + datetime.timedelta(days=days_ahead)
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            programme=p,
            name=f"Cohort {n}",
            starts_on=starts,
            ends_on=starts,
            capacity=capacity,
            venue="Room 1",
        )
        for p in programmes
        for n in range(per_programme)
    )
    Session.objects.bulk_create(
        Session(
            cohort=c,
            title=f"Session {n}",
            date=starts,
            starts_at=datetime.time(9 + n),
            ends_at=datetime.time(10 + n),
        )
        for c in cohorts
        for n in session_hours
    )
    return cohorts


def seed_programmes(count: int, *, start: int = 0) -> list[Programme]:
    """`count` published programmes, each with one upcoming cohort of 20 places and two sessions."""
    workstream = WorkstreamFactory(name="Culture and Leadership (Retain)", slug="culture")
    programmes = Programme.objects.bulk_create(
        Programme(
            title=f"Programme {i:05d}",
            slug=f"programme-{i:05d}",
            summary="A development programme for health and care staff.",
            workstream=workstream,
            pillar="retain",
            status=Programme.Status.PUBLISHED,
        )
        for i in range(start, start + count)
    )
    add_cohorts(programmes, days_ahead=30, capacity=20, session_hours=(0, 2))
    return programmes


def seed_enrolments_sql(total: int) -> None:
    """`total` enrolments spread over every cohort, written in SQL so it takes seconds: in each cohort the
    first 20 people are confirmed and the rest wait in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO workforce_user (password, is_superuser, first_name, last_name, is_staff, is_active,
                                        date_joined, email)
            SELECT '!', false, 'Perf', 'Person ' || n, false, true, now(), 'perf' || n || '@nhs.net'
            FROM generate_series(1, %s) AS n
            """,
            [PEOPLE],
        )
        cursor.execute(
            """
            WITH pairs AS (
                SELECT c.id AS cohort_id, u.id AS person_id,
                       row_number() OVER (PARTITION BY c.id ORDER BY u.id) AS rn
                FROM programmes_cohort c
                CROSS JOIN (SELECT id FROM workforce_user WHERE email LIKE 'perf%%@nhs.net') u
            ), chosen AS (
                SELECT * FROM pairs WHERE rn <= %s
            )
            INSERT INTO programmes_enrolment (cohort_id, person_id, status, queue_number, decision_reason,
                                              uid, created_at, updated_at, confirmed_at)
            SELECT cohort_id, person_id,
                   CASE WHEN rn <= 20 THEN 'confirmed' ELSE 'waiting' END,
                   CASE WHEN rn <= 20 THEN NULL ELSE rn - 20 END,
                   '', gen_random_uuid(), now(), now(),
                   CASE WHEN rn <= 20 THEN now() ELSE NULL END
            FROM chosen
            """,
            [total // Cohort.objects.count()],
        )
        # What autovacuum does after a bulk load: without fresh statistics the planner takes the tables
        # for empty and nests loops over 1,000 x 1,000 programmes for the filtered catalogue (seconds).
        cursor.execute("ANALYZE")


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def pages(programme: Programme) -> dict[str, str]:
    return {
        "catalogue": "/programmes/",
        "catalogue_filtered": "/programmes/?q=programme&open_now=on&open_to_me=on&pillar=retain",
        "catalogue_page_2": "/programmes/?page=2" if Programme.objects.count() > 20 else "/programmes/",
        "programme": f"/programmes/{programme.slug}/",
        "my_learning": "/my-learning/",
    }


@pytest.mark.postgresql  # the SQL seed uses PostgreSQL functions
def test_query_counts_do_not_grow_with_programmes_or_enrolments(client):
    viewer = UserFactory()
    client.force_login(viewer)
    small = seed_programmes(10)
    Enrolment.objects.create(cohort=small[0].cohorts.get(), person=viewer, status="confirmed")
    before = {name: page_queries(client, url) for name, url in pages(small[0]).items()}

    seed_programmes(990, start=10)
    seed_enrolments_sql(ENROLMENTS)
    assert Programme.objects.count() == 1_000
    assert Enrolment.objects.count() >= ENROLMENTS
    after = {name: page_queries(client, url) for name, url in pages(small[0]).items()}
    # catalogue_page_2 is the first page with only 10 programmes and page 2 with 1,000.
    assert after == before, (before, after)

    # Nor with the programme's own size: five more cohorts of four sessions each, people in all of them.
    programme = small[0]
    more = add_cohorts([programme], days_ahead=60, capacity=5, session_hours=range(4), per_programme=5)
    Enrolment.objects.bulk_create(
        Enrolment(cohort=c, person=UserFactory(), status="confirmed", confirmed_at=timezone.now())
        for c in more
    )
    assert page_queries(client, pages(programme)["programme"]) == before["programme"]
    # The programme page includes issue 4's case study: its outcome and two queries of live figures.
    assert before["programme"] <= 12 + 3 and before["catalogue"] <= 10


@pytest.mark.bench
@pytest.mark.postgresql  # the SQL seed uses PostgreSQL functions
def test_catalogue_and_programme_latency(client, record_latency):
    viewer = UserFactory()
    client.force_login(viewer)
    programmes = seed_programmes(1_000)
    seed_enrolments_sql(ENROLMENTS)
    extra = {"programmes": 1_000, "enrolments": Enrolment.objects.count()}
    for name, url in pages(programmes[500]).items():
        # The query count sits beside the timing, so a slower page can be told apart from a chattier one.
        queries = page_queries(client, url)
        entry = record_latency(f"programmes_{name}", url, queries=queries, **extra)
        assert entry["median_ms"] > 0 and entry["queries"] == queries
