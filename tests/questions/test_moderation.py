"""Moderation through the Django admin, as a Moderators member (not a superuser)."""

import pytest
from django.urls import reverse

from accounts.models import User
from questions import services
from questions.models import (
    Answer,
    Comment,
    Flag,
    FlagReason,
    FlagStatus,
    ModerationAction,
    Proposal,
    ProposalStatus,
    Question,
    Source,
    Status,
    Vote,
)
from study.models import InterviewReport
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)
from tests.questions.admin_helpers import FIXED, act, build_moderation_data, changelist

pytestmark = pytest.mark.django_db


def test_admin_index_opens_on_what_needs_attention(mod_client, member):
    answer = AIAnswerFactory()
    services.propose_answer(user=member, answer=answer, body=FIXED, reason="fix")
    Flag.objects.create(reporter=member, answer=answer, reason=FlagReason.INCORRECT)
    QuestionFactory(status=Status.PENDING)
    AnswerFactory(status=Status.PENDING)
    html = mod_client.get("/admin/").content.decode()
    assert "Needs attention" in html
    for label, url in [
        ("Pending proposals", changelist(Proposal) + "?status=pending"),
        ("Open flags", changelist(Flag) + "?status=open"),
        ("Questions waiting for review", changelist(Question) + "?status=pending"),
        ("Answers held for review", changelist(Answer) + "?status=pending"),
    ]:
        assert f'<a href="{url}">{label}</a></th><td><strong>1</strong>' in html


def test_a_member_without_the_group_gets_no_admin(client, member):
    client.force_login(member)
    assert client.get("/admin/").status_code == 302
    assert client.get(changelist(Proposal)).status_code == 302


def test_proposal_queue_defaults_to_pending_and_accepts_in_bulk(mod_client, member, moderator):
    answers = [AIAnswerFactory(body=f"Old text number {n} here.") for n in range(2)]
    pending = [
        services.propose_answer(user=member, answer=a, body=FIXED + str(n), reason=f"fix {n}")
        for n, a in enumerate(answers)
    ]
    old = services.propose_answer(
        user=UserFactory(), answer=answers[0], body=FIXED, reason="never mind"
    )
    services.withdraw_proposal(user=old.author, proposal=old)
    withdrawn_cell = '<td class="field-reason">never mind</td>'
    response = mod_client.get(changelist(Proposal))
    html = response.content.decode()
    assert '<td class="field-reason">fix 0</td>' in html
    assert '<td class="field-reason">fix 1</td>' in html
    assert withdrawn_cell not in html  # withdrawn: not in the default view
    assert {p.pk for p in response.context["cl"].result_list} == {p.pk for p in pending}
    response = mod_client.get(changelist(Proposal), {"status": "all"})
    assert withdrawn_cell in response.content.decode()
    assert {p.pk for p in response.context["cl"].result_list} == {p.pk for p in [*pending, old]}

    response = act(mod_client, Proposal, "accept_selected", pending)
    assert "2 proposals accepted." in response.content.decode()
    for answer, proposal in zip(answers, pending, strict=True):
        answer.refresh_from_db()
        assert answer.body == proposal.body
        assert answer.revisions.get(number=2).author == member
    assert ModerationAction.objects.filter(moderator=moderator, action="accept").count() == 2
    page = mod_client.get(answers[0].question.get_absolute_url()).content.decode()
    assert FIXED + "0" in page


def test_proposals_are_rejected_in_bulk(mod_client, client, member, moderator):
    answers = [AIAnswerFactory(body=f"The original answer number {n}.") for n in range(2)]
    proposals = [
        services.propose_answer(user=member, answer=a, body=FIXED + str(n), reason=f"fix {n}")
        for n, a in enumerate(answers)
    ]
    refused = act(mod_client, Proposal, "reject_selected", proposals)
    assert "Give the proposer a reason" in refused.content.decode()
    assert "0 proposals rejected." in refused.content.decode()
    response = act(mod_client, Proposal, "reject_selected", proposals, reason="Not better")
    assert "2 proposals rejected." in response.content.decode()
    for n, (answer, proposal) in enumerate(zip(answers, proposals, strict=True)):
        proposal.refresh_from_db()
        assert (proposal.status, proposal.reviewed_by) == (ProposalStatus.REJECTED, moderator)
        assert proposal.rejection_reason == "Not better"
        answer.refresh_from_db()
        assert answer.body == f"The original answer number {n}."
        assert FIXED not in client.get(answer.question.get_absolute_url()).content.decode()
    assert ModerationAction.objects.filter(moderator=moderator, action="reject").count() == 2
    assert not mod_client.get(changelist(Proposal)).context["cl"].result_list  # none pending


def test_proposal_page_shows_the_diff_and_reviews_with_a_button(mod_client, member):
    answer = AIAnswerFactory(body="It is overfitting.")
    proposal = services.propose_answer(user=member, answer=answer, body=FIXED, reason="wrong")
    url = reverse("admin:questions_proposal_change", args=[proposal.pk])
    html = mod_client.get(url).content.decode()
    assert "<del>" in html
    assert "<ins>" in html
    assert 'name="_reject"' in html
    mod_client.post(url, {"_reject": "Reject"})  # a moderator must say why
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    mod_client.post(url, {"_reject": "Reject", "rejection_reason": "Not an improvement"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.rejection_reason == "Not an improvement"
    answer.refresh_from_db()
    assert answer.body == "It is overfitting."


def test_a_stale_proposal_is_not_accepted_blindly_from_the_admin(mod_client, member):
    owner = UserFactory()
    answer = AnswerFactory(author=owner, body="Original text of the answer.")
    proposal = services.propose_answer(user=member, answer=answer, body=FIXED, reason="r")
    services.edit_answer(user=owner, answer=answer, body="The owner changed it meanwhile.")
    response = act(mod_client, Proposal, "accept_selected", [proposal])
    assert "The answer changed after this proposal was written" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_flags_are_grouped_with_counts_and_hiding_resolves_them_all(mod_client, moderator):
    answer = AIAnswerFactory(body="A wrong answer about dropout.")
    other = CommentFactory()
    flags = [
        Flag.objects.create(reporter=UserFactory(), answer=answer, reason=FlagReason.INCORRECT)
        for _ in range(3)
    ]
    keep = Flag.objects.create(reporter=UserFactory(), comment=other, reason=FlagReason.SPAM)
    html = mod_client.get(changelist(Flag)).content.decode()
    assert html.count(f'href="{answer.get_absolute_url()}"') == 3
    assert '<td class="field-open_on_target">3</td>' in html
    assert '<td class="field-open_on_target">1</td>' in html

    act(mod_client, Flag, "resolve_and_hide", flags[:1])
    answer.refresh_from_db()
    assert answer.status == Status.HIDDEN
    assert set(Flag.objects.filter(answer=answer).values_list("status", flat=True)) == {
        FlagStatus.RESOLVED
    }
    act(mod_client, Flag, "dismiss_selected", [keep], reason="A fair comment, not spam")
    keep.refresh_from_db()
    assert keep.status == FlagStatus.DISMISSED
    dismissal = ModerationAction.objects.get(action="dismiss")
    assert (dismissal.target_id, dismissal.reason) == (keep.pk, "A fair comment, not spam")
    assert Comment.objects.get(pk=other.pk).status == "published"
    kinds = set(ModerationAction.objects.values_list("action", flat=True))
    assert {"hide", "resolve", "dismiss"} <= kinds


def test_a_reason_typed_next_to_the_action_goes_into_the_audit_log(mod_client, moderator):
    explained, unexplained = AnswerFactory(), AnswerFactory()
    assert 'name="reason"' in mod_client.get(changelist(Answer)).content.decode()

    act(mod_client, Answer, "hide_selected", [explained], reason="  Copied from a blog post ")
    act(mod_client, Answer, "hide_selected", [unexplained])

    for answer in (explained, unexplained):
        answer.refresh_from_db()
        assert answer.status == Status.HIDDEN
    logged = ModerationAction.objects.filter(moderator=moderator, action="hide")
    assert dict(logged.values_list("target_id", "reason")) == {
        explained.pk: "Copied from a blog post",
        unexplained.pk: "",
    }


@pytest.mark.parametrize(
    ("model", "takes_a_reason"),
    [
        (Question, True),
        (Answer, True),
        (Comment, True),
        (Flag, True),
        (User, True),
        (InterviewReport, True),
        # A rejection's reason is told to the proposer.
        (Proposal, True),
    ],
)
def test_the_action_bar_asks_for_a_reason_where_it_is_recorded(
    mod_client, moderator, model, takes_a_reason
):
    build_moderation_data(moderator, 1)  # the action bar shows only above rows
    html = mod_client.get(changelist(model)).content.decode()
    assert 'name="action"' in html
    assert ('name="reason"' in html) is takes_a_reason


def test_resolving_a_flag_keeps_the_content(mod_client, client, moderator):
    answer = AnswerFactory(body="A correct answer someone disliked: marmalade.")
    flag = Flag.objects.create(reporter=UserFactory(), answer=answer, reason=FlagReason.INCORRECT)

    response = act(mod_client, Flag, "resolve_and_keep", [flag], reason="The answer is right")
    assert "1 flag resolved, content kept." in response.content.decode()
    flag.refresh_from_db()
    answer.refresh_from_db()
    assert (flag.status, flag.resolved_by) == (FlagStatus.RESOLVED, moderator)
    assert answer.status == Status.PUBLISHED
    assert "marmalade" in client.get(answer.question.get_absolute_url()).content.decode()
    assert list(ModerationAction.objects.values_list("action", "target_id", "reason")) == [
        ("resolve", flag.pk, "The answer is right")
    ]
    # Closed flags leave the queue, which opens on open flags.
    assert not mod_client.get(changelist(Flag)).context["cl"].result_list


def test_hidden_answers_disappear_everywhere_and_come_back_exactly(mod_client, client):
    question = QuestionFactory(title="What does weight decay do?")
    author = UserFactory(username="ada")
    answer = AnswerFactory(question=question, author=author, body="Shrinks weights: xylophonic.")
    for voter in ("v1", "v2"):
        services.cast_vote(user=UserFactory(username=voter), answer=answer, choice="up")

    def visible() -> dict:
        question.refresh_from_db()
        return {
            "page": "xylophonic" in client.get(question.get_absolute_url()).content.decode(),
            "search": client.get("/", {"q": "xylophonic"}).context["page"].paginator.count,
            "feed": "xylophonic" in client.get("/feeds/answers/").content.decode(),
            "count": question.answer_count,
            "reputation": "<dt>Reputation</dt><dd>2</dd>"
            in client.get("/users/ada/").content.decode(),
        }

    before = visible()
    assert before == {"page": True, "search": 1, "feed": True, "count": 1, "reputation": True}
    act(mod_client, Answer, "hide_selected", [answer])
    assert visible() == {"page": False, "search": 0, "feed": False, "count": 0, "reputation": False}
    act(mod_client, Answer, "restore_selected", [answer])
    assert visible() == before
    assert Vote.objects.filter(answer=answer).count() == 2  # nothing was deleted


def test_hidden_questions_leave_lists_sitemap_and_feeds(mod_client, client):
    question = QuestionFactory(title="Explain the kernel trick")
    act(mod_client, Question, "hide_selected", [question])
    assert question.title not in client.get("/").content.decode()
    assert question.get_absolute_url() not in client.get("/sitemap.xml").content.decode()
    assert question.title not in client.get("/feeds/questions/").content.decode()
    assert client.get(question.get_absolute_url()).status_code == 404
    act(mod_client, Question, "restore_selected", [question])
    assert question.title in client.get("/").content.decode()
    assert question.get_absolute_url() in client.get("/sitemap.xml").content.decode()
    assert question.title in client.get("/feeds/questions/").content.decode()
    assert client.get(question.get_absolute_url()).status_code == 200


def test_pending_questions_are_published_and_comments_hidden_and_restored(
    mod_client, client, moderator
):
    question = QuestionFactory(title="What is a confusion matrix?", status=Status.PENDING)
    act(mod_client, Question, "publish_selected", [question])
    assert question.title in client.get("/").content.decode()
    comment = CommentFactory(body="Buy cheap watches")
    url = comment.answer.question.get_absolute_url()
    act(mod_client, Comment, "hide_selected", [comment])
    assert "Buy cheap watches" not in client.get(url).content.decode()

    response = act(mod_client, Comment, "restore_selected", [comment], reason="Not spam after all")
    assert "1 comment restored." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "published"
    assert "Buy cheap watches" in client.get(url).content.decode()
    restored = ModerationAction.objects.get(action="restore")
    assert (restored.moderator, restored.target_type, restored.target_id, restored.reason) == (
        moderator,
        "comment",
        comment.pk,
        "Not spam after all",
    )


def test_a_held_answer_is_published_from_the_admin(mod_client, client, moderator):
    question = QuestionFactory(title="Why normalise inputs?")
    held = AnswerFactory(question=question, status=Status.PENDING, body="Held back: quixotic.")
    url = question.get_absolute_url()
    assert "quixotic" not in client.get(url).content.decode()
    held_list = mod_client.get(changelist(Answer), {"status__exact": "pending"})
    assert [a.pk for a in held_list.context["cl"].result_list] == [held.pk]

    response = act(mod_client, Answer, "publish_selected", [held])
    assert "1 answer published." in response.content.decode()
    held.refresh_from_db()
    question.refresh_from_db()
    assert (held.status, question.answer_count) == (Status.PUBLISHED, 1)
    assert "quixotic" in client.get(url).content.decode()
    assert "quixotic" in client.get("/feeds/answers/").content.decode()
    assert ModerationAction.objects.filter(
        moderator=moderator, action="publish", target_type="answer", target_id=held.pk
    ).exists()


def test_featuring_puts_an_answer_first_and_stopping_puts_it_back(mod_client, client):
    question = QuestionFactory(title="What is label smoothing?")
    popular = AnswerFactory(question=question, body="The popular answer: zebra.")
    services.cast_vote(user=UserFactory(), answer=popular, choice="up")
    picked = AnswerFactory(question=question, body="The moderator's pick: yak.")
    url = question.get_absolute_url()

    def order() -> list[str]:
        page = client.get(url).content.decode()
        return sorted(["zebra", "yak"], key=page.index)

    assert order() == ["zebra", "yak"]
    assert "Moderator's pick" not in client.get(url).content.decode()

    response = act(mod_client, Answer, "feature_selected", [picked])
    assert "1 answer featured." in response.content.decode()
    picked.refresh_from_db()
    assert picked.is_featured
    assert order() == ["yak", "zebra"]
    assert "Moderator's pick" in client.get(url).content.decode()

    # Featuring has no reason in the audit log: a typed one is not silently dropped.
    response = act(mod_client, Answer, "unfeature_selected", [picked], reason="Outdated")
    html = response.content.decode()
    assert "1 answer no longer featured." in html
    assert "the reason was not saved" in html
    picked.refresh_from_db()
    assert not picked.is_featured
    assert order() == ["zebra", "yak"]
    assert list(
        ModerationAction.objects.filter(target_id=picked.pk).values_list("action", "reason")
    ) == [("unfeature", ""), ("feature", "")]


def test_moderators_edit_question_title_source_topics_and_difficulty(mod_client, client):
    old_topic = TopicFactory(name="Kernels")
    question = QuestionFactory(title="What is bias", difficulty="unrated", topics=[old_topic])
    book = Source.objects.create(name="Deep Learning Book", slug="dl-book", kind="book")
    topics = [TopicFactory(name="Estimators"), TopicFactory(name="Statistics basics")]
    url = reverse("admin:questions_question_change", args=[question.pk])
    assert mod_client.get(url).status_code == 200
    response = mod_client.post(
        url,
        {
            "title": "What is the bias of an estimator?",
            "body": "",
            "source": book.pk,
            "source_reference": "Chapter 5",
            "difficulty": "easy",
            "topics": [t.pk for t in topics],
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.title, question.difficulty) == ("What is the bias of an estimator?", "easy")
    assert question.slug == "what-is-the-bias-of-an-estimator"
    assert (question.source, set(question.topics.all())) == (book, set(topics))
    edit = ModerationAction.objects.get(action="edit", target_id=question.pk)
    assert {"source", "topics", "title"} <= set(edit.reason.removeprefix("changed ").split(", "))

    page = client.get(question.get_absolute_url()).content.decode()
    assert "What is the bias of an estimator?" in page
    assert f'Source: <a href="{book.get_absolute_url()}">Deep Learning Book</a>, Chapter 5' in page
    for topic in topics:
        assert f'<a class="tag" href="{topic.get_absolute_url()}">{topic.name}</a>' in page
    assert f'href="{old_topic.get_absolute_url()}"' not in page
    assert question.title in client.get(book.get_absolute_url()).content.decode()
    assert question.title in client.get(topics[0].get_absolute_url()).content.decode()
    assert question.title not in client.get(old_topic.get_absolute_url()).content.decode()
