"""E-mail: instant and digest, settings, unsubscribe links, verified addresses only."""

import re
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from notifications import mail as notification_mail
from notifications.models import Delivery, EmailSetting, Event, Kind, Notification
from notifications.preferences import choose, settings_of
from questions import services
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory, UserFactory

from .conftest import verified

NOW = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def propose(after_commit, answer, by):
    with after_commit():
        return services.propose_answer(user=by, answer=answer, body="Better text.", reason="Fix")


def test_an_instant_mail_with_a_link_and_one_click_unsubscribe(
    after_commit, answer, answerer, member
):
    verified(answerer)
    propose(after_commit, answer, member)  # proposals come at once by default
    (message,) = mail.outbox
    assert message.to == [answerer.email]
    assert (
        message.subject == f"[MLQA] {member.public_name} proposed a better version of your answer"
    )
    notification = Notification.objects.get(recipient=answerer)
    assert f"http://127.0.0.1:8000/inbox/{notification.pk}/" in message.body
    unsubscribe = re.search(r"Stop these e-mails \(one click\): (\S+)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nothing_goes_to_an_unverified_address(after_commit, answer, answerer, member):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=answerer, email=answerer.email, verified=False, primary=True)
    propose(after_commit, answer, member)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=answerer).exists()  # the inbox still has it


def test_off_sends_nothing_and_instant_sends_at_once(after_commit, answer, answerer, member):
    verified(answerer)
    choose(user=answerer, choices={Kind.PROPOSAL: Delivery.OFF, Kind.COMMENT: Delivery.INSTANT})
    propose(after_commit, answer, member)
    assert mail.outbox == []
    with after_commit():
        services.add_comment(author=member, answer=answer, body="Short comment here.")
    (message,) = mail.outbox
    assert "commented on your answer" in message.subject
    assert "Short comment here." in message.body


def test_the_settings_page_saves_a_choice_per_kind(client, member):
    client.force_login(member)
    page = client.get(reverse("profile_settings")).content.decode()
    assert 'id="email-settings"' in page
    assert Kind.MENTION.label in page
    data = dict.fromkeys(Kind.values, Delivery.DIGEST) | {Kind.MENTION: Delivery.OFF}
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 302
    assert settings_of(member)[Kind.MENTION] == Delivery.OFF
    assert settings_of(member)[Kind.PROPOSAL] == Delivery.DIGEST


def test_a_bad_setting_is_refused_with_a_message(client, member):
    client.force_login(member)
    response = client.post(reverse("notification_settings"), {"mention": "hourly"}, follow=True)
    assert "Choose one of the offered options" in response.content.decode()
    assert not EmailSetting.objects.exists()


def _notification(user, *, at, question, event=Event.ANSWER_TO_QUESTION, **extra):
    n = Notification.objects.create(
        recipient=user,
        event=event,
        kind={Event.ANSWER_TO_QUESTION: Kind.ANSWER, Event.COMMENT_ON_ANSWER: Kind.COMMENT}[event],
        question=question,
        answer=extra.pop("answer", None) or AnswerFactory(question=question),
        **extra,
    )
    Notification.objects.filter(pk=n.pk).update(created_at=at)
    return n


def test_the_daily_digest_groups_unread_notifications_by_question(member, other_member):
    verified(member)
    dropout, l2 = QuestionFactory(title="About dropout?"), QuestionFactory(title="About L2?")
    _notification(member, at=NOW - timedelta(hours=20), question=dropout, actor=other_member)
    _notification(member, at=NOW - timedelta(hours=3), question=l2, actor=other_member)
    comment = CommentFactory(answer=AnswerFactory(question=dropout), body="See Srivastava 2014.")
    _notification(
        member,
        at=NOW - timedelta(hours=1),
        question=dropout,
        actor=other_member,
        event=Event.COMMENT_ON_ANSWER,
        comment=comment,
        answer=comment.answer,
    )
    read = _notification(member, at=NOW - timedelta(hours=2), question=l2)
    Notification.objects.filter(pk=read.pk).update(read_at=NOW)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert notification_mail.send_digest.call(member.pk) == 3
    (message,) = mail.outbox
    assert message.subject == "[MLQA] 3 new on MLQA since your last digest"
    body = message.body
    assert "since your last digest (4 December 2026)" in body
    # Newest group first; in a group, newest first; the read one is left out.
    assert body.index("== About dropout? ==") < body.index("== About L2? ==")
    group = body[body.index("== About dropout? ==") : body.index("== About L2? ==")]
    assert group.index("commented on your answer") < group.index("answered your question")
    assert '"See Srivastava 2014."' in group
    assert body.count("answered your question") == 2
    assert "List-Unsubscribe" in message.extra_headers
    assert set(Notification.objects.exclude(pk=read.pk).values_list("emailed_at", flat=True)) == {
        NOW
    }
    # The next day: nothing new, no mail.
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(days=1)):
        assert notification_mail.send_digest.call(member.pk) == 0
    assert len(mail.outbox) == 1


def test_the_digest_leaves_out_instant_and_off_kinds(member):
    verified(member)
    choose(user=member, choices={Kind.ANSWER: Delivery.OFF})
    _notification(member, at=NOW, question=QuestionFactory())
    assert notification_mail.send_digest.call(member.pk) == 0
    assert mail.outbox == []


def test_the_digest_command_queues_a_digest_per_member(member, other_member):
    verified(member)
    verified(other_member)
    question = QuestionFactory()
    _notification(member, at=NOW, question=question)
    _notification(other_member, at=NOW, question=question)
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "Queued the daily digests" in out.getvalue()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, other_member.email])


# --- Unsubscribing -------------------------------------------------------------------


def test_an_unsubscribe_link_asks_then_turns_the_kind_off(member):
    token = notification_mail.unsubscribe_token(member, Kind.COMMENT)
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF cookie: a mail reader
    url = reverse("unsubscribe", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop getting e-mails about: Comments" in page.content.decode()
    assert settings_of(member)[Kind.COMMENT] == Delivery.DIGEST  # a GET changes nothing
    done = client.post(url)  # the page's button, or the mail client's one-click POST
    assert done.status_code == 200
    assert "you will no longer get" in done.content.decode()
    assert settings_of(member)[Kind.COMMENT] == Delivery.OFF
    assert settings_of(member)[Kind.PROPOSAL] == Delivery.INSTANT


def test_the_digest_link_turns_every_kind_off(member):
    token = notification_mail.unsubscribe_token(member, notification_mail.ALL_KINDS)
    Client().post(reverse("unsubscribe", args=[token]))
    assert set(settings_of(member).values()) == {Delivery.OFF}


@pytest.mark.parametrize("change", ["tampered", "other_salt", "garbage"])
def test_a_tampered_token_is_refused(client, member, change):
    token = notification_mail.unsubscribe_token(member, Kind.COMMENT)
    bad = {
        "tampered": token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        "other_salt": signing.dumps({"u": member.pk, "k": "comment"}),
        "garbage": "not-a-token",
    }[change]
    response = client.post(reverse("unsubscribe", args=[bad]))
    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()
    assert not EmailSetting.objects.exists()


def test_an_expired_token_is_refused(client, member, settings):
    settings.MLQA_UNSUBSCRIBE_MAX_AGE_DAYS = 60
    long_ago = time.time() - 61 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        token = notification_mail.unsubscribe_token(member, Kind.COMMENT)
    response = client.post(reverse("unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()
    assert not EmailSetting.objects.exists()


def test_a_deleted_members_token_is_a_404(client, db):
    gone = UserFactory(is_active=False)
    token = notification_mail.unsubscribe_token(gone, Kind.COMMENT)
    assert client.post(reverse("unsubscribe", args=[token])).status_code == 404
