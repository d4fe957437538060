"""A GET changes nothing: every page of the interviews app, opened by everyone who may open
it, leaves every row of the database as it was (issue 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from interviews import urls as interview_urls
from interviews.models import QuestionRecord, Scorecard
from tests.factories import complete_and_score, make_position, make_session, make_template, seat
from tests.scorecard_data import card_of, finish, score

pytestmark = pytest.mark.django_db

# The tables a page could move: everything the two apps own, and the users.
SNAPSHOT_APPS = ("interviews", "questions")


def snapshot() -> dict[str, list[dict[str, Any]]]:
    models = [m for label in SNAPSHOT_APPS for m in apps.get_app_config(label).get_models()]
    models.append(apps.get_model("auth", "User"))
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


@pytest.fixture
def world(interviewer, interviewer2, manager, admin_user):
    position = make_position(manager)
    template = make_template(count=3)
    live = make_session(panel=[interviewer, interviewer2], position=position, template=template)
    card = card_of(live, interviewer)
    client = Client()
    client.force_login(interviewer)
    # The interviewer is on question 1 with its clock running, as runner.js leaves it.
    assert client.post(reverse("interviews:runner_visit", args=[live.pk, 1])).status_code == 204
    score(card, [2])
    # A co-panelist's ad-hoc prompt with an image pointing at a runner URL.
    trap = reverse("interviews:runner_question", args=[live.pk, 3])
    live.add_ad_hoc_question(
        title="Trap",
        prompt=f"Look: ![clock]({trap}) and ![x](https://tracker.example/p.png)",
        minutes=5,
        added_by=interviewer2,
        save_to_bank=True,
    )
    done = make_session(panel=[interviewer, interviewer2], position=position, template=template)
    for user in (interviewer, interviewer2):
        done_card = card_of(done, user)
        score(done_card, [3, 2, 4])
        complete_and_score(done, done_card)
        finish(done_card)
    return {
        "member": seat(position, interviewer2),
        "live": live,
        "done": done,
        "position": position,
        "template": template,
        "users": [interviewer, interviewer2, manager, admin_user],
    }


def urls_of(world) -> list[str]:
    """Every URL of the interviews app, with real ids (the runner's on the live session),
    and the bank's pages."""
    values = {
        "session_id": world["live"].pk,
        "order": 1,
        "position_id": world["position"].pk,
        "template_id": world["template"].pk,
        "item_id": world["template"].items.first().pk,
        "scorecard_id": Scorecard.objects.filter(session=world["done"]).first().pk,
        "candidate_id": world["done"].candidate_id,
        "member_id": world["member"].pk,
        "user_id": world["users"][0].pk,
        "question_id": world["template"].items.first().question_id,
    }
    found = []
    for pattern in interview_urls.urlpatterns:
        names = list(pattern.pattern.regex.groupindex)
        kwargs = {name: values[name] for name in names}
        found.append(reverse(f"interviews:{pattern.name}", kwargs=kwargs))
        if "session_id" in kwargs:  # the finished session's pages too
            found.append(
                reverse(
                    f"interviews:{pattern.name}", kwargs={**kwargs, "session_id": world["done"].pk}
                )
            )
        if "order" in kwargs:  # another question than the current one
            found.append(reverse(f"interviews:{pattern.name}", kwargs={**kwargs, "order": 3}))
    bank = world["template"].items.first().question
    found += [reverse("interviews:home"), reverse("questions:list"), bank.get_absolute_url()]
    return found


def test_every_get_of_the_interviews_app_leaves_every_row_as_it_was(world):
    urls = urls_of(world)
    assert len(urls) > 40
    clients = []
    for user in world["users"]:
        client = Client()
        client.force_login(user)  # signing in writes last_login: before the snapshot
        clients.append(client)
    before = snapshot()
    answered = 0
    for client in clients:
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            answered += response.status_code == 200
    assert answered > 20  # the pages really rendered, for the users who may see them
    after = snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == [], f"a GET changed {changed}"


def test_the_trap_image_is_not_rendered_so_it_cannot_move_the_clock(world, interviewer):
    client = Client()
    client.force_login(interviewer)
    live = world["live"]
    html = client.get(reverse("interviews:runner_question", args=[live.pk, 4])).content.decode()
    assert "Look:" in html
    assert "<img" not in html
    assert "[image: clock]" in html
    assert "tracker.example" not in html
    on_one = QuestionRecord.objects.get(
        scorecard__session=live, scorecard__interviewer=interviewer, session_question__order=1
    )
    assert on_one.entered_at is not None  # still on question 1, clock running
