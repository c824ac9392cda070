"""The portal's URLs plus a trivial view: the yardstick every page's latency is divided by."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from llr_academy.urls import handler403, handler404  # noqa: F401
from llr_academy.urls import urlpatterns as portal_urlpatterns


@login_not_required
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("perf/trivial/", trivial, name="perf_trivial"), *portal_urlpatterns]
