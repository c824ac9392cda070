from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .models import Organisation, User
from .roles import PRIVILEGED_ROLES, Role


def email_domain_allowed(email: str, *, allowed_domains: list[str] | None = None) -> bool:
    """Whether sign-up is open to this address: its domain is listed, or matches a "*.domain" entry."""
    if allowed_domains is None:
        allowed_domains = settings.LLR_SIGNUP_EMAIL_DOMAINS
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return False
    for allowed in (d.strip().lower() for d in allowed_domains):
        if allowed.startswith("*.") and domain.endswith(allowed[1:]):
            return True
        if domain == allowed:
            return True
    return False


def user_roles(user: User) -> list[str]:
    """The role names this user holds, in a stable order; staff is implicit for every signed-in user."""
    if not user.is_authenticated:
        return []
    held = {g.name for g in user.groups.all()}
    return [role.value for role in Role if role.value in held]


def user_must_set_up_mfa(user: User) -> bool:
    """True when the setting requires MFA for this user's role and they have no authenticator yet."""
    if not settings.LLR_REQUIRE_MFA_FOR_PRIVILEGED_ROLES or not user.is_authenticated:
        return False
    privileged = user.is_superuser or user.groups.filter(name__in=PRIVILEGED_ROLES).exists()
    if not privileged:
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_list() -> QuerySet[User]:
    from django.contrib.auth.models import Group

    return User.objects.select_related("organisation", "staff_group", "band").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )


def organisation_list(*, active_only: bool = True) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    return qs.filter(is_active=True) if active_only else qs
