"""Demo practice (``manage.py load_demo``): a few months of the demo member's
reviews, one with a typed answer, so the heatmap, streaks and retention show;
and enough candidates' first reviews of two questions for their empirical
difficulty to appear. Idempotent: nothing is added twice."""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from questions.models import Question

from . import services
from .empirical import min_reviews
from .models import Bookmark, Review

CANDIDATES = "candidate{:02d}"
# (start of the title, share of candidates who miss it the first time)
MEASURED = [("When training a large language", 0.6), ("Why do we shrink a big", 0.25)]
TYPED = (
    "Probably not overfitting: dropout is only on during training, so the training loss is higher."
)
PAST_DAYS = [75, 74, 70, 62, 47, 46, 45, 44, 30, 21, 9, 8, 7, 3, 2, 1]


def load(*, demo: User, counts: Counter) -> None:
    if not Review.objects.filter(bookmark__user=demo).exists():
        _demo_history(demo, counts)
    if User.objects.filter(username=CANDIDATES.format(1)).exists():
        return
    for start, share in MEASURED:
        question = Question.objects.published().filter(title__startswith=start).first()
        if question is not None:
            _first_reviews(question, share, counts)


def _demo_history(demo: User, counts: Counter) -> None:
    """The demo member's first bookmarks, practised on past days; the rest stay new."""
    # Mid-morning of each of those days, whatever the time now: "2 hours before
    # this time, N days ago" fell on the day before during the first hours of a
    # day, and broke the streak the practice page shows.
    morning = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    cards = list(Bookmark.objects.filter(user=demo).order_by("pk")[:2])
    for index, days in enumerate(PAST_DAYS):
        bookmark = cards[index % len(cards)] if cards else None
        if bookmark is None:
            return
        services.review(
            user=demo,
            bookmark=bookmark,
            rating=1 if index % 5 == 0 else 3,
            now=morning - timedelta(days=days),
            typed_answer=TYPED if days == 1 else "",
        )
        counts["reviews"] += 1


def _first_reviews(question: Question, share: float, counts: Counter) -> None:
    total = min_reviews() + 4
    misses = round(share * total)
    when = timezone.now() - timedelta(days=3)
    for n in range(total):
        user, created = User.objects.get_or_create(
            username=CANDIDATES.format(n + 1), defaults={"display_name": f"Candidate {n + 1}"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        bookmark = services.toggle_bookmark(user=user, question=question)
        if bookmark is None:  # it was bookmarked: bookmark it again
            bookmark = services.toggle_bookmark(user=user, question=question)
        if bookmark.state is None:
            services.review(user=user, bookmark=bookmark, rating=1 if n < misses else 3, now=when)
            counts["reviews"] += 1
