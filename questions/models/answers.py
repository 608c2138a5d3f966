"""Answers, every version of them, and members' proposals to improve them."""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When

from questions.diff import compare
from questions.markdown import render_markdown

from .catalog import Question, Status


class Origin(models.TextChoices):
    COMMUNITY = "community", "Community"
    AI = "ai", "AI-generated"
    IMPORTED = "imported", "Imported"


class AnswerStatus(models.TextChoices):
    """An answer's visibility: a question's (``Status``), and one more: its
    author deleted it. Deleted answers are kept for moderators, who can
    restore them; everywhere else they count as hidden."""

    PUBLISHED = Status.PUBLISHED.value, Status.PUBLISHED.label
    PENDING = Status.PENDING.value, Status.PENDING.label
    HIDDEN = Status.HIDDEN.value, Status.HIDDEN.label
    DELETED = "deleted", "Deleted by its author"


class Verification(models.TextChoices):
    """Where an answer's current text stands, by its members' verdicts."""

    UNREVIEWED = "unreviewed", "Unreviewed"
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    WRONG = "wrong", "Judged wrong"


# How a question's answers are ranked, everywhere: the moderator's pick first;
# an answer judged wrong last; then by score, a verified answer before an
# unverified one of equal score; then the oldest first.
RANKING = (
    F("is_featured").desc(),
    Case(When(verification=Verification.WRONG, then=Value(1)), default=Value(0)).asc(),
    F("score").desc(),
    Case(When(verification=Verification.VERIFIED, then=Value(0)), default=Value(1)).asc(),
    F("created_at").asc(),
    F("id").asc(),
)


class AnswerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def ranked(self, *, per_question: bool = False):
        """In the site's ranking (``RANKING``); with ``per_question``, each
        question's answers together (by question id), ranked within it."""
        return self.order_by(*(["question_id"] if per_question else []), *RANKING)


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
    status = models.CharField(
        max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.PUBLISHED
    )
    is_featured = models.BooleanField(default=False, help_text="A moderator's pick: shown first.")
    # Denormalised from Vote rows by questions.services.cast_vote.
    score = models.IntegerField(default=0, editable=False)
    upvotes = models.PositiveIntegerField(default=0, editable=False)
    downvotes = models.PositiveIntegerField(default=0, editable=False)
    revision_count = models.PositiveIntegerField(default=0, editable=False)
    # Verification (questions.services.vetting): the members' verdicts on the
    # current revision, and the state they add up to.
    verification = models.CharField(
        max_length=10,
        choices=Verification.choices,
        default=Verification.UNREVIEWED,
        editable=False,
    )
    verdicts_correct = models.PositiveIntegerField(default=0, editable=False)
    verdicts_partly = models.PositiveIntegerField(default=0, editable=False)
    verdicts_wrong = models.PositiveIntegerField(default=0, editable=False)
    verification_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The moderator who confirmed or set the state of the current revision.",
    )
    verification_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the state last changed (the corrections feed orders by it).",
    )
    corrected_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an AI answer judged wrong or disputed was changed by the community.",
    )
    corrected_from = models.CharField(
        max_length=10,
        blank=True,
        editable=False,
        help_text="The state of the AI draft when it was corrected (wrong or disputed).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        # Plain fields: AnswerRevision and others order "by answer" through this,
        # which Django cannot do with RANKING's expressions. Pages use ranked().
        ordering = ["-is_featured", "-score", "created_at", "id"]
        indexes = [
            models.Index(
                fields=["question", "status", "-is_featured", "-score", "created_at"],
                name="answer_ranking_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="answer_status_new_idx"),
            models.Index(fields=["origin"], name="answer_origin_idx"),
            models.Index(fields=["origin", "verification"], name="answer_verification_idx"),
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
            models.CheckConstraint(
                condition=Q(verification__in=["unreviewed", "verified", "disputed", "wrong"]),
                name="answer_verification_known",
            ),
            models.CheckConstraint(
                condition=Q(corrected_from__in=["", "wrong", "disputed"]),
                name="answer_corrected_from_known",
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

    @cached_property
    def state_label(self):
        """The state in words for the page (questions.vetting.label)."""
        from questions.vetting import label

        return label(self)

    @property
    def verdict_total(self) -> int:
        """Counting verdicts on the current text."""
        return self.verdicts_correct + self.verdicts_partly + self.verdicts_wrong

    @property
    def is_corrected(self) -> bool:
        return self.corrected_at is not None

    @property
    def draft_state(self) -> str:
        """How the AI's own draft fared: its state when the community corrected
        it, or the current state if nobody has."""
        return self.corrected_from or self.verification

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
    # The history page prints these instead of comparing texts on every view.
    diff_html = models.TextField(
        blank=True,
        editable=False,
        help_text="This revision's changes against diff_base, as HTML (questions.diff).",
    )
    diff_base = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The number of the revision diff_html compares with: 0 for none "
        "(a first revision), empty if not computed yet.",
    )
    diff_coarse = models.BooleanField(
        default=False,
        editable=False,
        help_text="Some change was too large to compare word by word and is shown whole.",
    )

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

    def compare_with(self, previous: "AnswerRevision | None") -> None:
        """Store this revision's diff against ``previous`` (None: against nothing)."""
        diff = compare(previous.body if previous else "", self.body)
        self.diff_html = diff.html
        self.diff_coarse = diff.coarse
        self.diff_base = previous.number if previous else 0


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
    rejection_reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why the reviewer rejected it, shown to the proposer. "
        "Required when a moderator rejects a proposal on someone else's answer.",
    )
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
