"""The session user arrives with its role groups in the same query."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from intervy.auth import user_with_groups
from intervy.roles import is_hiring_manager, is_interviewer


@pytest.mark.django_db
def test_the_user_is_loaded_with_their_role_groups_in_one_query(
    interviewer, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = user_with_groups(interviewer.pk)
        assert is_interviewer(user)
        assert not is_hiring_manager(user)


@pytest.mark.django_db
def test_a_role_granted_in_the_admin_counts_on_the_next_request(client, stranger):
    client.force_login(stranger)
    refused = client.get(reverse("questions:list"))
    assert refused.status_code == 403
    assert "<h1>Not allowed</h1>" in refused.content.decode()
    # get_or_create: a transactional test elsewhere may have flushed the migration's groups.
    stranger.groups.add(Group.objects.get_or_create(name="Interviewers")[0])
    bank = client.get(reverse("questions:list"))
    assert bank.status_code == 200
    assert "<h1>Question bank</h1>" in bank.content.decode()


@pytest.mark.django_db
def test_a_deactivated_user_is_signed_out(client, interviewer):
    client.force_login(interviewer)
    interviewer.is_active = False
    interviewer.save()
    response = client.get(reverse("questions:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
