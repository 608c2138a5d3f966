"""Rate limits on answers, proposals, flags and previews: 429, a readable message, nothing stored.

Votes and comments are covered in test_community.py. Each refused request is
tried both as a plain form post (a full page) and with htmx (the message
shown inline, in the fragment the form swaps).
"""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from questions.forms import ANSWER_MAX
from questions.models import Answer, Flag, Proposal
from tests.factories import AIAnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
BODY = "Validation loss is lower because dropout is only active while training."
POST_LIMIT = "You have reached the limit of 1 answers or proposals per hour."
FLAG_LIMIT = "You have reached the limit of 2 flags per day."
PREVIEW_LIMIT = "You have reached the limit of 60 previews per minute."
TOO_LONG = "Too long to preview: at most 20,000 characters, and this has 20,001."


@pytest.fixture
def small_limits(settings):
    settings.MLQA_RATE_LIMITS = {"post": (1, 3600), "flag": (2, 86400)}


@pytest.fixture
def questions():
    return [QuestionFactory() for _ in range(3)]


@pytest.mark.usefixtures("small_limits")
def test_answers_past_the_limit_are_429_with_the_form_kept(client, member, questions):
    client.force_login(member)
    first = client.post(reverse("answer_create", args=[questions[0].pk]), {"body": BODY})
    assert first.status_code == 302

    plain = client.post(reverse("answer_create", args=[questions[1].pk]), {"body": BODY + " 2"})
    assert plain.status_code == 429
    html = plain.content.decode()
    assert "<html" in html
    assert POST_LIMIT in html
    assert BODY + " 2</textarea>" in html  # what they typed is not lost

    url = reverse("answer_create", args=[questions[2].pk])
    inline = client.post(url, {"body": BODY + " 3"}, headers=HTMX)
    assert inline.status_code == 429
    html = inline.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section class="your-answer" id="your-answer"')
    assert POST_LIMIT in html
    assert BODY + " 3</textarea>" in html

    assert list(Answer.objects.filter(author=member).values_list("question", flat=True)) == [
        questions[0].pk
    ]
    for question in questions[1:]:
        question.refresh_from_db()
        assert question.answer_count == 0


@pytest.mark.usefixtures("small_limits")
def test_proposals_past_the_limit_are_429_with_the_form_kept(client, member):
    answers = [AIAnswerFactory() for _ in range(3)]
    client.force_login(member)

    def send(answer, **headers):
        data = {"body": BODY + f" ({answer.pk})", "reason": "Not overfitting", "send": "1"}
        return client.post(reverse("propose", args=[answer.pk]), data, headers=headers)

    assert send(answers[0]).status_code == 302

    plain = send(answers[1])
    assert plain.status_code == 429
    html = plain.content.decode()
    assert "<html" in html
    assert POST_LIMIT in html
    assert f"{BODY} ({answers[1].pk})</textarea>" in html

    inline = send(answers[2], **HTMX)
    assert inline.status_code == 429
    html = inline.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<form method="post"')
    assert POST_LIMIT in html
    assert f"{BODY} ({answers[2].pk})</textarea>" in html

    assert list(Proposal.objects.values_list("answer", flat=True)) == [answers[0].pk]
    for answer in answers[1:]:
        answer.refresh_from_db()
        assert answer.revision_count == 1


@pytest.mark.usefixtures("small_limits")
def test_answers_and_proposals_share_one_limit(client, member, questions):
    client.force_login(member)
    ai = AIAnswerFactory()
    assert (
        client.post(reverse("answer_create", args=[questions[0].pk]), {"body": BODY}).status_code
        == 302
    )
    data = {"body": BODY, "reason": "Not overfitting", "send": "1"}
    response = client.post(reverse("propose", args=[ai.pk]), data)
    assert response.status_code == 429
    assert POST_LIMIT in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.usefixtures("small_limits")
def test_flags_past_the_limit_are_429_with_a_readable_message(client, member, questions):
    answers = [AIAnswerFactory(question=question) for question in questions]
    client.force_login(member)

    def flag(target, **headers):
        kind = type(target).__name__.lower()
        data = {"target": kind, "id": target.pk, "reason": "incorrect", "note": "Wrong."}
        return client.post(reverse("flag"), data, headers=headers)

    assert flag(answers[0]).status_code == 302
    assert flag(questions[0]).status_code == 302  # flags on questions count too

    plain = flag(answers[1])
    assert plain.status_code == 429
    html = plain.content.decode()
    assert "<html" in html
    assert "Slow down a little" in html
    assert FLAG_LIMIT in html

    inline = flag(answers[2], **HTMX)
    assert inline.status_code == 429
    html = inline.content.decode()
    assert "<html" not in html
    assert FLAG_LIMIT in html
    assert 'role="alert"' in html

    assert Flag.objects.count() == 2
    assert not Flag.objects.filter(answer__in=answers[1:]).exists()


def test_moderators_are_not_limited(client, moderator, questions, settings):
    settings.MLQA_RATE_LIMITS = {"post": (1, 3600), "flag": (1, 86400)}
    client.force_login(moderator)
    for question in questions:
        url = reverse("answer_create", args=[question.pk])
        assert client.post(url, {"body": BODY}).status_code == 302
        data = {"target": "question", "id": question.pk, "reason": "other"}
        assert client.post(reverse("flag"), data).status_code == 302
    assert Answer.objects.filter(author=moderator).count() == 3
    assert Flag.objects.filter(reporter=moderator).count() == 3


# --- Previews: the markdown preview and the proposal's diff -----------------------


def test_markdown_previews_past_the_field_length_are_400_with_a_message(client, member):
    client.force_login(member)
    for headers in ({}, HTMX):
        response = client.post(
            reverse("preview"), {"body": "x" * (ANSWER_MAX + 1)}, headers=headers
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert TOO_LONG in html
        assert 'role="alert"' in html
        assert "<p>xxx" not in html  # not rendered
    # Surrounding blank space is not counted, as the answer form does not count it.
    response = client.post(reverse("preview"), {"body": f"  {'x' * ANSWER_MAX}\n\n"})
    assert response.status_code == 200
    assert f"<p>{'x' * ANSWER_MAX}</p>" in response.content.decode()


def test_proposal_previews_past_the_field_length_are_400_with_the_text_kept(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    url = reverse("propose", args=[answer.pk])
    body = "x" * (ANSWER_MAX + 1)

    inline = client.post(url, {"body": body, "preview": "1"}, headers=HTMX)
    assert inline.status_code == 400
    html = inline.content.decode()
    assert html.lstrip().startswith('<div id="proposal-diff"')
    assert TOO_LONG in html
    assert '<pre class="diff">' not in html

    plain = client.post(url, {"body": body, "preview": "1"})
    assert plain.status_code == 400
    html = plain.content.decode()
    assert "<html" in html
    assert TOO_LONG in html
    assert f"{body}</textarea>" in html
    assert '<pre class="diff">' not in html

    # Sending it is refused by the form, and its diff is not computed either.
    sent = client.post(url, {"body": body, "reason": "Longer", "send": "1"})
    assert sent.status_code == 400
    assert TOO_LONG in sent.content.decode()
    assert not Proposal.objects.exists()


def test_the_61st_preview_in_a_minute_is_429_shown_inline(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    preview, propose = reverse("preview"), reverse("propose", args=[answer.pk])
    for _ in range(2):  # if the minute's window turned over meanwhile, once more
        cache.clear()
        window = time.time() // 60
        statuses = [
            client.post(preview, {"body": f"Try *{i}*"}, headers=HTMX).status_code
            for i in range(40)
        ]
        statuses += [
            client.post(propose, {"body": f"{BODY} {i}", "preview": "1"}, headers=HTMX).status_code
            for i in range(20)
        ]
        markdown = client.post(preview, {"body": "Try *61*"}, headers=HTMX)
        changes = client.post(propose, {"body": f"{BODY} 61", "preview": "1"}, headers=HTMX)
        page = client.post(propose, {"body": f"{BODY} 62", "preview": "1"})
        if time.time() // 60 == window:
            break
    assert statuses == [200] * 60

    assert markdown.status_code == 429
    html = markdown.content.decode()
    assert PREVIEW_LIMIT in html
    assert "<em>61</em>" not in html

    assert changes.status_code == 429
    html = changes.content.decode()
    assert html.lstrip().startswith('<div id="proposal-diff"')
    assert PREVIEW_LIMIT in html
    assert "<ins>" not in html

    assert page.status_code == 429
    html = page.content.decode()
    assert "<html" in html
    assert PREVIEW_LIMIT in html
    assert f"{BODY} 62</textarea>" in html  # what they typed is not lost


def test_moderators_previews_are_not_limited(client, moderator):
    client.force_login(moderator)
    for i in range(65):
        assert client.post(reverse("preview"), {"body": f"*{i}*"}).status_code == 200
