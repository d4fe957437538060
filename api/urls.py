from django.urls import path

from api import views

urlpatterns = [
    path("settings/tokens/", views.token_list, name="api_tokens"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
