from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from workforce.selectors import user_roles

from .context_processors import home_cards_for
from .selectors import health_status


@login_not_required
@never_cache
def healthz(request):
    """Public: load balancers and compose health checks probe it."""
    status = health_status()
    return JsonResponse(status, status=200 if status["status"] == "ok" else 503)


class HomeView(TemplateView):
    """Public: a landing page when signed out; a page per role's tasks when signed in."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not user.is_authenticated:
            return super().get_context_data(**kwargs)
        return super().get_context_data(roles=user_roles(user), home_cards=home_cards_for(user), **kwargs)


home = login_not_required(HomeView.as_view())


@login_not_required
def admin_login(request, extra_context=None):
    """Public: the Django admin's sign-in page hands over to allauth (rate limits, verification, MFA).

    A signed-in person who is not admin staff gets 403; sending them to sign in again would loop forever.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("admin:index")
    return redirect(next_url)


@login_not_required
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
