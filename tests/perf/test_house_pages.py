import pytest

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.perf.urls")]


def test_home_query_count_is_constant(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200


@pytest.mark.bench
def test_home_latency(client, record_latency):
    client.force_login(UserFactory())
    entry = record_latency("home_signed_in", "/")
    assert entry["median_ms"] > 0
