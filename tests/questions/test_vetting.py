"""Vetting: verdicts, verification states, corrections, the review queue and
the AI models leaderboard."""

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from questions import services
from questions.models import Answer, ModerationAction, Verdict
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
