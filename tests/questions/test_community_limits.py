"""Rate limits on answers, proposals and flags: 429, a readable message, nothing stored.

Votes and comments are covered in test_community.py. Each refused request is
tried both as a plain form post (a full page) and with htmx (the message
shown inline, in the fragment the form swaps).
"""

import pytest
from django.urls import reverse

from questions.models import Answer, Flag, Proposal
from tests.factories import AIAnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
BODY = "Validation loss is lower because dropout is only active while training."
POST_LIMIT = "You have reached the limit of 1 answers or proposals per hour."
FLAG_LIMIT = "You have reached the limit of 2 flags per day."


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
        data = {"target": "question", "id": question.pk, "reason": "duplicate"}
        assert client.post(reverse("flag"), data).status_code == 302
    assert Answer.objects.filter(author=moderator).count() == 3
    assert Flag.objects.filter(reporter=moderator).count() == 3
