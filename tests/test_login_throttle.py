"""Login throttling: 5 failures for an account or from an address lock sign-in with a 429."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings

from intervy.throttle import client_ip_address
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "not-the-password"


def sign_in(client: Client, username: str, password: str, address: str = "127.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def assert_locked_out(response) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "Try again in 15 minutes" in page


@pytest.mark.django_db
def test_four_failures_still_show_the_wrong_password_form(client, interviewer):
    for _ in range(4):
        response = sign_in(client, "interviewer", WRONG)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_after_five_failures_for_an_account_even_the_right_password_gets_429(client, interviewer):
    # From five different addresses, so only the account's count can be what locks it.
    for n in range(5):
        sign_in(client, "interviewer", WRONG, address=f"198.51.100.{n}")
    response = sign_in(client, "interviewer", PASSWORD, address="198.51.100.99")
    assert_locked_out(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_after_five_failures_from_an_address_any_account_gets_429(client, interviewer, manager):
    for n in range(5):
        sign_in(client, f"guess{n}", WRONG, address="203.0.113.7")
    assert_locked_out(sign_in(client, "manager", PASSWORD, address="203.0.113.7"))
    # Another address and account are untouched.
    assert sign_in(client, "interviewer", PASSWORD, address="203.0.113.8").status_code == 302


@pytest.mark.django_db
def test_the_counts_live_in_the_database_so_every_process_sees_them(interviewer):
    for n in range(5):
        # A fresh client per attempt: nothing carried in a session or a process's memory.
        sign_in(Client(), "interviewer", WRONG, address=f"192.0.2.{n}")
    failures = sum(
        AccessAttempt.objects.filter(username="interviewer").values_list(
            "failures_since_start", flat=True
        )
    )
    assert failures == 5
    assert_locked_out(sign_in(Client(), "interviewer", PASSWORD, address="192.0.2.200"))


@pytest.mark.django_db
def test_a_successful_sign_in_resets_the_count(client, interviewer):
    for _ in range(4):
        sign_in(client, "interviewer", WRONG)
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert sign_in(client, "interviewer", WRONG).status_code == 200
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_sign_in_is_throttled_too(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": WRONG})
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert_locked_out(response)


@pytest.mark.django_db
@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_the_address_the_proxy_saw_is_counted(client, interviewer):
    # A client can put anything at the left of X-Forwarded-For; our proxy appends the real one.
    for n in range(5):
        sign_in(
            client,
            f"guess{n}",
            WRONG,
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.50",
        )
    locked = sign_in(
        client, "interviewer", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert_locked_out(locked)
    other = sign_in(
        client, "interviewer", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert other.status_code == 302


def test_without_a_proxy_forwarded_for_is_ignored(rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip_address(request) == "192.0.2.1"


@pytest.mark.django_db
def test_the_test_clients_login_still_works_with_throttling_on(client, interviewer):
    # Other tests may use Client.login(), which authenticates without a request.
    assert client.login(username="interviewer", password=PASSWORD)
    assert client.get("/").status_code == 200
