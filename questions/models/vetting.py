"""Members' verdicts on answers, and the verification state they add up to."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from questions.markdown import render_markdown

from .answers import Answer, AnswerRevision


class VerdictValue(models.TextChoices):
    CORRECT = "correct", "Correct"
    PARTLY = "partly", "Partly correct"
    WRONG = "wrong", "Wrong"


class VerdictNoteStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden by a moderator"


class Verdict(models.Model):
    """One member's judgement of one answer, tied to the revision they read.

    When the answer changes, the verdict stays (shown as "on an earlier
    version") but no longer counts toward the answer's verification state;
    giving a verdict again moves it to the current revision.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verdicts"
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="verdicts")
    revision = models.ForeignKey(
        AnswerRevision,
        on_delete=models.CASCADE,
        related_name="verdicts",
        help_text="The version of the answer this verdict judged.",
    )
    value = models.CharField(max_length=10, choices=VerdictValue.choices)
    note = models.TextField(
        max_length=1000,
        blank=True,
        help_text="Markdown: what is wrong. Required for partly correct and wrong.",
    )
    note_html = models.TextField(blank=True, editable=False)
    note_status = models.CharField(
        max_length=10, choices=VerdictNoteStatus.choices, default=VerdictNoteStatus.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["answer", "revision", "value"], name="verdict_answer_rev_idx"),
            models.Index(fields=["user", "-updated_at"], name="verdict_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "answer"], name="one_verdict_per_member_answer"
            ),
            models.CheckConstraint(
                condition=Q(value__in=["correct", "partly", "wrong"]),
                name="verdict_value_known",
            ),
            models.CheckConstraint(
                condition=Q(value="correct") | ~Q(note=""),
                name="verdict_doubt_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.value} on answer #{self.answer_id}"

    #: Set by the selectors that load verdicts for a page: whether this verdict
    #: judged the answer's current text.
    is_current = True

    def render(self) -> None:
        self.note_html = render_markdown(self.note) if self.note else ""
