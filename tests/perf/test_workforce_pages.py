"""Workforce dashboard and metric page at scale: query counts constant from small to large data (asserted in
the normal run), and latency at 1,000,000 observations as a ratio to the trivial view (`make bench`).

Observations are seeded in SQL (INSERT ... SELECT generate_series), so a million rows take seconds, not
minutes. Seeding 1,000,000 rows with their indexes takes 25-35 s on the 2-core CI machine, too long for
every `make test`, so the normal run compares a small seed with ~50,000 rows (same query counts asserted)
and the bench run goes to 1,000,000.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workforce import selectors
from workforce.models import StaffGroup
from workforce.roles import Role

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.perf.urls")]

DASHBOARD = "/workforce/"
METRIC = "/workforce/metrics/sickness-absence/"
METRIC_COUNT = 13  # the data migration's definitions


def seed_observations(*, organisations: int, months: int, staff_groups: int = 0) -> int:
    """Add organisations (and staff groups) and one row per metric, organisation, month and staff group
    (plus the organisation's total, staff group NULL), all in SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM workforce_organisation WHERE code LIKE 'perf-%%'")
        existing = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO workforce_organisation (name, short_name, code, sector, is_active)
            SELECT 'Perf organisation ' || g, 'P' || g, 'perf-' || g,
                   (ARRAY['nhs', 'asc', 'la', 'vcse'])[1 + g %% 4], true
            FROM generate_series(%s, %s) AS g
            """,
            [existing + 1, existing + organisations],
        )
        cursor.execute(
            """
            INSERT INTO workforce_staffgroup (name, code, "order")
            SELECT 'Perf staff group ' || g, 'perf-group-' || g, 100 + g FROM generate_series(1, %s) AS g
            ON CONFLICT DO NOTHING
            """,
            [staff_groups],
        )
        cursor.execute(
            """
            INSERT INTO workforce_observation
                (metric_id, organisation_id, staff_group_id, month, numerator, denominator, is_synthetic)
            SELECT m.id, o.id, sg.id, (DATE '2020-04-01' + make_interval(months => k))::date,
                   (50 + (o.id * 7 + k * 13) %% 40)::numeric,
                   CASE WHEN m.aggregation = 'ratio' THEN (500 + (o.id * 11 + k) %% 100)::numeric END,
                   true
            FROM workforce_metricdefinition m
            CROSS JOIN workforce_organisation o
            CROSS JOIN (
                SELECT NULL::bigint AS id
                UNION ALL
                SELECT id FROM workforce_staffgroup
                WHERE code LIKE 'perf-group-%%' AND substr(code, 12)::int <= %s
            ) AS sg
            CROSS JOIN generate_series(0, %s - 1) AS k
            WHERE o.code LIKE 'perf-%%' AND o.id > (
                SELECT coalesce(max(id), 0) FROM workforce_organisation
            ) - %s
            """,
            [staff_groups, months, organisations],
        )
        inserted = cursor.rowcount
        # What autovacuum would do after a large import: fresh statistics for the planner.
        cursor.execute("ANALYZE workforce_organisation")
        cursor.execute("ANALYZE workforce_observation")
    return inserted


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def board_client(client):
    client.force_login(UserFactory(roles=[Role.BOARD_MEMBER]))
    return client


def test_query_counts_do_not_grow_with_the_data(board_client):
    seed_observations(organisations=3, months=24)
    small = {url: page_queries(board_client, url) for url in (DASHBOARD, METRIC)}
    rows = seed_observations(organisations=50, months=77)
    assert rows == 50 * 77 * METRIC_COUNT
    large = {url: page_queries(board_client, url) for url in (DASHBOARD, METRIC)}
    assert large == small
    # session, user, permissions, definitions (+ recalculation points), one grouped query, form choices
    assert small[DASHBOARD] <= 10
    assert small[METRIC] <= 12


def test_the_dashboard_aggregates_in_one_grouped_query(board_client):
    seed_observations(organisations=5, months=14)
    with CaptureQueriesContext(connection) as queries:
        assert board_client.get(DASHBOARD).status_code == 200
    on_observations = [q["sql"] for q in queries if "workforce_observation" in q["sql"]]
    assert len(on_observations) == 1
    assert "GROUP BY" in on_observations[0] and "SUM(" in on_observations[0]


def vacuum_observations():
    """What autovacuum does after a large import: the visibility map lets PostgreSQL scan the covering
    index alone. VACUUM cannot run inside a transaction, hence the transactional test below."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE workforce_observation")


@pytest.mark.bench
# serialized_rollback: the flush after this test keeps the migrations' rows (role groups) for later tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dashboard_and_metric_page_latency_at_a_million_observations(
    board_client, record_latency, record_result
):
    """1,001,000 rows shaped like real figures: 100 organisations x 77 months x 13 metrics, each as a
    total and broken down into 9 staff groups."""
    small_rows = seed_observations(organisations=3, months=24, staff_groups=9)
    group = StaffGroup.objects.get(code="perf-group-1")
    by_group = f"{DASHBOARD}?staff_group={group.pk}"
    pages = (DASHBOARD, METRIC, by_group)
    small = {url: page_queries(board_client, url) for url in pages}
    start = time.perf_counter()
    rows = seed_observations(organisations=100, months=77, staff_groups=9)
    seed_seconds = time.perf_counter() - start
    assert rows == 100 * 77 * METRIC_COUNT * 10
    total = rows + small_rows
    vacuum_observations()
    large = {url: page_queries(board_client, url) for url in pages}
    assert large == small
    # The dashboard's own grouped query reads the partial covering index, not the table.
    plan = selectors._sums(selectors._scoped_observations(), "metric_id", "organisation__sector").explain()
    record_result(
        "workforce_seed_1m_observations",
        rows=total,
        seconds=round(seed_seconds, 2),
        dashboard_queries=large[DASHBOARD],
        metric_page_queries=large[METRIC],
        aggregate_plan_uses_covering_index="observation_totals_cover" in plan,
    )
    assert "observation_totals_cover" in plan, plan
    for name, url in (
        ("workforce_dashboard_1m", DASHBOARD),
        ("workforce_dashboard_1m_one_staff_group", by_group),
        ("workforce_dashboard_1m_nhs_since_2024", f"{DASHBOARD}?sector=nhs&start=2024-01"),
        ("workforce_metric_page_1m", METRIC),
    ):
        entry = record_latency(name, url, repeat=5, observations=total, organisations=103)
        assert entry["median_ms"] > 0
