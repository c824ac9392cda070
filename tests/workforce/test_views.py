import pytest
from django.urls import reverse

from workforce import selectors
from workforce.roles import Role

from ..factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PROTECTED_ADMIN_URLS = [
    ("workforce:people", {}),
    ("workforce:person_roles", {"pk": 1}),
]


def login_url_for(url):
    return f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), [*PROTECTED_ADMIN_URLS, ("workforce:profile", {})])
def test_anonymous_users_are_sent_to_sign_in(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url_for(url)


@pytest.mark.parametrize(("name", "kwargs"), PROTECTED_ADMIN_URLS)
@pytest.mark.parametrize("role", [None, Role.PROGRAMME_LEAD, Role.BOARD_MEMBER])
def test_people_pages_are_forbidden_without_the_admin_role(client, name, kwargs, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403
    assert b"You do not have access to this page" in response.content


def test_profile_shows_and_saves_the_signed_in_users_details(client, staff_user):
    manager = UserFactory(email="manager@nhs.net")
    org = OrganisationFactory(name="Leicestershire Partnership NHS Trust")
    client.force_login(staff_user)
    response = client.post(
        reverse("workforce:profile"),
        {
            "first_name": "Sam",
            "last_name": "Patel",
            "organisation": org.pk,
            "line_manager_email": "MANAGER@nhs.net",
        },
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.organisation == org
    assert staff_user.line_manager == manager
    page = client.get(response["Location"]).content.decode()
    assert "Your profile has been updated." in page
    assert 'value="manager@nhs.net"' in page


def test_profile_errors_are_specific_and_change_nothing(client, staff_user):
    client.force_login(staff_user)
    before = (staff_user.first_name, staff_user.organisation_id)
    response = client.post(
        reverse("workforce:profile"),
        {"first_name": "", "last_name": "X", "organisation": "", "line_manager_email": "nobody@nhs.net"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose the organisation you work for" in page
    assert "No one with that email has an LLR Academy account yet" in page
    assert '<a href="#id_first_name">' in page
    staff_user.refresh_from_db()
    assert (staff_user.first_name, staff_user.organisation_id) == before


def test_people_list_filters_by_role_and_text(client, academy_admin):
    UserFactory(first_name="Bea", last_name="Board", roles=[Role.BOARD_MEMBER])
    UserFactory(first_name="Sid", last_name="Staff")
    client.force_login(academy_admin)
    page = client.get(reverse("workforce:people"), {"role": Role.BOARD_MEMBER}).content.decode()
    assert "Bea Board" in page
    assert "Sid Staff" not in page
    page = client.get(reverse("workforce:people"), {"q": "sid"}).content.decode()
    assert "Sid Staff" in page
    assert "Bea Board" not in page


def test_people_list_paginates(client, academy_admin):
    UserFactory.create_batch(30)
    client.force_login(academy_admin)
    page = client.get(reverse("workforce:people")).content.decode()
    assert "31 people found" in page
    assert 'aria-label="Page 2"' in page


def test_admin_changes_roles(client, academy_admin):
    person = UserFactory()
    client.force_login(academy_admin)
    url = reverse("workforce:person_roles", kwargs={"pk": person.pk})
    response = client.post(url, {"roles": [Role.BOARD_MEMBER]})
    assert response.status_code == 302
    assert selectors.user_roles(person) == [Role.BOARD_MEMBER]
    assert f"Roles updated for {person.display_name}." in client.get(response["Location"]).content.decode()


def test_roles_page_for_unknown_person_is_404(client, academy_admin):
    client.force_login(academy_admin)
    assert client.get(reverse("workforce:person_roles", kwargs={"pk": 999999})).status_code == 404
