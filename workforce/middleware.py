from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import user_must_set_up_mfa

# Paths a privileged user without MFA may still reach: allauth (including MFA set-up), assets, probes.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/media/")


class RequireMfaForRolesMiddleware:
    """Send academy admins and board members to set up MFA first, when the setting requires it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(EXEMPT_PREFIXES) and user_must_set_up_mfa(request.user):
            messages.warning(
                request,
                "Your role gives you access to board-level information, so you must set up an "
                "authenticator app before you continue.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
