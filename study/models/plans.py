"""Study plans built by moderators, members following them, and deck options.

A plan is an ordered list of questions with a suggested pace (its number of
days). Starting one bookmarks its questions and gives each a ``PlanCard``: the
day of the plan on which the card joins practice as a new card. A member's
``DeckOptions`` say how many new cards and reviews a day they want, the
retention FSRS aims for, and in which order new cards come.
"""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from questions.models import Question

from .bookmarks import Bookmark

RETENTION_MIN = 0.70
RETENTION_MAX = 0.97
NEW_PER_DAY_MAX = 500
REVIEWS_PER_DAY_MAX = 9999
PLAN_DAYS_MAX = 365


class StudyPlanQuerySet(models.QuerySet):
    def published(self) -> "StudyPlanQuerySet":
        return self.filter(is_published=True)


class StudyPlan(models.Model):
    """An ordered list of questions to learn over ``days`` days."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(
        max_length=2000, blank=True, help_text="Plain text shown on the plans page."
    )
    days = models.PositiveSmallIntegerField(
        default=14,
        help_text="Suggested pace: the questions are introduced evenly over this many days.",
    )
    is_published = models.BooleanField(
        default=False, help_text="Members see and start published plans only."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["is_published", "title"], name="studyplan_list_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=PLAN_DAYS_MAX), name="studyplan_days_1_to_365"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.slug])

    def day_of(self, index: int, total: int) -> int:
        """The plan day (1-based) of its ``index``-th question out of ``total``:
        spread evenly, so a 20-question plan over 14 days has one or two a day."""
        return 1 + index * min(self.days, total) // total if total else 1


class StudyPlanItem(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="plan_items")
    position = models.PositiveIntegerField(default=0, help_text="Smaller comes first.")

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "question"], name="one_item_per_plan_question"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.question}"


class PlanEnrollment(models.Model):
    """A member following a plan since ``started_on`` (day 1, the site's time zone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_enrollments"
    )
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="enrollments")
    started_on = models.DateField()
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "plan"], name="one_enrollment_per_member_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.plan}"

    def day_number(self, today: date) -> int:
        return (today - self.started_on).days + 1


class PlanCard(models.Model):
    """One question of a followed plan: its bookmark joins practice from ``available_from``."""

    enrollment = models.ForeignKey(PlanEnrollment, on_delete=models.CASCADE, related_name="cards")
    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE, related_name="plan_cards")
    day = models.PositiveSmallIntegerField()
    position = models.PositiveIntegerField()
    available_from = models.DateTimeField()

    class Meta:
        ordering = ["enrollment", "position"]
        indexes = [models.Index(fields=["bookmark", "available_from"], name="plancard_ready_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "bookmark"], name="one_card_per_enrollment_bookmark"
            ),
        ]

    def __str__(self) -> str:
        return f"Day {self.day}: {self.bookmark}"


class NewCardOrder(models.TextChoices):
    PLAN = "plan", "Plan order (then first bookmarked first)"
    RANDOM = "random", "Random"
    MOST_ASKED = "asked", "Most asked in interviews first"


class DeckOptions(models.Model):
    """A member's practice settings; a member without a row gets the site's defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deck_options"
    )
    new_per_day = models.PositiveSmallIntegerField(default=20)
    max_reviews_per_day = models.PositiveSmallIntegerField(default=200)
    desired_retention = models.FloatField(
        default=0.9, help_text="The chance of recalling a card when it comes back (FSRS)."
    )
    new_order = models.CharField(max_length=10, choices=NewCardOrder, default=NewCardOrder.PLAN)
    # "More new cards" on the done-for-now screen raises one day's limit only.
    extra_new = models.PositiveSmallIntegerField(default=0)
    extra_new_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deck options"
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=RETENTION_MIN)
                & Q(desired_retention__lte=RETENTION_MAX),
                name="deck_retention_in_range",
            ),
            models.CheckConstraint(
                condition=Q(new_per_day__lte=NEW_PER_DAY_MAX)
                & Q(max_reviews_per_day__lte=REVIEWS_PER_DAY_MAX),
                name="deck_daily_limits_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Deck options of {self.user}"

    @classmethod
    def defaults(cls) -> dict:
        return {
            "new_per_day": settings.MLQA_NEW_CARDS_PER_DAY,
            "max_reviews_per_day": settings.MLQA_MAX_REVIEWS_PER_DAY,
            "desired_retention": settings.MLQA_DESIRED_RETENTION,
        }

    @classmethod
    def for_member(cls, user) -> "DeckOptions":
        """The member's options, or unsaved ones with the site's defaults (one query)."""
        options = cls.objects.filter(user_id=user.pk).first()
        return options or cls(user_id=user.pk, **cls.defaults())

    @classmethod
    def for_update(cls, user) -> "DeckOptions":
        """The member's options row, created with the defaults if need be, locked
        until the transaction ends (two saves at once cannot both create it)."""
        options, _ = cls.objects.select_for_update().get_or_create(
            user_id=user.pk, defaults=cls.defaults()
        )
        return options

    def new_limit(self, today: date) -> int:
        """New cards allowed on ``today``, with the day's extra ones if any."""
        return self.new_per_day + (self.extra_new if self.extra_new_on == today else 0)

    def left_today(
        self, now: datetime, new_ready: int, introduced: int, done: int
    ) -> tuple[int, bool]:
        """(new cards left today, whether today's reviews are capped): ``new_ready``
        new cards may be shown, ``introduced`` were learned today, ``done`` rated."""
        if done >= self.max_reviews_per_day:
            return 0, True
        limit = self.new_limit(timezone.localtime(now).date())
        return min(new_ready, max(0, limit - introduced)), False
