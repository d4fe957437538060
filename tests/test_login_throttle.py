"""Login throttling: a (username, address) pair is locked after 5 failures, an address after 50.

A lock answers 429 with Retry-After; any username, of any length or bytes, is a normal
failed sign-in; a success clears only its own pair's failures.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, override_settings

from intervy.throttle import client_ip_address
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "not-the-password"
WRONG_PASSWORD_TEXT = "Please enter a correct username and password"


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


def assert_wrong_password_page(response) -> None:
    assert response.status_code == 200
    assert WRONG_PASSWORD_TEXT in response.content.decode()


def age_attempts(minutes: int) -> None:
    """Every recorded failure happened `minutes` earlier than recorded."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_four_failures_still_show_the_wrong_password_form(client, interviewer):
    for _ in range(4):
        assert_wrong_password_page(sign_in(client, "interviewer", WRONG))


@pytest.mark.django_db
def test_five_failures_lock_that_username_at_that_address_even_with_the_right_password(
    client, interviewer
):
    for _ in range(5):
        sign_in(client, "interviewer", WRONG, address="198.51.100.7")
    assert_locked_out(sign_in(client, "interviewer", PASSWORD, address="198.51.100.7"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_stranger_elsewhere_cannot_lock_out_a_colleague(client, manager):
    # Twenty wrong passwords for `manager` from a stranger's address...
    for _ in range(20):
        sign_in(Client(), "manager", WRONG, address="203.0.113.66")
    assert_locked_out(sign_in(Client(), "manager", PASSWORD, address="203.0.113.66"))
    # ...and the manager, at their own desk, signs in as usual.
    response = sign_in(client, "manager", PASSWORD, address="192.0.2.10")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_locked_pair_leaves_other_accounts_at_the_same_address_alone(client, interviewer):
    for _ in range(5):
        sign_in(Client(), "manager", WRONG, address="198.51.100.8")
    assert sign_in(client, "interviewer", PASSWORD, address="198.51.100.8").status_code == 302


# Unknown usernames are still hashed against (to take as long as a known one); a fast
# default hasher keeps fifty of them quick. The interviewer's Argon2 hash still verifies.
FAST_UNKNOWN_USERS = override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
)


@pytest.mark.django_db
@FAST_UNKNOWN_USERS
def test_fifty_failures_from_one_address_lock_every_account_there(client, interviewer):
    for n in range(49):
        sign_in(Client(), f"guess{n}", WRONG, address="203.0.113.7")
    # 49 failures over 49 names: still a normal form.
    assert_wrong_password_page(sign_in(Client(), "nobody", "x", address="203.0.113.8"))
    assert sign_in(Client(), "interviewer", PASSWORD, address="203.0.113.7").status_code == 302
    sign_in(Client(), "guess49", WRONG, address="203.0.113.7")
    assert_locked_out(sign_in(Client(), "interviewer", PASSWORD, address="203.0.113.7"))
    # Another address is untouched.
    assert sign_in(client, "interviewer", PASSWORD, address="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_the_fifth_failure_itself_answers_429(client, interviewer):
    for _ in range(4):
        assert_wrong_password_page(sign_in(client, "interviewer", WRONG))
    assert_locked_out(sign_in(client, "interviewer", WRONG))


@pytest.mark.django_db
def test_the_lock_ends_fifteen_minutes_after_the_last_failure(client, interviewer):
    for _ in range(5):
        sign_in(client, "interviewer", WRONG)
    age_attempts(16)
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_each_further_failure_restarts_the_clock(client, interviewer):
    for _ in range(5):
        sign_in(client, "interviewer", WRONG)
    age_attempts(10)
    # Another attempt while locked: still 429, and the fifteen minutes start again.
    assert_locked_out(sign_in(client, "interviewer", WRONG))
    age_attempts(10)
    # Twenty minutes after the fifth failure, ten after the last one: still locked (and
    # an attempt during the lock counts, whatever the password: the page says to wait).
    assert_locked_out(sign_in(client, "interviewer", PASSWORD))
    age_attempts(16)
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_clears_only_that_users_failures_not_the_addresss(
    client, interviewer, admin_user
):
    # An insider tries four passwords on `admin`, then signs in as themselves...
    for _ in range(4):
        assert_wrong_password_page(sign_in(client, "admin", WRONG))
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    # ...which does not give them four more tries: the fifth locks `admin` here.
    assert_locked_out(sign_in(client, "admin", WRONG))
    assert_locked_out(sign_in(client, "admin", PASSWORD))


@pytest.mark.django_db
def test_a_success_clears_the_users_own_failures(client, interviewer):
    for _ in range(4):
        sign_in(client, "interviewer", WRONG)
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert_wrong_password_page(sign_in(client, "interviewer", WRONG))
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_counts_live_in_the_database_so_every_process_sees_them(interviewer):
    for _ in range(5):
        # A fresh client per attempt: nothing carried in a session or a process's memory.
        sign_in(Client(), "interviewer", WRONG, address="192.0.2.1")
    failures = sum(
        AccessAttempt.objects.filter(username="interviewer").values_list(
            "failures_since_start", flat=True
        )
    )
    assert failures == 5
    assert_locked_out(sign_in(Client(), "interviewer", PASSWORD, address="192.0.2.1"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username",
    [
        "a" * 256,
        "b" * 100_000,
        "é" * 300,
        "inter\x00viewer",
        "\x00",
        "😀" * 200,
        " ",
    ],
    ids=["256-chars", "100k-chars", "300-accents", "nul-inside", "only-nul", "emoji", "space"],
)
def test_any_username_is_a_normal_failed_sign_in(client, interviewer, username):
    # The sign-in form again, saying what any wrong sign-in says.
    assert_wrong_password_page(sign_in(client, username, WRONG))
    assert "_auth_user_id" not in client.session
    # And the account it resembles is untouched.
    assert sign_in(client, "interviewer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_invalid_utf8_and_nul_bytes_in_the_raw_form_are_a_normal_failed_sign_in(client):
    response = client.post(
        LOGIN,
        b"username=%FF%FE%00admin%C0%AF&password=%FF",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


@pytest.mark.django_db
def test_a_huge_username_is_still_counted_and_locked(client):
    huge = "z" * 5_000
    for _ in range(4):
        assert_wrong_password_page(sign_in(client, huge, WRONG))
    assert_locked_out(sign_in(client, huge, WRONG))
    # Stored under a short digest, so the column never overflows.
    stored = AccessAttempt.objects.get().username
    assert len(stored) < 100
    assert stored != huge[: len(stored)]


@pytest.mark.django_db
def test_a_long_username_on_the_admin_sign_in_is_a_normal_failure(client):
    response = client.post("/admin/login/", {"username": "a" * 300, "password": WRONG})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


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
            "interviewer",
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
    home = client.get("/")
    assert home.status_code == 200
    assert "Welcome, Interviewer" in home.content.decode()
