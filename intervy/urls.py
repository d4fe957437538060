from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from intervy import health, metrics
from intervy.signin import SignInView

urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("questions/", include("questions.urls")),
    path("", include("interviews.urls")),
]

handler400 = "intervy.errors.bad_request"
handler403 = "intervy.errors.permission_denied"
handler404 = "intervy.errors.page_not_found"
handler500 = "intervy.errors.server_error"

admin.site.site_header = "Intervy administration"
admin.site.site_title = "Intervy admin"
