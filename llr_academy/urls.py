from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

# The Django admin signs in through allauth, so it gets allauth's rate limits, verification and MFA.
admin.site.login = views.admin_login
admin.site.site_header = "LLR Academy administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # Each app owns its URL prefixes (workforce: you/, people/, workforce/, culture/; programmes:
    # programmes/, my-learning/, ...; pledges: pledges/, board/), so they mount at the root.
    path("", include("workforce.urls")),
    path("", include("programmes.urls")),
    path("", include("pledges.urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = "llr_academy.views.bad_request"
handler403 = "llr_academy.views.permission_denied"
handler404 = "llr_academy.views.page_not_found"
# handler500 stays Django's default: it renders templates/500.html without context, which is safest.

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
