"""Single sign-on in a real browser, through a real OpenID provider, and signing out of both.

Debian's Chromium through Playwright against Django's live server, and tests/oidc/provider.mjs
(the npm `oidc-provider`) with its own login and consent pages, on another loopback origin.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from intervy.roles import ADMINS, is_admin
from tests.conftest import sso_settings_for
from tests.sso_provider import ACCOUNTS, start_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser_provider(live_server):
    """A provider that knows Intervy at the live server's address."""
    provider = start_provider(app_base_urls=[live_server.url])
    yield provider
    provider.stop()


@pytest.fixture
def sso_page(page: Page, settings, browser_provider) -> Page:
    sso_settings_for(settings, browser_provider)
    page.set_default_timeout(15_000)
    return page


def sign_in_at_the_provider(page: Page, login: str) -> None:
    expect(page.get_by_role("heading", name="Test IdP sign-in")).to_be_visible()
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(ACCOUNTS[login]["password"])
    page.get_by_role("button", name="Sign in to Test IdP").click()
    expect(page.get_by_role("heading", name="Authorize")).to_be_visible()
    page.get_by_role("button", name="Allow").click()


def test_sign_in_through_the_provider_lands_with_the_mapped_role_and_signs_out_of_both(
    sso_page: Page, live_server, browser_provider
):
    page = sso_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(browser_provider.issuer)}/interaction/"))

    sign_in_at_the_provider(page, "grace")

    expect(page).to_have_url(f"{live_server.url}/")
    header = page.locator("header.topbar")
    expect(header).to_contain_text("grace")
    # "Admins" in the provider's groups claim: the admin's link is in the navigation.
    expect(header.get_by_role("link", name="Admin")).to_be_visible()
    grace = User.objects.get(username="grace")
    assert grace.groups.filter(name=ADMINS).exists() and is_admin(grace)

    header.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign out of Test IdP?")).to_be_visible()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to Intervy")).to_be_visible()

    # Signed out of Intervy: its pages send the browser to sign in again.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    # And of the provider: it asks for the password again instead of signing straight in.
    page.get_by_role("link", name="Sign in with Test IdP").click()
    expect(page.get_by_role("heading", name="Test IdP sign-in")).to_be_visible()


def test_a_refused_sign_in_shows_why_in_the_browser(
    sso_page: Page, live_server, settings, browser_provider
):
    sso_settings_for(settings, browser_provider, OIDC_CREATE_USER=False)
    page = sso_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    sign_in_at_the_provider(page, "ada")

    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        "There is no Intervy account for ada@example.com"
    )
    page.get_by_role("link", name="Back to the sign-in page").click()
    expect(page.get_by_role("heading", name="Sign in to Intervy")).to_be_visible()
