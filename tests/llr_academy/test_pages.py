import pytest
from django.db import DatabaseError
from django.urls import reverse

from workforce.roles import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_for_visitors_explains_the_portal_and_offers_sign_in(client):
    page = client.get(reverse("home")).content.decode()
    assert "Development programmes for everyone working in health and social care" in page
    assert f'href="{reverse("account_login")}"' in page
    assert f'href="{reverse("account_signup")}"' in page
    assert 'class="nhsuk-skip-link"' in page
    assert '<main class="nhsuk-main-wrapper" id="maincontent">' in page


@pytest.mark.parametrize(
    ("role", "sees_people"),
    [(None, False), (Role.PROGRAMME_LEAD, False), (Role.BOARD_MEMBER, False), (Role.ACADEMY_ADMIN, True)],
)
def test_home_and_navigation_follow_the_users_role(client, role, sees_people):
    client.force_login(UserFactory(first_name="Jo", roles=[role] if role else []))
    page = client.get(reverse("home")).content.decode()
    assert "Welcome, Jo" in page
    assert "Your profile" in page
    assert (f'href="{reverse("workforce:people")}"' in page) is sees_people


def test_home_asks_people_without_an_organisation_to_complete_their_profile(client):
    client.force_login(UserFactory(organisation=None))
    assert "Complete your profile" in client.get(reverse("home")).content.decode()


def test_healthz_reports_database_and_cache_without_secrets(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "database": "ok", "cache": "ok", "worker_heartbeat_age_seconds": None}


def test_healthz_shows_the_worker_heartbeat_after_the_task_runs(client):
    from llr_academy.tasks import record_worker_heartbeat

    record_worker_heartbeat.delay()
    assert client.get(reverse("healthz")).json()["worker_heartbeat_age_seconds"] in (0, 1)


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("llr_academy.selectors.connection.cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "connection refused" not in response.content.decode()


def test_custom_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "nhsuk-header" in response.content.decode()


def test_custom_500_page_renders_without_context(settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html


def test_security_headers_are_set(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    # The one inline script carries this response's nonce.
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_no_page_loads_anything_from_another_site(client, academy_admin):
    client.force_login(academy_admin)
    for url in [reverse("home"), reverse("workforce:profile"), reverse("workforce:people")]:
        page = client.get(url).content.decode()
        assert 'src="http' not in page
        assert 'href="http' not in page
