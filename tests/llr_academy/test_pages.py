import re

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


def test_check_heartbeat_fails_until_a_worker_records_one_and_again_once_it_is_stale(settings):
    from django.core.cache import cache
    from django.core.management import CommandError, call_command

    from llr_academy.tasks import HEARTBEAT_CACHE_KEY, record_worker_heartbeat

    settings.LLR_HEARTBEAT_SECONDS = 60
    with pytest.raises(CommandError, match="No worker heartbeat recorded"):
        call_command("check_heartbeat")
    ran_at = record_worker_heartbeat.delay().get()
    call_command("check_heartbeat")
    # Three missed beats (three minutes at one a minute) make it stale; --max-age overrides.
    cache.set(HEARTBEAT_CACHE_KEY, ran_at - 181)
    with pytest.raises(CommandError, match=r"Worker heartbeat is 18[12] s old \(more than 180 s\)"):
        call_command("check_heartbeat")
    call_command("check_heartbeat", max_age=300)


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("llr_academy.selectors.connection.cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "connection refused" not in response.content.decode()


def test_healthz_is_503_when_the_cache_is_down(client, monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("redis://:hunter2@cache:6379 refused")

    monkeypatch.setattr("llr_academy.selectors.cache.set", broken_set)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable" and response.json()["database"] == "ok"
    assert "hunter2" not in response.content.decode()


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


def navigation_labels(page: str) -> list[str]:
    return re.findall(r'class="nhsuk-header__navigation-link" href="[^"]*"[^>]*>([^<]+)<', page)


def page_title(page: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", page, re.S).group(1).split())


def card_titles(page: str) -> list[str]:
    return re.findall(r'class="nhsuk-card__link" href="[^"]*">([^<]+)<', page)


@pytest.mark.parametrize(
    ("role", "navigation", "first_card", "cards", "not_cards"),
    [
        (
            None,
            ["Home", "Programmes", "My learning", "Pledges"],
            "Find a programme",
            {"My learning", "Your profile", "Account security", "Your learning record"},
            {"Your cohorts", "Board overview", "Workforce dashboard", "People and roles", "Board reports"},
        ),
        (
            Role.PROGRAMME_LEAD,
            ["Home", "Programmes", "My learning", "Your cohorts", "Pledges"],
            "Find a programme",
            {"Your cohorts", "Attendance", "Evaluation"},
            {"Board overview", "Workforce dashboard", "People and roles", "Import workforce figures"},
        ),
        (
            Role.BOARD_MEMBER,
            ["Home", "Programmes", "My learning", "Board overview", "Workforce", "Pledges"],
            "Board overview",
            {"Workforce dashboard", "Culture and inclusion", "Board reports", "Programme reach"},
            {"Your cohorts", "People and roles", "Import workforce figures", "Pledges and objectives"},
        ),
        (
            Role.ACADEMY_ADMIN,
            ["Home", "Programmes", "My learning", "Your cohorts", "Board overview", "Workforce", "Pledges"],
            "Board overview",
            {
                "People and roles",
                "Import workforce figures",
                "Pledges and objectives",
                "Workstreams and programmes",
            },
            set(),
        ),
    ],
)
def test_the_header_navigation_and_home_cards_lead_each_role_to_its_work(
    client, role, navigation, first_card, cards, not_cards
):
    client.force_login(UserFactory(roles=[role] if role else []))
    page = client.get(reverse("home")).content.decode()
    assert navigation_labels(page) == navigation
    assert '<a class="nhsuk-header__navigation-link" href="/" aria-current="page">Home</a>' in page
    titles = card_titles(page)
    assert titles[0] == first_card
    assert cards <= set(titles)
    assert not (not_cards & set(titles))


def test_visitors_get_no_navigation_and_the_sign_in_links(client):
    page = client.get(reverse("home")).content.decode()
    assert navigation_labels(page) == []
    assert '<a class="nhsuk-header__account-link" href="/accounts/login/">Sign in</a>' in page


def test_the_current_navigation_item_is_the_longest_matching_one(client, board_member):
    client.force_login(board_member)
    page = client.get(reverse("workforce:culture")).content.decode()
    # /culture/ matches no item; the workforce dashboard marks "Workforce" and not "Home".
    assert 'aria-current="page"' not in page.split("<main")[0]
    page = client.get(reverse("workforce:dashboard")).content.decode()
    header = page.split("<main")[0]
    assert header.count('aria-current="page"') == 1
    assert f'href="{reverse("workforce:dashboard")}" aria-current="page">Workforce<' in header


def test_a_page_has_the_header_user_menu_breadcrumbs_and_footer(client):
    client.force_login(UserFactory(first_name="Jo", last_name="Bloggs"))
    page = client.get(reverse("workforce:profile")).content.decode()
    header, main = page.split("<main", 1)
    assert '<nav class="nhsuk-header__account" aria-label="Account">' in header
    assert "Jo Bloggs" in header
    assert f'action="{reverse("account_logout")}" method="post"' in header
    assert '<nav class="nhsuk-breadcrumb" aria-label="Breadcrumb">' in header
    assert '<a class="nhsuk-breadcrumb__link" href="/">Home</a>' in header
    assert '<span class="nhsuk-u-visually-hidden">Back to </span>Home</a>' in header
    assert '<footer class="nhsuk-footer" role="contentinfo">' in main


def test_a_message_after_saving_shows_as_a_success_banner(client, staff_user):
    client.force_login(staff_user)
    data = {
        "first_name": "Sam",
        "last_name": "Patel",
        "organisation": staff_user.organisation_id,
        "staff_group": "",
        "band": "",
        "line_manager_email": "",
    }
    response = client.post(reverse("workforce:profile"), data, follow=True)
    page = response.content.decode()
    assert 'class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert"' in page


def test_form_errors_use_the_error_summary_and_say_error_in_the_title(client):
    response = client.post(reverse("account_login"), {"login": "nobody@nhs.net", "password": "wrong"})
    page = response.content.decode()
    assert page_title(page) == "Error: Sign In – LLR Academy"
    summary = page.split('<div class="nhsuk-error-summary" data-module="nhsuk-error-summary">')[1]
    assert '<h2 class="nhsuk-error-summary__heading">There is a problem</h2>' in summary
    assert "The email address and/or password you specified are not correct." in summary
    # Without errors, no summary and no "Error:" in the title.
    page = client.get(reverse("account_login")).content.decode()
    assert "nhsuk-error-summary" not in page
    assert page_title(page) == "Sign In – LLR Academy"


def test_field_errors_in_the_summary_link_to_their_field(client):
    response = client.post(reverse("account_signup"), {"email": "someone@gmail.com"})
    page = response.content.decode()
    assert '<a href="#id_email">Use your work email address.' in page
    assert 'id="id_email"' in page


def test_custom_400_page(client):
    response = client.get(reverse("home"), HTTP_HOST="not-our-site.example.com")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sorry, there is a problem with your request" in page
    assert "nhsuk-header" in page and 'class="nhsuk-skip-link"' in page
    # The security headers are on this page too, and its one inline script carries the nonce.
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in page
    assert response["X-Content-Type-Options"] == "nosniff"


def test_custom_403_page_for_a_signed_in_person_without_the_role(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("workforce:people"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>You do not have access to this page</h1>" in page
    assert "ask an academy admin to check your roles" in page
    assert "nhsuk-header" in page and "nhsuk-footer" in page


def test_custom_500_page_is_served_when_a_view_fails(client, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("llr_academy.views.health_status", lambda: broken(None))
    client.raise_request_exception = False
    response = client.get(reverse("healthz"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert 'class="nhsuk-skip-link" href="#maincontent"' in page
    assert "boom" not in page
