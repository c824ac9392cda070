"""Who may open allauth's pages and the Django admin.

The portal's own pages are swept by test_design_rules.py; this covers the URLs mounted from allauth and
the Django admin: the account pages need a signed-in user (anonymous visitors go to the sign-in page), and
only the steps of signing in, signing up, verifying and resetting a password are open.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# allauth's pages anyone may open, because they come before a session is signed in.
PUBLIC = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "mfa_authenticate",  # the second sign-in step
}


def account_urls() -> list[tuple[str, str]]:
    """(name, example path) for every URL allauth mounts under /accounts/."""
    found = []

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and prefix.startswith("accounts/"):
                converters = getattr(pattern.pattern, "converters", {})
                if converters:
                    kwargs = {key: "x" for key in converters}
                else:  # allauth's regex patterns (confirmation and reset keys)
                    kwargs = {key: "x1-x" for key in pattern.pattern.regex.groupindex}
                found.append((pattern.name, reverse(pattern.name, kwargs=kwargs)))

    walk(get_resolver(), "")
    return found


ACCOUNT_URLS = account_urls()
PRIVATE = [(name, path) for name, path in ACCOUNT_URLS if name not in PUBLIC]


def test_the_walk_finds_allauths_pages():
    names = {name for name, _ in ACCOUNT_URLS}
    assert names >= PUBLIC, f"public names that no longer exist: {PUBLIC - names}"
    assert {"account_email", "account_change_password", "mfa_index", "mfa_activate_totp"} <= names


@pytest.mark.parametrize(("name", "path"), PRIVATE, ids=[name for name, _ in PRIVATE])
@pytest.mark.parametrize("method", ["get", "post"])
def test_account_pages_send_anonymous_visitors_to_sign_in(client, name, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 302, f"{name} answered {response.status_code} to an anonymous {method}"
    assert response["Location"].startswith(reverse("account_login") + "?next="), response["Location"]


@pytest.mark.parametrize("name", sorted(PUBLIC - {"account_logout", "account_confirm_login_code"}))
def test_the_steps_before_signing_in_open_without_an_account(client, name):
    path = next(p for n, p in ACCOUNT_URLS if n == name)
    response = client.get(path)
    assert response.status_code in (200, 302), f"{name} answered {response.status_code}"
    if response.status_code == 302:
        # Only to another public page (an unused second step goes back to sign in, without a "next").
        assert not response["Location"].startswith(reverse("account_login") + "?next="), name


@pytest.mark.parametrize("path", ["/django-admin/", "/django-admin/workforce/user/"])
def test_the_django_admin_sends_anonymous_visitors_to_allauths_sign_in(client, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login") + "?next=")
    assert response.status_code == 200
