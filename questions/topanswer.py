"""Each question's best answer, stored on the question for the list pages.

``Question.top_answer`` (with ``top_answer_score`` and ``top_answer_origin``)
is the first published answer in the site's ranking (``RANKING``), or none.
A list row reads those columns instead of running a subquery per row. Every
service that changes what the ranking depends on (a vote, a new, edited,
deleted, hidden or restored answer, a moderator's pick, a verdict, a merge)
calls ``refresh_top_answer`` with the questions it touched, inside its
transaction.
"""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Answer, Question

CHUNK = 900


def refresh_top_answer(question_ids: Iterable[int], *, using: str = "default") -> None:
    """Recompute the stored best answer of these questions, one UPDATE per chunk."""
    ids = sorted({pk for pk in question_ids if pk is not None})
    top = Answer.objects.using(using).published().filter(question=OuterRef("pk")).ranked()
    for start in range(0, len(ids), CHUNK):
        Question.objects.using(using).filter(pk__in=ids[start : start + CHUNK]).update(
            top_answer=Subquery(top.values("pk")[:1]),
            top_answer_score=Subquery(top.values("score")[:1]),
            top_answer_origin=Coalesce(Subquery(top.values("origin")[:1]), Value("")),
        )


def stale_top_answers(*, using: str = "default") -> list[int]:
    """Questions whose stored best answer is not what the ranking says (for tests
    and checks): their ids, or an empty list when every row is exact."""
    top = Answer.objects.using(using).published().filter(question=OuterRef("pk")).ranked()
    rows = Question.objects.using(using).annotate(
        expected=Subquery(top.values("pk")[:1]),
        expected_score=Subquery(top.values("score")[:1]),
        expected_origin=Coalesce(Subquery(top.values("origin")[:1]), Value("")),
    )
    fields = ("top_answer_id", "top_answer_score", "top_answer_origin")
    expected = ("expected", "expected_score", "expected_origin")
    return sorted(
        row[0] for row in rows.values_list("pk", *fields, *expected) if row[1:4] != row[4:7]
    )
