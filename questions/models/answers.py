"""Answers, every version of them, and members' proposals to improve them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from questions.markdown import render_markdown

from .catalog import Question, Status


class Origin(models.TextChoices):
    COMMUNITY = "community", "Community"
    AI = "ai", "AI-generated"
    IMPORTED = "imported", "Imported"


class AnswerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def ranked(self):
        """Moderator's pick first, then the community's verdict, then age."""
        return self.order_by("-is_featured", "-score", "created_at", "id")


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        help_text="Empty for AI-generated and imported answers.",
    )
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.COMMUNITY)
    ai_model = models.CharField(
        max_length=60,
        blank=True,
        help_text='The model that wrote an AI answer, e.g. "ChatGPT".',
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    is_featured = models.BooleanField(default=False, help_text="A moderator's pick: shown first.")
    # Denormalised from Vote rows by questions.services.cast_vote.
    score = models.IntegerField(default=0, editable=False)
    upvotes = models.PositiveIntegerField(default=0, editable=False)
    downvotes = models.PositiveIntegerField(default=0, editable=False)
    revision_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["-is_featured", "-score", "created_at", "id"]
        indexes = [
            models.Index(
                fields=["question", "status", "-is_featured", "-score", "created_at"],
                name="answer_ranking_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="answer_status_new_idx"),
            models.Index(fields=["origin"], name="answer_origin_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(origin="ai") | ~Q(ai_model=""),
                name="answer_ai_has_model",
            ),
            models.CheckConstraint(
                condition=Q(score=F("upvotes") - F("downvotes")),
                name="answer_score_is_up_minus_down",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_origin_display()} answer #{self.pk} to {self.question}"

    def get_absolute_url(self) -> str:
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"

    @property
    def is_ai(self) -> bool:
        return self.origin == Origin.AI

    @property
    def is_edited(self) -> bool:
        return self.revision_count > 1

    def render(self) -> None:
        self.body_html = render_markdown(self.body)


class AnswerRevision(models.Model):
    """One version of an answer's text. Rolling back makes a new revision."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answer_revisions",
    )
    summary = models.CharField(max_length=300, blank=True)
    proposal = models.ForeignKey(
        "Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
        help_text="The accepted proposal this revision came from, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answer", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "number"], name="revision_number_unique_per_answer"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of answer #{self.answer_id}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Proposal(models.Model):
    """A member's better version of an existing answer, waiting for review."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposals",
    )
    body = models.TextField(help_text="The proposed full text, in markdown.")
    reason = models.CharField(max_length=500, help_text="What the proposal fixes.")
    base_revision = models.ForeignKey(
        AnswerRevision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The revision the proposal was written against.",
    )
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_proposals",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="proposal_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "author"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal #{self.pk} ({self.status}) on answer #{self.answer_id}"
