"""Vetting: verdicts, verification states, corrections, the review queue and
the AI models leaderboard."""

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from questions import leaderboard, services
from questions.models import Answer, ModerationAction, Verdict, Verification
from questions.vetting import Thresholds, state_for, wilson_interval
from tests.factories import AIAnswerFactory, AnswerFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

WRONG_NOTE = "Dropout is off at evaluation time; that is why validation loss is lower."


def judge(answer, *values, start=0):
    """``values`` verdicts from new members; returns the fresh answer."""
    for n, value in enumerate(values, start=start):
        member = UserFactory(username=f"judge{answer.pk}x{n}")
        note = "" if value == "correct" else WRONG_NOTE
        services.give_verdict(user=member, answer=answer, value=value, note=note)
    answer.refresh_from_db()
    return answer


# --- The rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct", "partly", "wrong", "state"),
    [
        (0, 0, 0, "unreviewed"),
        (2, 0, 0, "unreviewed"),  # two verdicts are not enough
        (0, 0, 2, "unreviewed"),
        (3, 0, 0, "verified"),
        (4, 0, 1, "verified"),  # exactly 80%
        (3, 1, 1, "disputed"),  # 3.5 of 5 = 70%
        (4, 1, 0, "verified"),  # 4.5 of 5 = 90%
        (2, 2, 0, "disputed"),  # 3 of 4 = 75%
        (1, 0, 2, "wrong"),  # majority wrong
        (2, 0, 2, "disputed"),  # a tie is no majority
        (0, 3, 0, "disputed"),
        (0, 1, 2, "wrong"),
        (7, 0, 3, "disputed"),
    ],
)
def test_state_at_each_threshold(correct, partly, wrong, state):
    assert state_for(correct, partly, wrong, Thresholds()) == state


@pytest.mark.once
@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_states_follow_their_definitions(correct, partly, wrong):
    state = state_for(correct, partly, wrong, Thresholds())
    total = correct + partly + wrong
    if total < 3:
        assert state == "unreviewed"
    elif (correct + partly / 2) / total >= 0.8:
        assert state == "verified"
    elif wrong > total / 2:
        assert state == "wrong"
    else:
        assert state == "disputed"


def test_thresholds_come_from_settings(settings):
    settings.MLQA_VERIFICATION = {"min_verdicts": 5, "verified_share": 0.9}
    assert state_for(4, 0, 0) == "unreviewed"
    assert state_for(9, 0, 1) == "verified"
    assert state_for(8, 0, 2) == "disputed"


def test_wilson_interval_matches_a_known_value():
    # 8 successes in 10 trials: the textbook 95% Wilson interval is [0.490, 0.943].
    low, high = wilson_interval(8, 10)
    assert math.isclose(low, 0.4902, abs_tol=5e-4)
    assert math.isclose(high, 0.9433, abs_tol=5e-4)
    # 3 of 3 is far from certain.
    low, high = wilson_interval(3, 3)
    assert math.isclose(low, 0.4385, abs_tol=5e-4)
    assert high == 1.0
    assert wilson_interval(0, 0) is None


# --- Verdicts ----------------------------------------------------------------------


def test_three_verdicts_settle_a_state_and_counts_are_stored():
    answer = AIAnswerFactory()
    answer = judge(answer, "correct", "correct")
    assert answer.verification == "unreviewed"
    answer = judge(answer, "correct", start=2)
    assert answer.verification == "verified"
    assert (answer.verdicts_correct, answer.verdicts_partly, answer.verdicts_wrong) == (3, 0, 0)


def test_partly_and_wrong_need_a_note_and_nothing_is_stored_without_one(member):
    answer = AIAnswerFactory()
    for value in ("partly", "wrong"):
        with pytest.raises(ValidationError):
            services.give_verdict(user=member, answer=answer, value=value, note="   ")
    assert not Verdict.objects.exists()


def test_changing_and_clearing_a_verdict_keep_one_row_and_exact_counts(member):
    answer = judge(AIAnswerFactory(), "wrong", "wrong")
    services.give_verdict(user=member, answer=answer, value="wrong", note=WRONG_NOTE)
    answer.refresh_from_db()
    assert answer.verification == "wrong"
    services.give_verdict(user=member, answer=answer, value="correct")
    answer.refresh_from_db()
    assert (answer.verdicts_correct, answer.verdicts_wrong, answer.verification) == (
        1,
        2,
        "wrong",
    )
    services.give_verdict(user=member, answer=answer, value="clear")
    answer.refresh_from_db()
    assert answer.verification == "unreviewed"
    assert Verdict.objects.filter(user=member).count() == 0


def test_nobody_judges_their_own_answer():
    answer = AnswerFactory()
    with pytest.raises(PermissionDenied):
        services.give_verdict(user=answer.author, answer=answer, value="correct")


def test_a_new_revision_restarts_the_state_and_keeps_old_verdicts_as_earlier(member):
    answer = judge(AIAnswerFactory(), "correct", "correct", "correct")
    assert answer.verification == "verified"
    services.edit_answer(user=ModeratorFactory(), answer=answer, body="A new text entirely.")
    answer.refresh_from_db()
    assert answer.verification == "unreviewed"
    assert answer.verdict_total == 0
    assert Verdict.objects.filter(answer=answer).count() == 3  # kept, on revision 1
    # A member judging again moves their verdict to the current text.
    services.give_verdict(user=member, answer=answer, value="correct")
    mine = Verdict.objects.get(user=member, answer=answer)
    assert mine.revision.number == 2


def test_an_ai_answer_judged_wrong_then_changed_by_an_accepted_proposal_is_corrected(member):
    answer = judge(AIAnswerFactory(ai_model="ChatGPT"), "wrong", "wrong", "correct")
    assert answer.verification == "wrong"
    proposal = services.propose_answer(
        user=member, answer=answer, body="Dropout only acts in training.", reason="Fix it."
    )
    services.accept_proposal(user=ModeratorFactory(), proposal=proposal)
    answer.refresh_from_db()
    assert answer.corrected_at is not None
    assert answer.corrected_from == "wrong"
    assert answer.draft_state == "wrong"
    assert answer.verification == "unreviewed"  # the corrected text collects its own verdicts


def test_an_import_of_new_ai_text_is_no_correction():
    answer = judge(AIAnswerFactory(), "wrong", "wrong", "wrong")
    services.revise_answer(answer=answer, body="The AI's own newer text.", author=None)
    answer.refresh_from_db()
    assert answer.corrected_at is None
    assert answer.verification == "unreviewed"


def test_a_moderator_confirms_a_state_with_a_reason_in_the_audit_log():
    answer = judge(AIAnswerFactory(), "correct", "wrong", "wrong")
    moderator = ModeratorFactory()
    with pytest.raises(ValidationError):
        services.set_verification(moderator=moderator, answer=answer, state="verified", reason="")
    services.set_verification(
        moderator=moderator, answer=answer, state="verified", reason="Checked against the book."
    )
    answer.refresh_from_db()
    assert answer.verification == "verified"
    assert answer.verification_confirmed_by == moderator
    # More verdicts do not move a confirmed state…
    answer = judge(answer, "wrong", start=5)
    assert answer.verification == "verified"
    log = ModerationAction.objects.get(action="verify")
    assert "Checked against the book." in log.reason
    # …until the moderator hands it back.
    services.set_verification(moderator=moderator, answer=answer, state="", reason="Let them.")
    answer.refresh_from_db()
    assert answer.verification == "wrong"
    with pytest.raises(PermissionDenied):
        services.set_verification(
            moderator=UserFactory(), answer=answer, state="verified", reason="x"
        )


def test_hidden_verdicts_stop_counting():
    answer = judge(AIAnswerFactory(), "wrong", "wrong", "correct")
    spam = Verdict.objects.filter(answer=answer, value="wrong").first()
    services.set_verdict_hidden(moderator=ModeratorFactory(), verdict=spam, hidden=True)
    answer.refresh_from_db()
    assert (answer.verdicts_wrong, answer.verification) == (1, "unreviewed")


def test_deleting_an_account_takes_its_verdicts_and_recounts(member):
    from accounts.services import delete_account

    answer = judge(AIAnswerFactory(), "wrong", "wrong")
    services.give_verdict(user=member, answer=answer, value="wrong", note=WRONG_NOTE)
    answer.refresh_from_db()
    assert answer.verification == "wrong"
    delete_account(user=member)
    answer.refresh_from_db()
    assert (answer.verdicts_wrong, answer.verification) == (2, "unreviewed")


def test_ranking_puts_verified_above_unreviewed_at_equal_score_and_wrong_last():
    ai = AIAnswerFactory()
    question = ai.question
    unreviewed = AnswerFactory(question=question)
    verified = judge(AnswerFactory(question=question), "correct", "correct", "correct")
    wrong = judge(ai, "wrong", "wrong", "wrong")
    Answer.objects.filter(pk=wrong.pk).update(score=10, upvotes=10)
    ranked = list(question.answers.ranked().values_list("pk", flat=True))
    assert ranked == [verified.pk, unreviewed.pk, wrong.pk]
    # A moderator's pick comes first even when judged wrong.
    Answer.objects.filter(pk=wrong.pk).update(is_featured=True)
    assert next(iter(question.answers.ranked().values_list("pk", flat=True))) == wrong.pk


# --- The verdict endpoint ----------------------------------------------------------


def test_a_verdict_by_plain_form_redirects_back_to_the_answer(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    response = client.post(
        reverse("verdict", args=[answer.pk]), {"value": "wrong", "note": WRONG_NOTE}
    )
    assert response.status_code == 302
    assert response["Location"] == answer.get_absolute_url()
    assert Verdict.objects.get(user=member).value == "wrong"


def test_a_verdict_with_htmx_swaps_the_box_with_the_note_and_state(client, member):
    answer = judge(AIAnswerFactory(), "wrong", "wrong")
    client.force_login(member)
    response = client.post(
        reverse("verdict", args=[answer.pk]),
        {"value": "wrong", "note": "ReLU is **not** linear."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="verdict-box verdict-wrong"')
    assert "Judged wrong" in html
    assert "by 3 of 3 members" in html
    assert "<strong>not</strong> linear" in html
    assert "Your verdict: wrong" in html


def test_a_wrong_without_a_note_is_400_inline_and_keeps_nothing(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    response = client.post(
        reverse("verdict", args=[answer.pk]), {"value": "wrong", "note": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Say in a few words what is wrong" in response.content.decode()
    assert not Verdict.objects.exists()


@pytest.mark.parametrize("value", ["", "maybe", "CORRECT", "1"])
def test_unknown_verdict_values_are_400(client, member, value):
    answer = AIAnswerFactory()
    client.force_login(member)
    response = client.post(reverse("verdict", args=[answer.pk]), {"value": value})
    assert response.status_code == 400
    assert not Verdict.objects.exists()


def test_a_visitor_is_sent_to_log_in_and_a_get_is_405(client):
    answer = AIAnswerFactory()
    url = reverse("verdict", args=[answer.pk])
    response = client.post(url, {"value": "correct"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert client.get(url).status_code == 405
    assert not Verdict.objects.exists()


def test_verdicts_are_rate_limited(client, member, settings):
    settings.MLQA_RATE_LIMITS = {"verdict": (2, 60)}
    client.force_login(member)
    answers = [AIAnswerFactory() for _ in range(3)]
    codes = [
        client.post(reverse("verdict", args=[a.pk]), {"value": "correct"}).status_code
        for a in answers
    ]
    assert codes == [302, 302, 429]
    assert Verdict.objects.count() == 2


def test_a_verdict_on_a_hidden_answer_is_404(client, member):
    answer = AIAnswerFactory(status="hidden")
    client.force_login(member)
    assert (
        client.post(reverse("verdict", args=[answer.pk]), {"value": "correct"}).status_code == 404
    )


def test_next_only_follows_this_site(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    response = client.post(
        reverse("verdict", args=[answer.pk]),
        {"value": "correct", "next": "https://evil.example/"},
    )
    assert response["Location"] == answer.get_absolute_url()


# --- The review queue --------------------------------------------------------------


def test_review_serves_the_least_judged_ai_answer_and_skips_what_i_judged(client, member):
    fresh = AIAnswerFactory()
    busy = judge(AIAnswerFactory(), "correct", "wrong")
    judge(AIAnswerFactory(), "correct", "correct", "correct")  # verified: not offered
    AnswerFactory()  # community answers are not in this queue
    client.force_login(member)
    page = client.get(reverse("review")).content.decode()
    assert f'id="answer-{fresh.pk}"' in page
    assert "2 AI answers need verdicts" in page
    client.post(reverse("verdict", args=[fresh.pk]), {"value": "correct", "next": "/review/"})
    page = client.get(reverse("review")).content.decode()
    assert f'id="answer-{busy.pk}"' in page
    # Skip it: nothing is left.
    client.post(reverse("review_skip"), {"answer": busy.pk})
    page = client.get(reverse("review")).content.decode()
    assert "Nothing left to review" in page
    client.post(reverse("review_skip"), {"reset": "1"})
    assert f'id="answer-{busy.pk}"' in client.get(reverse("review")).content.decode()


def test_review_needs_a_member(client):
    response = client.get(reverse("review"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


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
