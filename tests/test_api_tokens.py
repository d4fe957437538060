"""Personal access tokens: stored hashed, shown once, expiring, revocable, scoped, rate limited."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.models import ApiRateWindow, ApiToken
from api.tokens import issue_token

SESSIONS = "/api/v1/sessions/"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_only_the_hash_of_the_secret_is_stored(interviewer):
    issued = issue_token(user=interviewer, name="ATS")
    stored = ApiToken.objects.get()
    assert stored.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(ApiToken.objects.values().get())


def test_the_settings_page_shows_a_new_token_once(client_for, interviewer):
    client = client_for(interviewer)
    response = client.post(
        "/settings/tokens/", {"name": "Calendar sync", "scope": "write", "expires": "30"}
    )
    html = response.content.decode()
    token = ApiToken.objects.get(user=interviewer)
    secret = html.split('<code class="secret">')[1].split("</code>")[0]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert response["Cache-Control"] == "private, no-store"
    listing = client.get("/settings/tokens/").content.decode()
    assert "Calendar sync" in listing and secret not in listing
    assert client.get(SESSIONS, headers=bearer(secret)).status_code == 200
    assert token.expires_at - timezone.now() > timedelta(days=29)


def test_the_page_refuses_a_token_without_a_name(client_for, interviewer):
    response = client_for(interviewer).post(
        "/settings/tokens/", {"name": "", "scope": "read", "expires": "30"}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page_stops_the_token(client_for, client, interviewer):
    issued = issue_token(user=interviewer, name="Old")
    page = client_for(interviewer)
    response = page.post(f"/settings/tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 302
    page.logout()
    assert client.get(SESSIONS, headers=bearer(issued.secret)).status_code == 401
    page.force_login(interviewer)
    assert "Revoked" in page.get("/settings/tokens/").content.decode()


def test_no_one_revokes_another_users_token(client_for, interviewer, interviewer2):
    issued = issue_token(user=interviewer, name="Mine")
    response = client_for(interviewer2).post(f"/settings/tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_an_expired_token_is_refused(client, interviewer):
    issued = issue_token(
        user=interviewer, name="Short", expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(SESSIONS, headers=bearer(issued.secret)).status_code == 401


def test_a_deactivated_users_token_is_refused(client, interviewer):
    issued = issue_token(user=interviewer, name="T")
    interviewer.is_active = False
    interviewer.save()
    assert client.get(SESSIONS, headers=bearer(issued.secret)).status_code == 401


def test_the_token_acts_as_its_user_and_sets_last_used(client, interviewer, stranger):
    issued = issue_token(user=stranger, name="T")
    response = client.get("/api/v1/templates/", headers=bearer(issued.secret))
    assert response.status_code == 403  # a user with no role, as on the pages
    assert ApiToken.objects.get().last_used_at is not None


def test_token_calls_need_no_csrf_and_no_cookie(interviewer):
    from django.test import Client

    issued = issue_token(user=interviewer, name="T", scope="write")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/v1/categories/",
        data="{}",
        content_type="application/json",
        headers=bearer(issued.secret),
    )
    assert response.status_code in (400, 403)
    assert "csrf" not in response.content.decode().lower()
    assert "sessionid" not in response.cookies


def test_past_the_limit_it_answers_429_with_retry_after(client, interviewer, settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_WINDOW_SECONDS = 60
    issued = issue_token(user=interviewer, name="T")
    other = issue_token(user=interviewer, name="Other")
    statuses = [client.get(SESSIONS, headers=bearer(issued.secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(SESSIONS, headers=bearer(issued.secret))
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    # Per token: another token of the same user is not limited by it.
    assert client.get(SESSIONS, headers=bearer(other.secret)).status_code == 200
    assert ApiRateWindow.objects.get(token=issued.token).count == 5


def test_the_command_prints_a_working_token(client, interviewer):
    out = StringIO()
    call_command("create_api_token", "interviewer", "--scopes", "read,write", stdout=out)
    secret = out.getvalue().strip()
    assert ApiToken.objects.get().may_write
    assert client.get(SESSIONS, headers=bearer(secret)).status_code == 200


def test_the_command_refuses_an_unknown_scope(interviewer):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "interviewer", "--scopes", "admin")
