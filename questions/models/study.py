"""A candidate's bookmarks and their spaced-repetition practice state."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .catalog import Question


class Bookmark(models.Model):
    """A saved question with a private note and its practice card (FSRS state)."""

    class CardState(models.IntegerChoices):
        # Values follow fsrs.State; a card that was never reviewed has none.
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="bookmarks")
    note = models.TextField(
        max_length=5000, blank=True, help_text="Private markdown note, never shown to others."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Practice card: empty until the first review.
    due = models.DateTimeField(null=True, blank=True)
    state = models.PositiveSmallIntegerField(choices=CardState.choices, null=True, blank=True)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "due"], name="bookmark_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], name="one_bookmark_per_member_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} bookmarked {self.question}"


class Review(models.Model):
    """One practice review of a bookmarked question: the review log."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, "Again"
        HARD = 2, "Hard"
        GOOD = 3, "Good"
        EASY = 4, "Easy"

    bookmark = models.ForeignKey(Bookmark, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    due_after = models.DateTimeField(help_text="When the card was scheduled next.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["bookmark", "-reviewed_at"], name="review_log_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="review_rating_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on {self.bookmark} at {self.reviewed_at:%Y-%m-%d}"
