"""Who may see each page, checked across every URL the portal serves.

The app tests show each denial with real objects; this walks the URL configuration so that a view added
later without a rule is caught here: every page that is not on the public list sends an anonymous visitor to
the sign-in page, and every view that names a permission answers 403 to a signed-in person without it.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from workforce.roles import Role

from ..factories import UserFactory
from ..programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

# Pages anyone may open, and why. A new public page must be added here on purpose.
PUBLIC = {
    "home",  # the landing page for visitors
    "healthz",  # probed by load balancers and compose health checks
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
    "mfa_authenticate",  # the second sign-in step, before the session is signed in
    "admin:login",  # sends everyone to allauth's sign-in (see test_accounts)
    "programmes:certificate_verify",  # an employer checks a certificate code without an account
}

DUMMY_ARGUMENTS = {"int": "999999", "slug": "a-programme", "string": "csv", "path": "x"}


def portal_urls():
    """(name, path, view) for every URL pattern of the portal; of the Django admin only its index."""
    found = []

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                route = str(pattern.pattern)
                if route == "django-admin/":
                    found.append(("admin:index", "/django-admin/", None))
                    found.append(("admin:login", "/django-admin/login/", None))
                    continue
                walk(pattern, prefix + route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                converters = getattr(pattern.pattern, "converters", {})
                kwargs = {
                    key: DUMMY_ARGUMENTS[type(conv).__name__.removesuffix("Converter").lower()]
                    for key, conv in converters.items()
                }
                if pattern.pattern.regex.groupindex and not converters:  # allauth's regex patterns
                    kwargs = {key: "x1-x" for key in pattern.pattern.regex.groupindex}
                found.append((name, reverse(name, kwargs=kwargs), pattern.callback))

    walk(get_resolver(), "", "")
    return found


URLS = portal_urls()
PRIVATE = [(name, path) for name, path, _ in URLS if name not in PUBLIC]
# Views that name a role permission (PermissionRequiredMixin's permission_required).
ROLE_VIEWS = [
    (name, path, getattr(view.view_class, "permission_required", None))
    for name, path, view in URLS
    if view is not None
    and hasattr(view, "view_class")
    and getattr(view.view_class, "permission_required", None)
]


def test_the_walk_finds_the_portals_pages():
    names = {name for name, _, _ in URLS}
    assert {"home", "workforce:people", "programmes:catalogue", "pledges:board", "mfa_index"} <= names
    assert names >= PUBLIC, f"public names that no longer exist: {PUBLIC - names}"
    assert len(ROLE_VIEWS) > 50


@pytest.mark.parametrize(("name", "path"), PRIVATE, ids=[name for name, _ in PRIVATE])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 302, f"{name} answered {response.status_code} to an anonymous {method}"
    location = response["Location"]
    if name.startswith("admin:"):
        # The Django admin sends visitors to its own login, which hands them to allauth.
        assert location.startswith(reverse("admin:login")), location
        location = client.get(location)["Location"]
    assert location.startswith(reverse("account_login") + "?next="), location


@pytest.mark.parametrize(
    "name", sorted(PUBLIC - {"account_logout", "admin:login", "account_confirm_login_code"})
)
def test_public_pages_open_without_signing_in(client, name):
    path = next(p for n, p, _ in URLS if n == name)
    response = client.get(path)
    assert response.status_code in (200, 302), f"{name} answered {response.status_code}"
    if response.status_code == 302:
        # Only to another public page (an expired key says so; an unused second step goes to sign-in).
        assert not response["Location"].startswith(reverse("account_login") + "?next="), name


@pytest.mark.parametrize(("name", "path", "permission"), ROLE_VIEWS, ids=[name for name, _, _ in ROLE_VIEWS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_in_staff_without_the_role_get_403(client, name, path, permission, method):
    """Every signed-in user is staff; a page for a role answers 403 to anyone without its permission."""
    # Pages under a programme may look it up first (404 for a wrong address), so give them one.
    ProgrammeFactory(slug=DUMMY_ARGUMENTS["slug"])
    staff = UserFactory()
    assert not staff.has_perm(permission)
    client.force_login(staff)
    response = getattr(client, method)(path)
    assert response.status_code == 403, f"{name} answered {response.status_code} to staff ({method})"
    assert "You do not have access to this page" in response.content.decode()


# Parts of the portal that only roles use. A page there either names its permission (above) or is listed
# here with the check it makes on the object instead.
ROLE_PREFIXES = (
    "/people/",
    "/workforce/",
    "/culture/",
    "/cohorts/",
    "/manage/",
    "/sessions/",
    "/reach/",
    "/board/",
)
OBJECT_CHECKED = {
    "programmes:enrol": "any signed-in person books a place on a cohort open to them",
    "programmes:attendance": "the lead of the session's programme or an academy admin",
    "programmes:cohort_completion": "the lead of the cohort's programme or an academy admin",
    "programmes:completion_override": "the lead of the programme or an academy admin",
    "pledges:pledge_update_new": "academy admins and the pledge's named lead",
    "pledges:objective_update_new": "academy admins and the objective's named lead",
}


def test_every_page_for_a_role_says_which_permission_it_needs():
    role_view_names = {name for name, _, _ in ROLE_VIEWS}
    assert set(OBJECT_CHECKED) <= {name for name, _, _ in URLS}
    unmarked = {
        name
        for name, path, _ in URLS
        if path.startswith(ROLE_PREFIXES) and name not in role_view_names and name not in OBJECT_CHECKED
    }
    assert not unmarked, f"pages for a role without permission_required: {sorted(unmarked)}"


def test_each_role_permission_belongs_to_a_role_group():
    """A permission no role holds would leave its pages open to superusers only."""
    role_permissions = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(group__name__in=[r.value for r in Role]).select_related(
            "content_type"
        )
    }
    needed = {permission for _, _, permission in ROLE_VIEWS}
    assert needed <= role_permissions, needed - role_permissions
