"""Sign-in with django-allauth: sign-up domains, verification, enumeration, rate limits, MFA, admin login."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from django.core import mail
from django.urls import reverse

from workforce.models import User
from workforce.roles import Role

from ..factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def signup_data(email, org):
    return {
        "first_name": "Nia",
        "last_name": "Shah",
        "email": email,
        "organisation": org.pk,
        "password1": "correct-horse-battery-2026",
        "password2": "correct-horse-battery-2026",
    }


def test_signup_with_an_allowed_domain_sends_a_verification_email_and_blocks_sign_in(client):
    org = OrganisationFactory()
    response = client.post(reverse("account_signup"), signup_data("nia.shah@nhs.net", org))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nia.shah@nhs.net")
    assert (user.first_name, user.organisation) == ("Nia", org)
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    # Mandatory verification: the password alone does not sign them in yet.
    response = client.post(
        reverse("account_login"), {"login": "nia.shah@nhs.net", "password": "correct-horse-battery-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_following_the_verification_link_then_signing_in_lands_on_home(client):
    client.post(reverse("account_signup"), signup_data("nia.shah@nhs.net", OrganisationFactory()))
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    assert client.post(link).status_code == 302
    response = client.post(
        reverse("account_login"),
        {"login": "nia.shah@nhs.net", "password": "correct-horse-battery-2026"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Welcome, Nia" in response.content.decode()


def test_signup_with_another_domain_is_refused_with_a_clear_message(client):
    response = client.post(reverse("account_signup"), signup_data("nia@gmail.com", OrganisationFactory()))
    assert response.status_code == 200
    assert "Use your work email address" in response.content.decode()
    assert "@nhs.net" in response.content.decode()
    assert not User.objects.filter(email="nia@gmail.com").exists()
    assert mail.outbox == []


def test_signup_domains_are_configurable(client, settings):
    settings.LLR_SIGNUP_EMAIL_DOMAINS = ["example.org"]
    response = client.post(reverse("account_signup"), signup_data("nia@example.org", OrganisationFactory()))
    assert response.status_code == 302
    response = client.post(reverse("account_signup"), signup_data("nia@nhs.net", OrganisationFactory()))
    assert "Use your work email address" in response.content.decode()


def test_signup_with_a_taken_email_does_not_reveal_that_it_exists(client):
    UserFactory(email="taken@nhs.net")
    response = client.post(reverse("account_signup"), signup_data("taken@nhs.net", OrganisationFactory()))
    # Same outcome as a new address: "check your email"; the owner gets a notice instead.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@nhs.net").count() == 1
    assert [m.to for m in mail.outbox] == [["taken@nhs.net"]]
    assert "already" in mail.outbox[0].body.lower()
    assert "/accounts/confirm-email/" not in mail.outbox[0].body


def test_sign_in_gives_the_same_answer_for_an_unknown_address_and_a_wrong_password(client):
    UserFactory(email="known@nhs.net")
    unknown = client.post(reverse("account_login"), {"login": "unknown@nhs.net", "password": "wrong-one"})
    known = client.post(reverse("account_login"), {"login": "known@nhs.net", "password": "wrong-one"})
    assert unknown.status_code == known.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in unknown.content.decode() and message in known.content.decode()


def test_password_reset_looks_the_same_for_unknown_addresses(client):
    UserFactory(email="known@nhs.net")
    known = client.post(reverse("account_reset_password"), {"email": "known@nhs.net"})
    unknown = client.post(reverse("account_reset_password"), {"email": "unknown@nhs.net"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    assert [m.to for m in mail.outbox] == [["known@nhs.net"], ["unknown@nhs.net"]]
    assert "password" in mail.outbox[0].body.lower()
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_repeated_failed_sign_ins_are_rate_limited(client):
    UserFactory(email="target@nhs.net")
    pages = [
        client.post(
            reverse("account_login"), {"login": "target@nhs.net", "password": "wrong"}
        ).content.decode()
        for _ in range(6)
    ]
    # allauth allows 5 failures per 5 minutes for one login; then even the right password is refused.
    assert all("Too many failed login attempts" not in page for page in pages[:5])
    assert "Too many failed login attempts" in pages[5]
    response = client.post(
        reverse("account_login"), {"login": "target@nhs.net", "password": DEFAULT_PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_demo_style_sign_in_works_with_password_alone_when_mfa_not_required(client, settings):
    settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = False
    UserFactory(email="board@nhs.net", roles=[Role.BOARD_MEMBER])
    response = client.post(
        reverse("account_login"), {"login": "board@nhs.net", "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.ACADEMY_ADMIN])
def test_privileged_roles_must_set_up_mfa_when_required(client, settings, role):
    settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = True
    user = UserFactory(roles=[role])
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}, follow=True
    )
    activate = reverse("mfa_activate_totp")
    chain = [url for url, _ in response.redirect_chain]
    # allauth asks for the password once more before anyone changes MFA settings.
    assert chain[:2] == [reverse("home"), activate]
    assert chain[2].startswith(reverse("account_reauthenticate"))
    assert "you must set up an authenticator app before you continue" in response.content.decode()
    response = client.post(chain[2], {"password": DEFAULT_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == activate
    assert 'name="code"' in response.content.decode()
    # Every other page sends them back until they have done it.
    assert client.get(reverse("workforce:profile"))["Location"] == reverse("mfa_activate_totp")


def test_staff_and_leads_are_not_forced_into_mfa(client, settings):
    settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES = True
    client.force_login(UserFactory(roles=[Role.PROGRAMME_LEAD]))
    assert client.get(reverse("home")).status_code == 200


def totp_now(secret_base32: str) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app would show it."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def test_any_user_can_turn_on_totp_and_gets_recovery_codes(client):
    from allauth.mfa.models import Authenticator

    user = UserFactory(email="careful@nhs.net")
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_django_admin_login_goes_through_allauth(client):
    response = client.get("/django-admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_django_admin_refuses_signed_in_people_who_are_not_admin_staff_without_a_loop(client):
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    response = client.get("/django-admin/", follow=True)
    assert response.status_code == 403
    assert [url for url, _ in response.redirect_chain] == ["/django-admin/login/?next=/django-admin/"]
    assert "You do not have access to this page" in response.content.decode()


def test_django_admin_staff_sign_in_through_allauth_and_reach_the_admin(client):
    UserFactory(email="ops@nhs.net", is_staff=True, is_superuser=True)
    response = client.get("/django-admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login") + "?next=")
    response = client.post(
        response.redirect_chain[-1][0], {"login": "ops@nhs.net", "password": DEFAULT_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/django-admin/"
    assert "LLR Academy administration" in response.content.decode()
    # A "next" to another site is ignored.
    assert client.get("/django-admin/login/?next=https://evil.example/")["Location"] == "/django-admin/"


def test_password_reset_link_sets_a_new_password_that_signs_in(client):
    UserFactory(email="forgetful@nhs.net")
    client.post(reverse("account_reset_password"), {"email": "forgetful@nhs.net"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    # allauth moves the key out of the address (into the session) before showing the form.
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    assert 'name="password1"' in response.content.decode()
    new_password = "a-brand-new-password-2026"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    # The link works once only.
    assert "Bad Token" in client.get(link, follow=True).content.decode()
    refused = client.post(
        reverse("account_login"), {"login": "forgetful@nhs.net", "password": DEFAULT_PASSWORD}
    )
    assert "_auth_user_id" not in client.session and refused.status_code == 200
    response = client.post(
        reverse("account_login"), {"login": "forgetful@nhs.net", "password": new_password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")


def test_password_reset_requests_are_rate_limited_per_address(client):
    UserFactory(email="target@nhs.net")
    for _ in range(5):
        response = client.post(reverse("account_reset_password"), {"email": "target@nhs.net"})
        assert response.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": "target@nhs.net"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_signing_in_with_totp_asks_for_the_code_and_accepts_a_recovery_code(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(email="secure@nhs.net")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    assert Authenticator.objects.filter(user=user).count() == 2

    login = {"login": user.email, "password": DEFAULT_PASSWORD}
    response = client.post(reverse("account_login"), login)
    # The password alone is not enough: the second step asks for the code.
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.post(reverse("mfa_authenticate"), {"code": "000000"}).content.decode()
    assert "Incorrect code" in page
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)

    # A recovery code signs in once, when the phone is lost.
    client.logout()
    client.post(reverse("account_login"), login)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response["Location"] == reverse("home")
    client.logout()
    client.post(reverse("account_login"), login)
    assert "Incorrect code" in client.post(reverse("mfa_authenticate"), {"code": codes[0]}).content.decode()


def test_an_address_added_later_must_also_be_at_an_allowed_domain(client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="nia@nhs.net")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "nia@gmail.com"})
    assert response.status_code == 200
    assert "Use your work email address" in response.content.decode()
    assert not EmailAddress.objects.filter(email="nia@gmail.com").exists()
    response = client.post(reverse("account_email"), {"action_add": "", "email": "nia.shah@leics.gov.uk"})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email="nia.shah@leics.gov.uk", verified=False).exists()
