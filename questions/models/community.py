"""What members do to answers: vote, comment, flag."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from questions.markdown import render_markdown

from .answers import Answer
from .catalog import Question


class Vote(models.Model):
    UP = 1
    DOWN = -1

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=[(UP, "Up"), (DOWN, "Down")])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "answer"], name="one_vote_per_member_answer"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {'+1' if self.value > 0 else '-1'} on answer #{self.answer_id}"


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by a moderator"
    DELETED = "deleted", "Deleted by its author"


class Comment(models.Model):
    """A short remark on exactly one answer or one question."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    body = models.TextField(max_length=1000, help_text="Short markdown.")
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["answer", "status", "created_at"], name="comment_answer_idx"),
            models.Index(fields=["question", "status", "created_at"], name="comment_question_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer__isnull=False) & Q(question__isnull=True))
                | (Q(answer__isnull=True) & Q(question__isnull=False)),
                name="comment_has_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = f"answer #{self.answer_id}" if self.answer_id else f"question #{self.question_id}"
        return f"Comment #{self.pk} by {self.author} on {target}"

    def get_absolute_url(self) -> str:
        target = self.answer.question if self.answer_id else self.question
        return f"{target.get_absolute_url()}#comment-{self.pk}"

    @property
    def page_question_id(self) -> int:
        """The question whose page shows this comment."""
        return self.question_id or self.answer.question_id

    def render(self) -> None:
        self.body_html = render_markdown(self.body)


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    INCORRECT = "incorrect", "Incorrect"
    OFFENSIVE = "offensive", "Offensive"
    DUPLICATE = "duplicate", "Duplicate"
    OTHER = "other", "Other"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class Flag(models.Model):
    """A member's report on one question, answer or comment, for moderators."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    reason = models.CharField(max_length=10, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicate_flags",
        help_text="For a question flagged as a duplicate: the question it repeats.",
    )
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_flags",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="flag_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(question__isnull=False, answer__isnull=True, comment__isnull=True)
                    | Q(question__isnull=True, answer__isnull=False, comment__isnull=True)
                    | Q(question__isnull=True, answer__isnull=True, comment__isnull=False)
                ),
                name="flag_has_exactly_one_target",
            ),
            *(
                models.UniqueConstraint(
                    fields=["reporter", target],
                    condition=Q(status="open"),
                    name=f"one_open_flag_per_member_{target}",
                )
                for target in ("question", "answer", "comment")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} flag on {self.target_label}"

    @property
    def target(self):
        return self.question or self.answer or self.comment

    @property
    def target_label(self) -> str:
        if self.question_id:
            return f"question #{self.question_id}"
        if self.answer_id:
            return f"answer #{self.answer_id}"
        return f"comment #{self.comment_id}"
