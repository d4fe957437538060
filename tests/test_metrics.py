"""Prometheus metrics: served to the configured scraper and to staff, a 404 to anyone else."""

from __future__ import annotations

import pytest
from django.test import override_settings

from intervy.metrics import may_read_metrics


@pytest.mark.django_db
@override_settings(METRICS_ALLOWED_IPS=["10.1.2.3"])
def test_the_scraper_address_reads_the_request_metrics(client):
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "django_http_requests_total_by_method_total" in body
    assert 'django_http_responses_total_by_status_total{status="200"}' in body


@pytest.mark.django_db
def test_a_staff_user_reads_the_metrics_from_anywhere(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/metrics", REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 200
    assert "django_http_requests_latency_seconds_by_view_method" in response.content.decode()


@pytest.mark.django_db
@override_settings(METRICS_ALLOWED_IPS=["10.1.2.3"])
def test_anyone_else_gets_a_plain_404(client, interviewer):
    anonymous = client.get("/metrics", REMOTE_ADDR="198.51.100.20")
    client.force_login(interviewer)
    signed_in = client.get("/metrics", REMOTE_ADDR="198.51.100.20")
    for response in (anonymous, signed_in):
        assert response.status_code == 404
        assert "django_http" not in response.content.decode()


@pytest.mark.django_db
def test_by_default_not_even_localhost_is_trusted(client):
    # Behind a reverse proxy on the same host every visitor arrives from 127.0.0.1.
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 404
    assert "django_http" not in response.content.decode()


def test_the_scraper_check_reads_remote_addr_not_forwarded_headers(rf):
    with override_settings(METRICS_ALLOWED_IPS=["10.1.2.3"]):
        spoofed = rf.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.1.2.3")
        assert may_read_metrics(spoofed) is False
