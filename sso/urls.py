from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("authenticate/", views.AuthenticateView.as_view(), name="authenticate"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
]
