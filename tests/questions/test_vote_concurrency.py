"""Votes from many members at once keep the stored score exact (PostgreSQL)."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Q, Sum

from questions import services
from questions.models import Answer, Flag, Proposal, Vote
from tests.factories import AIAnswerFactory, ModeratorFactory, UserFactory

MEMBERS = 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_changes_and_clears_keep_the_score_exact():
    answer = AIAnswerFactory()
    members = [UserFactory(username=f"voter{n}") for n in range(MEMBERS)]
    # Each member: vote up, then (for some) switch to down or clear, all at once.
    plans = [
        ["up"] if n % 3 == 0 else ["up", "down"] if n % 3 == 1 else ["down", "clear"]
        for n in range(MEMBERS)
    ]
    start = threading.Barrier(MEMBERS)
    errors: list[BaseException] = []

    def run(member, plan):
        try:
            start.wait()
            for choice in plan:
                fresh = Answer.objects.get(pk=answer.pk)
                services.cast_vote(user=member, answer=fresh, choice=choice)
        except BaseException as exc:  # reported below, not swallowed
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
    totals = Vote.objects.filter(answer=answer).aggregate(
        total=Sum("value"),
        up=Count("pk", filter=Q(value=1)),
        down=Count("pk", filter=Q(value=-1)),
    )
    assert answer.score == totals["total"]
    assert (answer.upvotes, answer.downvotes) == (totals["up"], totals["down"])
    assert (answer.upvotes, answer.downvotes) == (MEMBERS // 3, MEMBERS // 3)


def _at_once(count: int, action) -> list[BaseException]:
    """Run ``action`` from ``count`` threads released together; their errors."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run():
        try:
            start.wait()
            action()
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_the_vote_counts_once_and_fails_nothing():
    answer = AIAnswerFactory()
    member = UserFactory()

    errors = _at_once(
        8,
        lambda: services.cast_vote(
            user=member, answer=Answer.objects.get(pk=answer.pk), choice="up"
        ),
    )

    assert errors == []
    answer.refresh_from_db()
    assert (answer.score, answer.upvotes) == (1, 1)
    assert Vote.objects.filter(answer=answer, user=member).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_of_a_flag_or_a_proposal_keeps_one_and_fails_nothing_else():
    answer = AIAnswerFactory(body="Validation loss is lower because of overfitting.")
    member = UserFactory()

    # The later clicks are told "already flagged" / "already waiting": a
    # ValidationError the view shows, not a failure.
    def flag():
        with contextlib.suppress(ValidationError):
            services.flag_content(user=member, target=answer, reason="incorrect")

    def propose():
        with contextlib.suppress(ValidationError):
            services.propose_answer(
                user=member,
                answer=Answer.objects.get(pk=answer.pk),
                body="Dropout is off at evaluation time.",
                reason="The answer blames overfitting.",
            )

    assert _at_once(6, flag) == []
    assert _at_once(6, propose) == []
    assert Flag.objects.filter(answer=answer, reporter=member).count() == 1
    assert Proposal.objects.filter(answer=answer, author=member).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_accepting_two_proposals_at_once_lose_no_update():
    """Both proposals were written against the same text: the first accept wins,
    the second is told the answer changed (409 in the view), and the answer holds
    the accepted proposal's text, never a second one silently dropped."""
    answer = AIAnswerFactory(body="Validation loss is lower because of overfitting.")
    first_mod, second_mod = ModeratorFactory(username="mod1"), ModeratorFactory(username="mod2")
    proposals = [
        services.propose_answer(
            user=UserFactory(username=f"proposer{n}"),
            answer=answer,
            body=f"Dropout is active only in training (version {n}).",
            reason="The answer blames overfitting.",
        )
        for n in range(2)
    ]
    accepted: list[Proposal] = []

    def accept(reviewer, proposal):
        def run():
            try:
                services.accept_proposal(
                    user=reviewer, proposal=Proposal.objects.get(pk=proposal.pk)
                )
            except services.Conflict:
                return
            accepted.append(proposal)

        return run

    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(action):
        try:
            start.wait()
            action()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(accept(reviewer, proposal),))
        for reviewer, proposal in zip((first_mod, second_mod), proposals, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(accepted) == 1
    answer.refresh_from_db()
    assert answer.body == accepted[0].body
    statuses = sorted(Proposal.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "pending"]
    assert answer.revisions.count() == 2
