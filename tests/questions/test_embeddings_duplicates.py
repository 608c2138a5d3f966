"""The duplicate workflow: a member flags "duplicate of" picking the original
among the similar questions; a moderator sees both side by side in the admin
and merges them in one action (the existing merge)."""

import re

import pytest
from django.urls import reverse

from questions.models import Flag, FlagReason, FlagStatus, Question, Status
from tests.factories import AnswerFactory, QuestionFactory
from tests.questions.admin_helpers import act, changelist

pytestmark = pytest.mark.django_db
ORIGINAL = "Why is the validation loss lower than the training loss?"
REPEAT = "Why can validation loss be below training loss?"


@pytest.fixture
def pair(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        original = QuestionFactory(title=ORIGINAL, body="Seen with **dropout** on.")
        repeat = QuestionFactory(title=REPEAT, body="My curves cross early.")
        QuestionFactory(title="How do you choose the number of clusters in k-means?")
    return original, repeat


def flag_page(client, question) -> str:
    response = client.get(reverse("flag"), {"target": "question", "id": question.pk})
    assert response.status_code == 200
    return response.content.decode()


def test_the_flag_form_offers_the_similar_questions_as_the_original(client, member, pair):
    original, repeat = pair
    client.force_login(member)
    html = flag_page(client, repeat)
    choices = re.findall(r'<input type="radio" name="original_pick" value="(\d+)">', html)
    assert choices[0] == str(original.pk)
    assert str(repeat.pk) not in choices  # never itself
    response = client.post(
        reverse("flag"),
        {
            "target": "question",
            "id": repeat.pk,
            "reason": FlagReason.DUPLICATE,
            "original_pick": original.pk,
            "note": "",
        },
    )
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.question, flag.duplicate_of) == (repeat, original)


def test_a_typed_address_still_wins_over_nothing_picked(client, member, pair):
    original, repeat = pair
    client.force_login(member)
    data = {"target": "question", "id": repeat.pk, "reason": FlagReason.DUPLICATE}
    response = client.post(reverse("flag"), {**data, "original": f"/questions/{original.pk}/"})
    assert response.status_code == 302
    assert Flag.objects.get().duplicate_of == original


def test_moderators_see_the_pair_side_by_side_and_merge_in_one_action(
    mod_client, member, pair, django_capture_on_commit_callbacks
):
    original, repeat = pair
    AnswerFactory(question=repeat, body="Dropout is off at evaluation time.")
    flag = Flag.objects.create(
        reporter=member, question=repeat, reason=FlagReason.DUPLICATE, duplicate_of=original
    )
    page = mod_client.get(reverse("admin:questions_flag_change", args=[flag.pk])).content.decode()
    table = page[page.index('<table class="side-by-side">') :]
    assert table.index(REPEAT) < table.index(ORIGINAL)
    assert "<strong>dropout</strong>" in table  # the original's rendered body
    assert re.search(r"cosine similarity 0\.\d\d", table)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(mod_client, Flag, "merge_into_original", [flag])
    assert "1 question merged into the original." in response.content.decode()
    repeat.refresh_from_db()
    assert repeat.status == Status.HIDDEN
    assert repeat.merged_into == original
    assert original.answers.filter(body="Dropout is off at evaluation time.").exists()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    # Its address now leads to the original.
    assert mod_client.get(repeat.get_absolute_url()).url == original.get_absolute_url()


def test_the_merge_action_skips_flags_that_are_not_duplicates(mod_client, member, pair):
    _original, repeat = pair
    flag = Flag.objects.create(reporter=member, question=repeat, reason=FlagReason.SPAM)
    response = act(mod_client, Flag, "merge_into_original", [flag])
    assert "0 questions merged" in response.content.decode()
    assert Question.objects.get(pk=repeat.pk).status == Status.PUBLISHED
    assert mod_client.get(changelist(Flag)).status_code == 200
