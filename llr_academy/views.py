from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
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
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
