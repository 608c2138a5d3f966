"""Helpers for the admin tests: changelist addresses, bulk actions, and data for
every moderation changelist."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from questions import services
from questions.models import (
    Flag,
    FlagReason,
)
from study import services as study_services
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    CommentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)

FIXED = "Validation loss is lower because dropout only acts during training."


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def act(client, model, action: str, objects, **extra):
    return client.post(
        changelist(model),
        {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra},
        follow=True,
    )


def build_moderation_data(moderator, n: int) -> None:
    """n of everything a moderator lists: questions with topics and sources, answers
    with revisions, votes, proposals, comments, flags on all three kinds of target,
    hidden content, interview reports, bookmarks with a practice review."""
    for _ in range(n):
        member = UserFactory()
        question = QuestionFactory(topics=[TopicFactory()])
        answer = AnswerFactory(question=question, author=member)
        services.edit_answer(user=member, answer=answer, body=FIXED, summary="clearer")
        ai_answer = AIAnswerFactory(question=question)
        services.propose_answer(user=member, answer=ai_answer, body=FIXED, reason="r")
        services.cast_vote(user=member, answer=ai_answer, choice="up")
        answer_comment = CommentFactory(answer=answer)
        question_comment = CommentFactory(answer=None, question=question)
        for target in [{"answer": ai_answer}, {"comment": answer_comment}, {"question": question}]:
            Flag.objects.create(reporter=member, reason=FlagReason.SPAM, **target)
        services.hide(moderator=moderator, target=question_comment)
        study_services.report_asked(user=member, question=question, company="Acme")
        bookmark = BookmarkFactory(user=member, question=question)
        study_services.review(user=member, bookmark=bookmark, rating=3)
