"""The sign-in page: Django's LoginView, without its one way to answer 500."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.views import LoginView
from django.http import HttpRequest


class SignInView(LoginView):
    """Sign-in that sends a signed-in user home when `next` points back at sign-in.

    Django's view raises ValueError ("Redirection loop") when a signed-in user opens
    /accounts/login/?next=/accounts/login/ — a bookmarked or shared link can be exactly
    that — so such a `next` is ignored and the default page used instead.
    """

    redirect_authenticated_user = True

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        url = super().get_redirect_url(request)
        if url and urlsplit(url).path == (request or self.request).path:
            return ""
        return url
