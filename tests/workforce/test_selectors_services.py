import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from workforce import selectors, services
from workforce.roles import Role

from ..factories import OrganisationFactory, UserFactory


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("someone@nhs.net", True),
        ("Someone@NHS.NET", True),
        ("someone@uhl-tr.nhs.uk", True),
        ("someone@rutland.gov.uk", True),
        ("someone@gmail.com", False),
        ("someone@evilnhs.net", False),  # a suffix of an allowed domain is not that domain
        ("someone@nhs.net.example.com", False),
        ("someone@", False),
    ],
)
def test_email_domain_allowed_uses_the_configured_list(email, allowed):
    assert selectors.email_domain_allowed(email) is allowed


def test_email_domain_wildcard_allows_subdomains_only():
    domains = ["*.nhs.uk"]
    assert selectors.email_domain_allowed("a@uhl-tr.nhs.uk", allowed_domains=domains)
    assert not selectors.email_domain_allowed("a@nhs.uk", allowed_domains=domains)
    assert not selectors.email_domain_allowed("a@notnhs.uk", allowed_domains=domains)


def test_roles_are_created_by_migrations_with_their_permissions(db):
    perms = {
        g.name: set(g.permissions.values_list("content_type__app_label", "codename"))
        for g in Group.objects.all()
    }
    assert set(perms) == {r.value for r in Role}
    assert perms[Role.PROGRAMME_LEAD] == {("programmes", "lead_programmes")}
    assert ("workforce", "view_workforce_dashboard") in perms[Role.BOARD_MEMBER]
    assert ("pledges", "view_board_overview") in perms[Role.BOARD_MEMBER]
    assert ("workforce", "manage_people") not in perms[Role.BOARD_MEMBER]
    assert perms[Role.BOARD_MEMBER] < perms[Role.ACADEMY_ADMIN]


def test_user_roles_lists_roles_in_a_stable_order(db):
    user = UserFactory(roles=[Role.ACADEMY_ADMIN, Role.PROGRAMME_LEAD])
    assert selectors.user_roles(user) == [Role.PROGRAMME_LEAD, Role.ACADEMY_ADMIN]
    assert selectors.user_roles(UserFactory()) == []


def test_mfa_is_required_only_for_privileged_roles_when_the_setting_is_on(db, settings):
    from allauth.mfa.models import Authenticator

    board = UserFactory(roles=[Role.BOARD_MEMBER])
    lead = UserFactory(roles=[Role.PROGRAMME_LEAD])
    settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = False
    assert not selectors.user_must_set_up_mfa(board)
    settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = True
    assert selectors.user_must_set_up_mfa(board)
    assert not selectors.user_must_set_up_mfa(lead)
    Authenticator.objects.create(user=board, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert not selectors.user_must_set_up_mfa(board)


def test_user_update_profile_saves_every_field(db):
    user, manager = UserFactory(), UserFactory()
    org = OrganisationFactory()
    services.user_update_profile(
        user=user,
        first_name=" Ada ",
        last_name="Lovelace",
        organisation=org,
        staff_group=None,
        band=None,
        line_manager=manager,
    )
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.organisation, user.line_manager) == (
        "Ada",
        "Lovelace",
        org,
        manager,
    )


def test_user_cannot_be_their_own_line_manager(db):
    user = UserFactory()
    with pytest.raises(ValidationError, match="own line manager"):
        services.user_update_profile(
            user=user,
            first_name="A",
            last_name="B",
            organisation=None,
            staff_group=None,
            band=None,
            line_manager=user,
        )


def test_user_set_roles_replaces_roles(db, academy_admin):
    person = UserFactory(roles=[Role.BOARD_MEMBER])
    services.user_set_roles(user=person, roles=[Role.PROGRAMME_LEAD], changed_by=academy_admin)
    assert selectors.user_roles(person) == [Role.PROGRAMME_LEAD]
    services.user_set_roles(user=person, roles=[], changed_by=academy_admin)
    assert selectors.user_roles(person) == []


def test_user_set_roles_rejects_unknown_roles_and_changes_nothing(db, academy_admin):
    person = UserFactory(roles=[Role.BOARD_MEMBER])
    with pytest.raises(ValidationError, match="Unknown role: Wizard"):
        services.user_set_roles(user=person, roles=["Wizard"], changed_by=academy_admin)
    assert selectors.user_roles(person) == [Role.BOARD_MEMBER]


def test_admin_cannot_remove_their_own_admin_role(db, academy_admin):
    with pytest.raises(ValidationError, match="your own academy admin role"):
        services.user_set_roles(user=academy_admin, roles=[], changed_by=academy_admin)
    assert selectors.user_roles(academy_admin) == [Role.ACADEMY_ADMIN]
