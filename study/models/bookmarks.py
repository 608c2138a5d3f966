"""A candidate's bookmarks and their spaced-repetition practice state and log."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from questions.markdown import render_markdown
from questions.models import Question


class ActiveBookmarkManager(models.Manager):
    """Bookmarks the member has not removed: what every page, count and export sees."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(removed_at__isnull=True)


class Bookmark(models.Model):
    """A saved question with a private note and its practice card (FSRS state).

    Removing a bookmark only sets ``removed_at``: the note, the card and the
    review log stay, hidden everywhere (``objects`` leaves removed bookmarks
    out), and come back when the member bookmarks the question again.
    ``all_objects`` sees every row; deleting the account deletes them for real.
    """

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
    note_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Practice card: empty until the first review.
    due = models.DateTimeField(null=True, blank=True)
    state = models.PositiveSmallIntegerField(choices=CardState.choices, null=True, blank=True)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the member removed it; kept to restore the note."
    )

    all_objects = models.Manager()
    objects = ActiveBookmarkManager()

    class Meta:
        db_table = "questions_bookmark"  # the table kept its name when the model moved here
        default_manager_name = "objects"
        # Related lookups (review.bookmark) and deletions see removed bookmarks too.
        base_manager_name = "all_objects"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "due"], name="bookmark_due_idx"),
            models.Index(fields=["user", "-created_at"], name="bookmark_added_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], name="one_bookmark_per_member_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} bookmarked {self.question}"

    @property
    def is_new(self) -> bool:
        """Never practised yet."""
        return self.state is None

    @property
    def practice_label(self) -> str:
        """New, Learning or Known: what the member sees about this card."""
        if self.state is None:
            return "New"
        if self.state == self.CardState.REVIEW:
            return "Known"
        return "Learning"

    def render(self) -> None:
        self.note_html = render_markdown(self.note)


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
    # Issue 17, "practice that checks you" (study/checking.py).
    typed_answer = models.TextField(
        max_length=5000, blank=True, help_text="The member's typed answer: private, like the note."
    )
    prior_card = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The card's fields before this review, so that undo restores them exactly.",
    )

    class Meta:
        db_table = "questions_review"
        ordering = ["-reviewed_at"]
        indexes = [models.Index(fields=["bookmark", "-reviewed_at"], name="review_log_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="review_rating_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on {self.bookmark} at {self.reviewed_at:%Y-%m-%d}"
