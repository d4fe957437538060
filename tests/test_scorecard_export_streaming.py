"""The position CSV starts downloading before its rows are read (time to first byte)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interviews.pages.exports import CSV_COLUMNS
from tests.factories import make_position, make_session
from tests.scorecard_data import card_of, finish, score

pytestmark = pytest.mark.django_db


def test_the_csv_header_goes_out_before_any_query_and_the_rows_follow(
    client_for, interviewer, manager, django_assert_num_queries
):
    position = make_position(manager)
    for name in ("Ada Streamed", "Grace Streamed"):
        session = make_session(panel=[interviewer], position=position, candidate_name=name, count=2)
        card = card_of(session, interviewer)
        score(card, [3, 4])
        finish(card)

    response = client_for(manager).get(
        reverse("interviews:position_export_csv", args=[position.pk])
    )
    assert response.streaming
    chunks = iter(response.streaming_content)
    with django_assert_num_queries(0):
        first = next(chunks)
    assert first == (",".join(CSV_COLUMNS) + "\r\n").encode()
    rest = b"".join(chunks).decode()
    assert rest.count("\r\n") == 4
    assert "Ada Streamed" in rest and "Grace Streamed" in rest


def test_an_empty_position_exports_the_header_alone(client_for, manager):
    position = make_position(manager)
    response = client_for(manager).get(
        reverse("interviews:position_export_csv", args=[position.pk])
    )
    assert b"".join(response.streaming_content).decode() == ",".join(CSV_COLUMNS) + "\r\n"
