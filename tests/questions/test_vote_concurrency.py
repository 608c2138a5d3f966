"""Votes from many members at once keep the stored score exact (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum

from questions import services
from questions.models import Answer, Vote
from tests.factories import AIAnswerFactory, UserFactory

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
