"""The inbox, the header's unread count, and who may mark what read."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Event, Kind, Notification
from questions.services import moderation
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory, UserFactory

HTMX = {"HX-Request": "true"}


def notify(recipient, *, actor=None, comment=None, answer=None, question=None, read=False):
    answer = answer or (comment.answer if comment else None)
    question = question or (answer.question if answer else None)
    return Notification.objects.create(
        recipient=recipient,
        actor=actor,
        event=Event.COMMENT_ON_ANSWER if comment else Event.ANSWER_TO_QUESTION,
        kind=Kind.COMMENT if comment else Kind.ANSWER,
        question=question,
        answer=answer,
        comment=comment,
        read_at=timezone.now() if read else None,
    )


def test_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_inbox_lists_newest_first_grouped_by_question_with_unread_marked(
    client, member, other_member
):
    first, second = QuestionFactory(title="About dropout?"), QuestionFactory(title="About L2?")
    old = notify(member, actor=other_member, answer=AnswerFactory(question=first), read=True)
    notify(member, actor=other_member, answer=AnswerFactory(question=second))
    newest = notify(member, actor=other_member, comment=CommentFactory(answer=old.answer))
    client.force_login(member)
    response = client.get(reverse("inbox"))
    html = response.content.decode()
    groups = response.context["groups"]
    assert [g.title for g in groups] == ["About dropout?", "About L2?"]
    assert [n.pk for n in groups[0].items] == [newest.pk, old.pk]
    assert html.count('class="unread-mark"') == 2
    assert f"{other_member.public_name} commented on your answer." in html
    assert "Worth mentioning *early stopping* too." in html  # the excerpt


def test_a_hidden_comment_leaks_nothing_into_the_inbox(client, member, other_member, moderator):
    comment = CommentFactory(body="Secret rude words", answer=AnswerFactory(author=member))
    notify(member, actor=other_member, comment=comment)
    moderation.hide(moderator=moderator, target=comment, reason="Rude")
    client.force_login(member)
    html = client.get(reverse("inbox")).content.decode()
    assert "commented on your answer" in html
    assert "Secret rude words" not in html


def test_a_hidden_question_keeps_its_title_from_other_members(
    client, member, other_member, moderator
):
    question = QuestionFactory(title="A title that was hidden", submitted_by=other_member)
    notify(member, actor=other_member, answer=AnswerFactory(question=question))
    moderation.hide(moderator=moderator, target=question, reason="Spam")
    client.force_login(member)
    html = client.get(reverse("inbox")).content.decode()
    assert "A title that was hidden" not in html
    assert "no longer public" in html


def test_opening_a_notification_marks_it_read_and_goes_to_the_exact_place(client, member):
    comment = CommentFactory()
    n = notify(member, comment=comment)
    client.force_login(member)
    expected = f"{comment.answer.question.get_absolute_url()}#comment-{comment.pk}"
    # An e-mail's link: there, and nothing changes (a GET).
    response = client.get(reverse("notification_open", args=[n.pk]))
    assert (response.status_code, response["Location"]) == (302, expected)
    n.refresh_from_db()
    assert n.read_at is None
    # The inbox's button: read, and there.
    assert (
        f'action="{reverse("notification_open", args=[n.pk])}"'
        in client.get(reverse("inbox")).content.decode()
    )
    response = client.post(reverse("notification_open", args=[n.pk]))
    assert (response.status_code, response["Location"]) == (302, expected)
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_answer_notification_goes_to_the_answers_anchor(client, member):
    answer = AnswerFactory()
    n = notify(member, answer=answer)
    client.force_login(member)
    location = client.get(reverse("notification_open", args=[n.pk]))["Location"]
    assert location == f"{answer.question.get_absolute_url()}#answer-{answer.pk}"


@pytest.mark.parametrize("name", ["notification_open", "notification_read"])
def test_someone_elses_notification_is_a_404(client, member, other_member, name):
    n = notify(other_member, answer=AnswerFactory())
    client.force_login(member)
    if name == "notification_open":
        assert client.get(reverse(name, args=[n.pk])).status_code == 404
    assert client.post(reverse(name, args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_one_and_mark_all_read(client, member, other_member):
    answer = AnswerFactory()
    one, *_ = (notify(member, answer=answer) for _ in range(3))
    theirs = notify(other_member, answer=answer)
    client.force_login(member)
    assert client.post(reverse("notification_read", args=[one.pk])).status_code == 302
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 2
    client.post(reverse("inbox_mark_all_read"))
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None  # only one's own


def test_the_header_shows_the_unread_count_and_htmx_polls_it(client, member):
    answer = AnswerFactory()
    client.force_login(member)
    page = client.get(reverse("home")).content.decode()
    assert 'id="inbox-link"' in page
    assert 'id="unread-count"' not in page
    assert 'hx-trigger="every 60s"' in page
    notify(member, answer=answer)
    notify(member, answer=answer)
    notify(member, answer=answer, read=True)
    fragment = client.get(reverse("inbox_count"), headers=HTMX)
    html = fragment.content.decode()
    assert '<span class="unread-count" id="unread-count">2</span>' in html
    assert "<html" not in html
    page = client.get(reverse("home")).content.decode()  # without JavaScript: on every page
    assert '<span class="unread-count" id="unread-count">2</span>' in page


def test_visitors_have_no_inbox_link(client, db):
    assert 'id="inbox-link"' not in client.get(reverse("home")).content.decode()


def test_the_inbox_is_paginated(client, member, settings):
    settings.MLQA_NOTIFICATIONS_PER_PAGE = 3
    answer = AnswerFactory()
    for _ in range(7):
        notify(member, answer=answer)
    client.force_login(member)
    response = client.get(reverse("inbox"), {"page": 3})
    assert sum(len(g.items) for g in response.context["groups"]) == 1
    assert "Page 3 of 3" in response.content.decode()


@pytest.mark.parametrize("size", [2, 25])
def test_inbox_query_count_is_constant(client, member, django_assert_num_queries, size):
    """Session, user, count, page (with actor, question, answer, comment joined),
    the header's unread count: five, whatever the data."""
    for _ in range(size):
        actor = UserFactory()
        comment = CommentFactory(answer=AnswerFactory(question=QuestionFactory()), author=actor)
        notify(member, actor=actor, comment=comment)
    client.force_login(member)
    client.get(reverse("inbox"))
    with django_assert_num_queries(5):
        assert client.get(reverse("inbox")).status_code == 200


@pytest.mark.parametrize("size", [0, 40])
def test_the_header_count_is_one_query(client, member, django_assert_num_queries, size):
    answer = AnswerFactory()
    for _ in range(size):
        notify(member, answer=answer)
    client.force_login(member)
    with django_assert_num_queries(3):  # session, user, the count
        client.get(reverse("inbox_count"), headers=HTMX)


def test_comment_through_the_site_reaches_the_inbox(client, member, other_member, after_commit):
    answer = AnswerFactory(author=other_member)
    client.force_login(member)
    with after_commit():
        client.post(reverse("answer_comments", args=[answer.pk]), {"body": "Nice answer, thanks!"})
    client.force_login(other_member)
    html = client.get(reverse("home")).content.decode()
    assert '<span class="unread-count" id="unread-count">1</span>' in html


def test_signed_out_meanwhile_the_poll_stops_without_leaving_the_page(client, db):
    response = client.get(reverse("inbox_count"), headers=HTMX)
    assert response.status_code == 286  # htmx: stop polling
    assert response.content == b""
    assert "HX-Redirect" not in response


def test_only_what_the_actor_wrote_is_quoted(client, member, other_member):
    answer = AnswerFactory(author=member, body="My own answer text, not news to me.")
    Notification.objects.create(
        recipient=member,
        actor=other_member,
        event=Event.VERDICT,
        kind=Kind.VERDICT,
        question=answer.question,
        answer=answer,
    )
    client.force_login(member)
    html = client.get(reverse("inbox")).content.decode()
    assert "left a verdict note on your answer" in html
    assert "My own answer text" not in html
