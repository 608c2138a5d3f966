"""Vetting on the pages: the AI models leaderboard and its feed, concurrent verdicts,
the admin's verification queue, the review and practice pages and the question list."""

import pytest
from django.urls import reverse

from questions import leaderboard, services
from questions.models import Answer, ModerationAction, Verdict, Verification
from questions.vetting import wilson_interval
from tests.factories import AIAnswerFactory, ModeratorFactory, UserFactory
from tests.questions.test_vetting import WRONG_NOTE, judge

pytestmark = pytest.mark.django_db


# --- The leaderboard ---------------------------------------------------------------


def _board():
    chatgpt = [AIAnswerFactory(ai_model="ChatGPT") for _ in range(5)]
    judge(chatgpt[0], "correct", "correct", "correct")
    judge(chatgpt[1], "correct", "correct", "correct")
    judge(chatgpt[2], "wrong", "wrong", "correct")
    wrong_then_fixed = judge(chatgpt[3], "wrong", "wrong", "wrong")
    services.edit_answer(user=ModeratorFactory(), answer=wrong_then_fixed, body="Fixed text.")
    # chatgpt[4] unreviewed
    claude = [AIAnswerFactory(ai_model="Claude") for _ in range(2)]
    judge(claude[0], "correct", "correct", "correct")
    return chatgpt, claude


def test_leaderboard_figures_match_hand_computed_ones():
    _board()
    by_name = {stats.name: stats for stats in leaderboard.leaderboard()}
    chatgpt = by_name["ChatGPT"]
    # 5 answers; 4 judged (the corrected one counts as its draft was judged: wrong).
    assert (chatgpt.answers, chatgpt.judged) == (5, 4)
    assert (chatgpt.verified.count, chatgpt.wrong.count, chatgpt.corrected.count) == (2, 2, 1)
    assert chatgpt.verified.percent == 50
    assert chatgpt.verified.interval == wilson_interval(2, 4)
    claude = by_name["Claude"]
    assert (claude.answers, claude.judged, claude.verified.count) == (2, 1, 1)


def test_models_page_and_model_page(client, django_assert_num_queries):
    chatgpt, _ = _board()
    with django_assert_num_queries(3):
        response = client.get(reverse("ai_models"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html
    assert "ChatGPT" in html
    assert "Claude" in html
    assert "50%" in html
    detail = client.get(reverse("ai_model_detail", args=["chatgpt"])).content.decode()
    assert chatgpt[2].question.title in detail  # judged wrong, not corrected
    assert chatgpt[3].question.title in detail  # corrected
    assert client.get(reverse("ai_model_detail", args=["nobody"])).status_code == 404


def test_models_page_query_count_does_not_grow(client, django_assert_num_queries):
    _board()
    for _ in range(3):
        _board_more = [AIAnswerFactory(ai_model=f"Model {n}") for n in range(4)]
        judge(_board_more[0], "correct", "correct", "wrong")
    with django_assert_num_queries(3):
        assert client.get(reverse("ai_models") + "?sort=wrong").status_code == 200


def test_corrections_feed_lists_wrong_and_corrected_ai_answers(client):
    chatgpt, claude = _board()
    feed = client.get(reverse("feed_corrections")).content.decode()
    assert chatgpt[2].question.title in feed
    assert chatgpt[3].question.title in feed
    assert claude[0].question.title not in feed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_verdicts_keep_the_counts_exact():
    import threading

    from django.db import connection

    answer = AIAnswerFactory()
    members = [UserFactory(username=f"concurrent{n}") for n in range(30)]
    # Each member changes their mind a few times; a third end on "wrong", a
    # third on "correct", a third with no verdict.
    plans = [
        ["correct", "wrong", "correct", "wrong"]
        if n % 3 == 0
        else ["wrong", "clear", "wrong", "correct"]
        if n % 3 == 1
        else ["wrong", "correct", "wrong", "clear"]
        for n in range(len(members))
    ]
    start = threading.Barrier(len(members))
    errors: list[BaseException] = []

    def run(member, plan):
        try:
            start.wait()
            for value in plan:
                fresh = Answer.objects.get(pk=answer.pk)
                note = "" if value in ("correct", "clear") else WRONG_NOTE
                services.give_verdict(user=member, answer=fresh, value=value, note=note)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(members, plans, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    answer.refresh_from_db()
    assert (answer.verdicts_wrong, answer.verdicts_correct) == (10, 10)
    assert Verdict.objects.filter(answer=answer).count() == 20
    assert answer.verification == Verification.DISPUTED


# --- Moderation in the admin -------------------------------------------------------


def test_admin_disputed_queue_verdicts_inline_and_state_actions(client):
    moderator = ModeratorFactory()
    disputed = judge(AIAnswerFactory(), "correct", "wrong", "partly")
    verified = judge(AIAnswerFactory(), "correct", "correct", "correct")
    client.force_login(moderator)
    changelist = reverse("admin:questions_answer_changelist")
    page = client.get(changelist + "?verification=disputed").content.decode()
    assert f"/admin/questions/answer/{disputed.pk}/change/" in page
    assert f"/admin/questions/answer/{verified.pk}/change/" not in page
    change = client.get(reverse("admin:questions_answer_change", args=[disputed.pk]))
    assert WRONG_NOTE in change.content.decode()
    # Setting a state needs a reason…
    client.post(
        changelist,
        {"action": "confirm_wrong", "_selected_action": [disputed.pk], "reason": ""},
    )
    disputed.refresh_from_db()
    assert disputed.verification == "disputed"
    client.post(
        changelist,
        {"action": "confirm_wrong", "_selected_action": [disputed.pk], "reason": "Off by one."},
    )
    disputed.refresh_from_db()
    assert (disputed.verification, disputed.verification_confirmed_by) == ("wrong", moderator)
    assert ModerationAction.objects.filter(action="verify", reason__contains="Off by one.").exists()


def test_admin_hides_a_verdict_and_it_stops_counting(client):
    moderator = ModeratorFactory()
    answer = judge(AIAnswerFactory(), "wrong", "wrong", "wrong")
    spam = Verdict.objects.filter(answer=answer).first()
    client.force_login(moderator)
    changelist = reverse("admin:questions_verdict_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "hide_verdicts", "_selected_action": [spam.pk]})
    spam.refresh_from_db()
    answer.refresh_from_db()
    assert spam.note_status == "hidden"
    assert (answer.verdicts_wrong, answer.verification) == (2, "unreviewed")
    assert ModerationAction.objects.filter(action="hide", target_type="verdict").exists()
    # Moderators cannot add or delete verdicts.
    assert client.get(reverse("admin:questions_verdict_add")).status_code == 403
    assert client.get(reverse("admin:questions_verdict_delete", args=[spam.pk])).status_code == 403


def test_verdicts_that_agree_with_the_settled_state_earn_reputation():
    from accounts.reputation import reputation

    right, wrong_guess = UserFactory(username="sharp"), UserFactory(username="hasty")
    answer = AIAnswerFactory()
    services.give_verdict(user=right, answer=answer, value="wrong", note=WRONG_NOTE)
    services.give_verdict(user=wrong_guess, answer=answer, value="correct")
    assert reputation(right) == 0  # nothing settled yet
    judge(answer, "wrong", "wrong")
    assert (reputation(right), reputation(wrong_guess)) == (1, 0)
    # A moderator confirms the state: the contradicting verdict now costs a point.
    services.set_verification(
        moderator=ModeratorFactory(), answer=answer, state="wrong", reason="Off by one."
    )
    assert (reputation(right), reputation(wrong_guess)) == (1, -1)
    # New text: old verdicts no longer count either way.
    services.edit_answer(user=ModeratorFactory(), answer=answer, body="A corrected text.")
    assert (reputation(right), reputation(wrong_guess)) == (0, 0)


def test_review_page_query_count_does_not_grow(client, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("review")).status_code == 200
        return len(captured)

    judge(AIAnswerFactory(), "correct", "wrong")
    small = count()
    for _ in range(6):
        answer = judge(AIAnswerFactory(), "correct", "partly")
        services.give_verdict(user=member, answer=answer, value="wrong", note=WRONG_NOTE)
    for _ in range(4):
        AIAnswerFactory()
    assert count() == small


def test_practice_offers_a_verdict_on_the_revealed_answer(client, member):
    from study import services as study_services

    answer = judge(AIAnswerFactory(), "wrong", "wrong", "wrong")
    study_services.toggle_bookmark(user=member, question=answer.question)
    client.force_login(member)
    page = client.get(reverse("practice")).content.decode()
    assert f'id="verdict-form-{answer.pk}"' in page
    assert "Judged wrong" in page
    assert "may be wrong" not in page
    response = client.post(
        reverse("verdict", args=[answer.pk]), {"value": "correct"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Verdict.objects.get(user=member).value == "correct"


# --- The question list -------------------------------------------------------------


def test_the_list_shows_the_best_answers_state_and_filters_by_it(client):
    verified = judge(AIAnswerFactory(), "correct", "correct", "correct")
    wrong = judge(AIAnswerFactory(), "wrong", "wrong", "wrong")
    fixed = judge(AIAnswerFactory(), "wrong", "wrong", "wrong")
    services.edit_answer(user=ModeratorFactory(), answer=fixed, body="A corrected text.")
    unreviewed = AIAnswerFactory()
    everything = client.get("/").content.decode()
    assert "Judged wrong" in everything
    assert "Corrected · Unreviewed" in everything
    titles = {
        state: answer.question.title
        for state, answer in (
            ("verified", verified),
            ("wrong", wrong),
            ("corrected", fixed),
            ("unreviewed", unreviewed),
        )
    }
    for state, title in titles.items():
        page = client.get("/", {"verdict": state}).content.decode()
        assert title in page, state
        others = [other for key, other in titles.items() if key != state]
        if state == "unreviewed":  # the corrected one's new text is unreviewed too
            others.remove(titles["corrected"])
        for other in others:
            assert other not in page, (state, other)
    # An unknown value filters nothing.
    assert all(t in client.get("/", {"verdict": "bogus"}).content.decode() for t in titles.values())
