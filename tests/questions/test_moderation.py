"""Moderation through the Django admin, as a Moderators member (not a superuser)."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from questions import services
from questions.models import (
    Answer,
    AnswerRevision,
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
    Topic,
    Vote,
)
from study import services as study_services
from study.models import Bookmark, InterviewReport, Review
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    CommentFactory,
    ModeratorFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
FIXED = "Validation loss is lower because dropout only acts during training."


@pytest.fixture
def mod_client(moderator):
    assert not moderator.is_superuser
    client = Client()
    client.force_login(moderator)
    return client


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def act(client, model, action: str, objects, **extra):
    return client.post(
        changelist(model),
        {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra},
        follow=True,
    )


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
    response = act(mod_client, Proposal, "reject_selected", proposals)
    assert "2 proposals rejected." in response.content.decode()
    for n, (answer, proposal) in enumerate(zip(answers, proposals, strict=True)):
        proposal.refresh_from_db()
        assert (proposal.status, proposal.reviewed_by) == (ProposalStatus.REJECTED, moderator)
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
    mod_client.post(url, {"_reject": "Reject"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
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
        # accept_proposal and reject_proposal take no reason: no field that does nothing.
        (Proposal, False),
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


def test_merging_a_duplicate_moves_everything_and_redirects(mod_client, client):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    moved = AnswerFactory(question=duplicate, body="Randomly zeroes activations.")
    services.cast_vote(user=UserFactory(), answer=moved, choice="up")
    both, only_dup = UserFactory(), UserFactory()
    BookmarkFactory(user=both, question=kept)
    BookmarkFactory(user=both, question=duplicate)
    BookmarkFactory(user=only_dup, question=duplicate)
    assert (kept.bookmark_count, duplicate.bookmark_count) == (1, 2)  # counted as made

    page = act(mod_client, Question, "merge_selected", [duplicate], reason="Same question")
    assert "Merge duplicate questions" in page.content.decode()
    assert 'value="Same question"' in page.content.decode()  # the action bar's reason
    act(mod_client, Question, "merge_selected", [duplicate], apply="1", into=kept.pk)

    moved.refresh_from_db()
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert moved.question == kept
    assert moved.score == 1
    assert kept.answer_count == 1
    assert Bookmark.objects.filter(question=kept).count() == 2
    assert kept.bookmark_count == 2
    assert (duplicate.status, duplicate.merged_into) == (Status.HIDDEN, kept)
    # The member who had both keeps one bookmark, on the kept question.
    assert duplicate.bookmark_count == 0
    assert Bookmark.objects.filter(user=both).count() == 1
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def _reviewed(user, question, *, note: str, ratings: list[int], start) -> Bookmark:
    bookmark = BookmarkFactory(user=user, question=question)
    study_services.save_note(user=user, bookmark=bookmark, note=note)
    for day, rating in enumerate(ratings):
        study_services.review(
            user=user, bookmark=bookmark, rating=rating, now=start + timedelta(days=day)
        )
    bookmark.refresh_from_db()
    return bookmark


def _bookmarks_page(member) -> str:
    client = Client()
    client.force_login(member)
    return client.get("/bookmarks/").content.decode()


def test_merging_moves_a_bookmark_with_its_note_and_practice_card(moderator, member):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    start = timezone.now() - timedelta(days=30)
    before = _reviewed(member, duplicate, note="Off at *test* time.", ratings=[3, 3], start=start)

    services.merge_questions(moderator=moderator, duplicate=duplicate, into=kept)

    bookmark = Bookmark.objects.get(user=member)
    assert bookmark.pk == before.pk
    assert bookmark.question == kept
    assert (bookmark.note, bookmark.state, bookmark.due) == (before.note, before.state, before.due)
    assert bookmark.reviews.count() == 2
    page = _bookmarks_page(member)
    assert "<em>test</em>" in page
    assert kept.get_absolute_url() in page


def test_merging_when_a_member_bookmarked_both_joins_the_notes_and_keeps_the_busier_card(
    moderator, member, other_member
):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    start = timezone.now() - timedelta(days=30)
    # The member practised the duplicate more: its card wins, the logs are joined.
    mine = _reviewed(member, kept, note="Kept note.", ratings=[3], start=start)
    theirs = _reviewed(member, duplicate, note="Duplicate note.", ratings=[1, 3, 4], start=start)
    # Another member practised the kept question more: that card stays.
    other_kept = _reviewed(other_member, kept, note="", ratings=[3, 3], start=start)
    _reviewed(other_member, duplicate, note="Only here.", ratings=[], start=start)

    services.merge_questions(moderator=moderator, duplicate=duplicate, into=kept)

    bookmark = Bookmark.objects.get(user=member)
    assert (bookmark.pk, bookmark.question) == (mine.pk, kept)
    assert bookmark.note == "Kept note.\n\n---\n\nDuplicate note."
    assert "<hr" in bookmark.note_html
    assert (bookmark.state, bookmark.due, bookmark.stability, bookmark.last_rating) == (
        theirs.state,
        theirs.due,
        theirs.stability,
        4,
    )
    assert bookmark.reviews.count() == 4
    other = Bookmark.objects.get(user=other_member)
    assert (other.pk, other.note, other.due) == (other_kept.pk, "Only here.", other_kept.due)
    assert other.reviews.count() == 2
    assert not Bookmark.objects.filter(question=duplicate).exists()
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert (kept.bookmark_count, duplicate.bookmark_count) == (2, 0)
    page = _bookmarks_page(member)
    assert "Kept note." in page
    assert "Duplicate note." in page


def test_merging_moves_removed_bookmarks_too_and_they_stay_recoverable(
    moderator, member, other_member
):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    start = timezone.now() - timedelta(days=30)
    # The member removed the kept question's bookmark and still has the duplicate's.
    _reviewed(member, kept, note="Removed note.", ratings=[3], start=start)
    study_services.toggle_bookmark(user=member, question=kept)
    _reviewed(member, duplicate, note="Active note.", ratings=[], start=start)
    # The other member removed their only one, on the duplicate.
    _reviewed(other_member, duplicate, note="Waiting.", ratings=[2], start=start)
    study_services.toggle_bookmark(user=other_member, question=duplicate)

    services.merge_questions(moderator=moderator, duplicate=duplicate, into=kept)

    mine = Bookmark.objects.get(user=member)
    assert (mine.question, mine.note) == (kept, "Removed note.\n\n---\n\nActive note.")
    assert not Bookmark.objects.filter(user=other_member).exists()
    kept.refresh_from_db()
    assert kept.bookmark_count == 1
    assert not Bookmark.all_objects.filter(question=duplicate).exists()
    restored = study_services.toggle_bookmark(user=other_member, question=kept)
    assert (restored.note, restored.reviews.count()) == ("Waiting.", 1)
    assert kept.bookmark_count == 2


def test_a_question_cannot_be_merged_into_a_hidden_one(mod_client, moderator):
    hidden = QuestionFactory(title="A hidden question", status=Status.HIDDEN)
    duplicate = QuestionFactory(title="Its duplicate")
    AnswerFactory(question=duplicate, body="Stays where it is.")

    page = act(mod_client, Question, "merge_selected", [duplicate], apply="1", into=hidden.pk)

    assert "is not published" in page.content.decode()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.answer_count) == (
        Status.PUBLISHED,
        None,
        1,
    )


def test_suspending_a_member_ends_their_sessions_and_refuses_log_in(mod_client, client, member):
    client.force_login(member)
    assert client.get("/settings/").status_code == 200
    # A reason typed in the action bar is the suspension form's first draft.
    page = act(mod_client, User, "suspend_selected", [member], reason="Posts spam links")
    assert 'value="Posts spam links"' in page.content.decode()
    response = act(
        mod_client, User, "suspend_selected", [member], apply="1", days="7", reason="spam"
    )
    assert "suspended until" in response.content.decode()
    member.refresh_from_db()
    assert member.is_suspended
    assert not member.is_active
    assert client.get("/settings/").status_code == 302  # logged out at once
    assert not client.login(username="alice", password="correct horse battery staple")
    # Lifting the suspension lets them back in, but old sessions stay closed.
    act(mod_client, User, "lift_selected", [member], reason="Appeal accepted")
    assert client.login(username="alice", password="correct horse battery staple")
    reasons = dict(ModerationAction.objects.values_list("action", "reason"))
    assert reasons["suspend"].startswith("spam (until ")
    assert reasons["lift"] == "Appeal accepted"


def test_an_expired_suspension_lifts_itself_at_log_in(client, moderator, member):
    account_services.suspend_member(
        moderator=moderator, member=member, until=timezone.now() + timedelta(days=1), reason="r"
    )
    User.objects.filter(pk=member.pk).update(suspended_until=timezone.now() - timedelta(hours=1))
    assert client.login(username="alice", password="correct horse battery staple")
    member.refresh_from_db()
    assert member.is_active
    assert not member.is_suspended


def test_moderators_cannot_suspend_staff_or_change_roles(mod_client, moderator):
    other = UserFactory(username="staffer", is_staff=True)
    act(mod_client, User, "suspend_selected", [other], apply="1", days="3", reason="x")
    other.refresh_from_db()
    assert other.is_active
    url = reverse("admin:accounts_user_change", args=[other.pk])
    html = mod_client.get(url).content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="display_name"' in html


def test_user_list_shows_content_counts_and_reputation(mod_client):
    author = UserFactory(username="ada")
    answer = AnswerFactory(author=author)
    CommentFactory(author=author)
    services.cast_vote(user=UserFactory(), answer=answer, choice="up")
    html = mod_client.get(changelist(User), {"q": "ada"}).content.decode()
    assert '<td class="field-answer_count">1</td>' in html
    assert '<td class="field-comment_count">1</td>' in html
    assert '<td class="field-reputation">1</td>' in html


def test_audit_log_is_read_only_and_filterable(mod_client, moderator, member):
    comment = CommentFactory(author=member)
    services.delete_comment(user=moderator, comment=comment)  # from the site
    entry = ModerationAction.objects.get()
    assert (entry.moderator, entry.action, entry.target_type) == (moderator, "delete", "comment")
    html = mod_client.get(changelist(ModerationAction), {"action": "delete"}).content.decode()
    assert f"comment #{comment.pk}" in html
    assert (
        mod_client.get(
            reverse("admin:questions_moderationaction_delete", args=[entry.pk])
        ).status_code
        == 403
    )
    response = mod_client.get(reverse("admin:questions_moderationaction_change", args=[entry.pk]))
    assert 'name="reason"' not in response.content.decode()


def test_audit_log_filters_by_moderator(mod_client, moderator):
    other = ModeratorFactory(username="mod2")
    mine = [AnswerFactory(), CommentFactory()]
    for target in mine:
        services.hide(moderator=moderator, target=target)
    services.hide(moderator=other, target=AnswerFactory())
    response = mod_client.get(changelist(ModerationAction))
    assert response.context["cl"].result_count == 3
    html = response.content.decode()
    assert f"?moderator__id__exact={other.pk}" in html  # the filter lists both moderators
    assert f"?moderator__id__exact={moderator.pk}" in html

    response = mod_client.get(changelist(ModerationAction), {"moderator__id__exact": moderator.pk})
    entries = response.context["cl"].result_list
    assert {(e.moderator, e.target_type, e.target_id) for e in entries} == {
        (moderator, "answer", mine[0].pk),
        (moderator, "comment", mine[1].pk),
    }
    response = mod_client.get(changelist(ModerationAction), {"moderator__id__exact": other.pk})
    assert [e.moderator for e in response.context["cl"].result_list] == [other]


def test_moderators_search_answers_and_comments(mod_client):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    question = QuestionFactory(title="How does gradient clipping help?")
    by_ada = AnswerFactory(question=question, author=ada, body="Clip the norm: quokka.")
    by_bob = AnswerFactory(author=bob, body="Exploding gradients in RNNs.")
    ada_comment = CommentFactory(answer=by_bob, author=ada, body="See also: quokka paper.")
    bob_comment = CommentFactory(answer=by_ada, author=bob, body="Thanks, very clear.")

    def found(model, q: str) -> set:
        response = mod_client.get(changelist(model), {"q": q})
        assert response.status_code == 200
        return {obj.pk for obj in response.context["cl"].result_list}

    assert found(Answer, "quokka") == {by_ada.pk}  # the answer's text
    assert found(Answer, "gradient clipping") == {by_ada.pk}  # its question's title
    assert found(Answer, "bob") == {by_bob.pk}  # its author
    assert found(Comment, "quokka") == {ada_comment.pk}
    assert found(Comment, "bob") == {bob_comment.pk}
    assert found(Comment, "nothing like this") == set()


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


# The exact number of queries each changelist makes, whatever the number of rows.
MODERATOR_CHANGELISTS = [
    (Proposal, 7),
    (Flag, 7),
    (Question, 11),
    (Answer, 8),
    (AnswerRevision, 7),
    (Comment, 7),
    (Vote, 7),
    (User, 8),
    (ModerationAction, 11),
    (InterviewReport, 10),
    (Source, 7),
    (Topic, 7),
]
SUPERUSER_CHANGELISTS = [(Bookmark, 5), (Review, 5)]  # private: not for moderators


def assert_changelist_queries(client, model, expected, django_assert_num_queries) -> None:
    with django_assert_num_queries(expected):
        response = client.get(changelist(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


@pytest.mark.parametrize(("model", "expected"), MODERATOR_CHANGELISTS)
def test_changelist_query_counts_are_fixed(
    mod_client, moderator, model, expected, django_assert_num_queries
):
    build_moderation_data(moderator, 2)
    assert_changelist_queries(mod_client, model, expected, django_assert_num_queries)
    build_moderation_data(moderator, 15)
    assert_changelist_queries(mod_client, model, expected, django_assert_num_queries)


@pytest.mark.parametrize(("model", "expected"), SUPERUSER_CHANGELISTS)
def test_private_changelist_query_counts_are_fixed(
    admin_client, moderator, model, expected, django_assert_num_queries
):
    build_moderation_data(moderator, 2)
    assert_changelist_queries(admin_client, model, expected, django_assert_num_queries)
    build_moderation_data(moderator, 15)
    assert_changelist_queries(admin_client, model, expected, django_assert_num_queries)
