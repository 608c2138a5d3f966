"""Mock interviews: a timed rehearsal of a few questions, private to the member."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from questions.models import Question, Topic

from .bookmarks import Review

MIN_QUESTIONS, MAX_QUESTIONS = 3, 10
MIN_MINUTES, MAX_MINUTES = 1, 30
ANSWER_MAX = 5000


class MockInterview(models.Model):
    """One rehearsal: its settings, when it started and finished, when it was graded.

    Each question's clock starts when the previous one was answered (the first's
    when the interview starts): time is measured on the server, from timestamps.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_interviews"
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="+", help_text="Empty: every topic."
    )
    minutes_per_question = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the self-grades went into practice."
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "-started_at"], name="mock_by_member_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(question_count__gte=MIN_QUESTIONS, question_count__lte=MAX_QUESTIONS),
                name="mock_question_count_in_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    minutes_per_question__gte=MIN_MINUTES, minutes_per_question__lte=MAX_MINUTES
                ),
                name="mock_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=Q(graded_at__isnull=True) | Q(finished_at__isnull=False),
                name="mock_graded_after_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"Mock interview of {self.user} on {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("mock_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def is_graded(self) -> bool:
        return self.graded_at is not None

    @property
    def total_time(self):
        return self.finished_at - self.started_at if self.finished_at else None


class MockQuestion(models.Model):
    """One question of a mock interview: its clock, the typed answer, the self-grade."""

    interview = models.ForeignKey(MockInterview, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(
        max_length=ANSWER_MAX, blank=True, help_text="Typed answer, private to the member."
    )
    grade = models.PositiveSmallIntegerField(choices=Review.Rating.choices, null=True, blank=True)
    review = models.ForeignKey(
        Review,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The practice review the self-grade became.",
    )

    class Meta:
        ordering = ["interview", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "position"], name="one_mock_question_per_position"
            ),
            models.UniqueConstraint(
                fields=["interview", "question"], name="mock_question_once_per_interview"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="mock_position_from_1"),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=4),
                name="mock_grade_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.question}"

    @property
    def time_spent(self):
        if self.started_at is None or self.answered_at is None:
            return None
        return self.answered_at - self.started_at

    @property
    def over_time(self) -> bool:
        """Answered after its time: marked, never refused."""
        return bool(self.answered_at and self.deadline and self.answered_at > self.deadline)
