from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import OIDCLogoutView

from api import views as api_views
from api.v1 import api
from intervy import health, metrics
from sso.views import SignInView, admin_sign_in

# With password sign-in turned off, the admin's sign-in sends people to Intervy's.
admin.site.login = admin_sign_in(admin.site.login)  # type: ignore[method-assign]  # on the instance

urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    # Ends the Intervy session and, after a single sign-on, the provider's too
    # (OIDC_OP_LOGOUT_URL_METHOD); POST only, like Django's own.
    path("accounts/logout/", never_cache(OIDCLogoutView.as_view()), name="logout"),
    path("sso/", include("sso.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("questions/", include("questions.urls")),
    # /api/v1/ itself is the reference page, ahead of the API's own (unused) root view.
    path("api/v1/", api_views.reference, name="api_reference"),
    path("api/v1/", api.urls),
    path("", include("api.urls")),
    path("", include("interviews.urls")),
]

handler400 = "intervy.errors.bad_request"
handler403 = "intervy.errors.permission_denied"
handler404 = "intervy.errors.page_not_found"
handler500 = "intervy.errors.server_error"

admin.site.site_header = "Intervy administration"
admin.site.site_title = "Intervy admin"
