"""Empirical difficulty: how often members miss a question the first time they practise it.

Each question keeps two counters, ``first_reviews`` (members' first practice
reviews of it) and ``first_misses`` (those rated Again), and the share shown,
``missed_first`` (percent, rounded), which stays empty below
``MLQA_EMPIRICAL_MIN_REVIEWS`` first reviews.

The counters are kept exact inside the review and undo transactions (one
``F()`` update of the question row, which also serialises concurrent reviews
of it) rather than recomputed periodically: the question page and the list
read them with the row, at no cost, and they are never stale. Only a change
of the shown percentage renews the question's page generation (and the
lists', which filter and sort by it), so practice does not keep the question
page's cache cold. Deleting an account (``accounts.services.delete_account``)
uncounts its first reviews before its log goes; ``manage.py
recompute_empirical_difficulty`` rebuilds the counters from the logs after
rows were deleted some other way (the migration that added them did the same).
"""

from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Greatest, Least

from questions import pagecache
from questions.models import Question

from .models import Bookmark, Review


def min_reviews() -> int:
    return settings.MLQA_EMPIRICAL_MIN_REVIEWS


def share(first_reviews: int, first_misses: int) -> int | None:
    """The percentage shown, or None below the floor of first reviews."""
    if first_reviews < max(1, min_reviews()):
        return None
    return round(100 * first_misses / first_reviews)


def count_first_review(*, question_id: int, rating: int, step: int = 1) -> None:
    """Count (``step=1``) or uncount (``step=-1``, undo) a member's first review.

    Call inside the review's transaction. Renews the question's cached pages
    only when the shown percentage changes.
    """
    missed = int(rating == Review.Rating.AGAIN)
    rows = Question.objects.filter(pk=question_id)
    if step > 0:
        rows.update(first_reviews=F("first_reviews") + 1, first_misses=F("first_misses") + missed)
    else:  # never below zero, should a review have been logged some other way
        reviews = Greatest(F("first_reviews") - 1, 0)
        rows.update(
            first_reviews=reviews,
            first_misses=Least(Greatest(F("first_misses") - missed, 0), reviews),
        )
    reviews, misses, shown = rows.values_list("first_reviews", "first_misses", "missed_first").get()
    new = share(reviews, misses)
    if new != shown:
        rows.update(missed_first=new)
        pagecache.question_changed(question_id)


def forget_first_reviews(*, user) -> None:
    """Uncount a member's first reviews before their practice history is deleted
    (``accounts.services.delete_account``), inside its transaction."""
    for question_id, rating in _first_ratings(Bookmark.all_objects.filter(user=user)):
        count_first_review(question_id=question_id, rating=rating, step=-1)


def _first_ratings(bookmarks) -> list[tuple[int, int]]:
    """(question id, rating of the first review) of each bookmark ever reviewed."""
    first_rating = (
        Review.objects.filter(bookmark_id=OuterRef("pk"))
        .order_by("reviewed_at", "pk")
        .values("rating")[:1]
    )
    return list(
        bookmarks.annotate(rating=Subquery(first_rating))
        .filter(rating__isnull=False)
        .order_by()
        .values_list("question_id", "rating")
    )


def recompute(question_ids=None) -> int:
    """Rebuild the counters from every member's review log; returns how many changed.

    A bookmark is one member's card for one question (removed ones keep their
    log), so its earliest review is that member's first review of the question.
    """
    bookmarks = Bookmark.all_objects.all()
    if question_ids is not None:
        bookmarks = bookmarks.filter(question_id__in=question_ids)
    totals: dict[int, list[int]] = {}
    for question_id, rating in _first_ratings(bookmarks):
        counts = totals.setdefault(question_id, [0, 0])
        counts[0] += 1
        counts[1] += int(rating == Review.Rating.AGAIN)
    questions = Question.objects.all()
    if question_ids is not None:
        questions = questions.filter(pk__in=question_ids)
    changed = []
    for question in questions.only("first_reviews", "first_misses", "missed_first").iterator():
        reviews, misses = totals.get(question.pk, (0, 0))
        shown = share(reviews, misses)
        if (question.first_reviews, question.first_misses, question.missed_first) != (
            reviews,
            misses,
            shown,
        ):
            Question.objects.filter(pk=question.pk).update(
                first_reviews=reviews, first_misses=misses, missed_first=shown
            )
            changed.append(question.pk)
    if changed:
        pagecache.question_changed(*changed)
    return len(changed)
