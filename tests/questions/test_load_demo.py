import tomllib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q, Sum

from accounts.models import User
from questions import leaderboard, selectors
from questions.management.commands import load_demo
from questions.models import (
    Answer,
    AnswerRevision,
    Comment,
    Difficulty,
    Flag,
    ModerationAction,
    Origin,
    Proposal,
    ProposalStatus,
    Question,
    Source,
    Status,
    Topic,
    Verdict,
    VerdictNoteStatus,
    Verification,
    Vote,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Question,
    Answer,
    AnswerRevision,
    Vote,
    Comment,
    Source,
    Topic,
    User,
    Verdict,
    Proposal,
    ModerationAction,
)


def counts():
    return tuple(model.objects.count() for model in MODELS)


def vetting():
    """Every answer's vetting figures, to compare two loads."""
    return sorted(
        Answer.objects.values_list(
            "question__title",
            "ai_model",
            "author__username",
            "verification",
            "corrected_from",
            "verdicts_correct",
            "verdicts_partly",
            "verdicts_wrong",
            "revision_count",
        )
    )


def ai_answers():
    return Answer.objects.filter(origin=Origin.AI, status=Status.PUBLISHED)


def draft_judged_wrong():
    return ai_answers().filter(
        Q(corrected_from=Verification.WRONG)
        | Q(verification=Verification.WRONG, corrected_at__isnull=True)
    )


def described(content: dict) -> tuple[int, int]:
    """How many verdicts and corrections the demo content describes."""
    verdicts = corrections = 0
    for row in content["questions"]:
        for spec in [row, *row.get("ai_answers", []), *row.get("community_answers", [])]:
            correction = spec.get("correction", {})
            verdicts += len(spec.get("verdicts", [])) + len(correction.get("verdicts", []))
            corrections += bool(correction)
    return verdicts, corrections


def test_demo_data_covers_what_the_site_needs(demo_data):
    assert Question.objects.count() >= 30
    assert Source.objects.filter(questions__isnull=False).distinct().count() >= 3
    assert Topic.objects.filter(questions__isnull=False).distinct().count() >= 6
    assert set(Question.objects.values_list("difficulty", flat=True)) == set(Difficulty.values)
    # Every published question has an AI answer, some a second one by another
    # model, each labelled with its model.
    per_question = Question.objects.published().annotate(
        ai=Count("answers", filter=Q(answers__origin="ai")),
        models=Count("answers__ai_model", filter=Q(answers__origin="ai"), distinct=True),
    )
    assert set(per_question.values_list("ai", flat=True)) == {1, 2}
    assert all(row.ai == row.models for row in per_question)
    assert not Answer.objects.filter(origin=Origin.AI, ai_model="").exists()
    improved = Question.objects.filter(answers__origin=Origin.COMMUNITY).distinct().count()
    assert improved >= 10
    assert Vote.objects.exists()
    assert Comment.objects.exists()


def test_demo_counters_match_the_rows(demo_data):
    for answer in Answer.objects.annotate(total=Sum("votes__value")):
        assert answer.score == (answer.total or 0)
        assert answer.revision_count == answer.revisions.count()
        current = Verdict.objects.filter(
            answer=answer,
            revision__number=answer.revision_count,
            note_status=VerdictNoteStatus.PUBLISHED,
        )
        assert answer.verdicts_correct == current.filter(value="correct").count()
        assert answer.verdicts_partly == current.filter(value="partly").count()
        assert answer.verdicts_wrong == current.filter(value="wrong").count()
    # Only the corrected answers have a second revision.
    assert set(Answer.objects.values_list("revision_count", flat=True)) == {1, 2}
    assert not Answer.objects.filter(revision_count=2, corrected_at__isnull=True).exists()
    for question in Question.objects.annotate(n=Count("answers")):
        assert question.answer_count == question.n


def test_demo_accounts_can_log_in_and_the_moderator_can_moderate(demo_data, client):
    assert client.login(username="demo", password="mlqa-demo")
    demo = User.objects.get(username="demo")
    assert not demo.is_staff
    assert not demo.is_moderator
    client.logout()
    assert client.login(username="moderator", password="mlqa-moderator")
    moderator = User.objects.get(username="moderator")
    assert moderator.is_moderator
    assert not moderator.is_superuser
    assert moderator.has_perm("questions.change_answer")
    assert client.get("/admin/questions/answer/").status_code == 200


def test_demo_gives_the_moderator_a_queue(demo_data):
    assert Proposal.objects.filter(status="pending").count() == 1
    assert Flag.objects.filter(status="open").count() == 1
    pending = Question.objects.get(status="pending")
    assert pending.submitted_by.username == "demo"


def test_load_demo_is_idempotent(demo_data):
    before, states = counts(), vetting()
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    assert counts() == before
    assert vetting() == states
    assert "0 new questions" in out.getvalue()
    assert "0 verdicts, 0 corrected answer(s)" in out.getvalue()
    # Every verdict and correction the content describes is there, once.
    content = tomllib.loads(load_demo.CONTENT.read_text(encoding="utf-8"))
    verdicts, corrections = described(content)
    assert Verdict.objects.count() == verdicts
    assert ai_answers().filter(corrected_at__isnull=False).count() == corrections


def test_demo_compares_two_ai_models_across_every_state(demo_data, client):
    board = {stats.name: stats for stats in leaderboard.leaderboard()}
    assert set(board) == {"ChatGPT", "Gemini"}
    for stats in board.values():
        assert stats.judged >= 5
        assert stats.verified.count
        assert stats.wrong.count
        assert stats.corrected.count
    # The two models fare visibly differently, and /models/ says so.
    assert board["Gemini"].verified.percent - board["ChatGPT"].verified.percent >= 20
    page = client.get("/models/").content.decode()
    for stats in board.values():
        assert stats.name in page
        assert f"{stats.verified.percent}%" in page

    standing = ai_answers().filter(corrected_at__isnull=True)
    states = {state: standing.filter(verification=state).count() for state in Verification}
    assert states[Verification.VERIFIED] >= 5
    assert states[Verification.DISPUTED] >= 2
    assert states[Verification.UNREVIEWED] >= 10
    assert states[Verification.WRONG] >= 1
    # The moderator confirmed two states, with the reasons in the audit log.
    assert ai_answers().filter(verification_confirmed_by__username="moderator").count() == 2
    assert ModerationAction.objects.filter(action="verify").exclude(reason="").count() == 2
    # Community answers get verdicts too.
    community = Answer.objects.filter(origin=Origin.COMMUNITY)
    assert community.filter(verification=Verification.VERIFIED).exists()


def test_demo_ai_drafts_judged_wrong_are_corrected_or_answered(demo_data):
    drafts = list(draft_judged_wrong().select_related("question"))
    assert len(drafts) >= 6
    assert {draft.ai_model for draft in drafts} == {"ChatGPT", "Gemini"}
    for draft in drafts:
        community = draft.question.answers.published().filter(origin=Origin.COMMUNITY)
        assert draft.is_corrected or community.exists(), draft.question.title

    # The known errors of the collection MLQA starts from are among them.
    known_errors = [
        "validation loss is often lower than the training loss",
        "only nonlinearity is ReLU",
        "two heads in a row",
        "shares your birthday",
        "not normally distributed",
        "999 are fair and one is double-headed",
    ]
    for words in known_errors:
        question = Question.objects.get(title__contains=words)
        assert draft_judged_wrong().filter(question=question).exists(), words
    # The coin question shows both sides: one model got it right, one did not.
    coin = Question.objects.get(title__contains="double-headed")
    assert set(coin.answers.filter(origin=Origin.AI).values_list("ai_model", "verification")) == {
        ("ChatGPT", Verification.VERIFIED),
        ("Gemini", Verification.WRONG),
    }

    # A correction is a proposal the moderator accepted after the verdicts: the
    # draft keeps its verdicts ("on an earlier version").
    corrected = ai_answers().filter(corrected_at__isnull=False)
    assert corrected.count() >= 5
    assert set(corrected.values_list("corrected_from", flat=True)) == {"wrong", "disputed"}
    for answer in corrected:
        draft, correction = answer.revisions.order_by("number")
        assert correction.proposal.status == ProposalStatus.ACCEPTED
        assert correction.proposal.reviewed_by.username == "moderator"
        assert correction.author == correction.proposal.author
        assert Verdict.objects.filter(answer=answer, revision=draft).count() >= 3
    # Some corrected texts were judged again and verified.
    assert corrected.filter(verification=Verification.VERIFIED).count() >= 2


def test_demo_member_has_judged_a_few_and_has_more_to_review(demo_data, client):
    demo = User.objects.get(username="demo")
    assert 2 <= Verdict.objects.filter(user=demo).count() <= 5
    assert selectors.review_queue(demo).count() >= 10
    client.login(username="demo", password="mlqa-demo")
    assert client.get("/review/").status_code == 200


def test_load_demo_adds_the_vetting_to_a_demo_loaded_before_it_existed(db):
    """A database loaded by an older load_demo (one AI model, no verdicts) gets
    the other model's answers, every verdict and every correction on the next run."""
    content = tomllib.loads(load_demo.CONTENT.read_text(encoding="utf-8"))
    verdicts, corrections = described(content)
    for row in content["questions"]:
        for key in ("verdicts", "correction", "confirm", "ai_answers"):
            row.pop(key, None)
        for community in row.get("community_answers", []):
            community.pop("verdicts", None)
    load_demo.Command(stdout=StringIO()).load(content)
    assert not Verdict.objects.exists()
    assert set(ai_answers().values_list("ai_model", flat=True)) == {"ChatGPT"}

    call_command("load_demo", force=True, stdout=StringIO())

    assert set(ai_answers().values_list("ai_model", flat=True)) == {"ChatGPT", "Gemini"}
    assert Verdict.objects.count() == verdicts
    assert ai_answers().filter(corrected_at__isnull=False).count() == corrections
    assert draft_judged_wrong().count() >= 6
    assert Proposal.objects.filter(status=ProposalStatus.PENDING).count() == 1


def test_demo_pages_render(demo_data, client):
    assert client.get("/").status_code == 200
    for question in Question.objects.published():
        assert client.get(question.get_absolute_url()).status_code == 200


def test_load_demo_refuses_to_run_with_debug_off_unless_forced(db, settings):
    """It creates a staff account whose password is in the README."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load the demo data with DEBUG off"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(username="moderator").exists()

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert User.objects.get(username="moderator").is_staff
