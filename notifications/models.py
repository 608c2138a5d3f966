"""What a member is told, what they follow, and how they want it by e-mail."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    """Kinds of event, as a member chooses how to hear of them."""

    COMMENT = "comment", "Comments on your posts and on threads you commented in"
    ANSWER = "answer", "New answers to questions you asked or follow"
    MENTION = "mention", "Someone mentions you (@username)"
    PROPOSAL = "proposal", "Proposals of a better version of your answers"
    REVIEW = "review", "Your proposals accepted or rejected"
    VERDICT = "verdict", "Verdict notes on your answers"
    QUESTION = "question", "Your questions published or held for review"
    TOPIC = "topic", "New questions in topics you follow"
    MODERATION = "moderation", "A moderator hid something you wrote"
    SUSPENSION = "suspension", "Your account suspended, and the end of it"


class Event(models.TextChoices):
    """What happened, as the inbox says it."""

    COMMENT_ON_QUESTION = "comment_on_question", "commented on your question"
    COMMENT_ON_ANSWER = "comment_on_answer", "commented on your answer"
    COMMENT_IN_THREAD = "comment_in_thread", "also commented where you did"
    ANSWER_TO_QUESTION = "answer_to_question", "answered your question"
    ANSWER_TO_FOLLOWED = "answer_to_followed", "answered a question you follow"
    MENTION = "mention", "mentioned you"
    PROPOSAL = "proposal", "proposed a better version of your answer"
    PROPOSAL_ACCEPTED = "proposal_accepted", "accepted your proposal"
    PROPOSAL_REJECTED = "proposal_rejected", "rejected your proposal"
    VERDICT = "verdict", "left a verdict note on your answer"
    QUESTION_PUBLISHED = "question_published", "published your question"
    QUESTION_HELD = "question_held", "Your question waits for a moderator"
    TOPIC_QUESTION = "topic_question", "asked a new question in a topic you follow"
    HIDDEN = "hidden", "hid something you wrote"
    SUSPENDED = "suspended", "suspended your account"
    SUSPENSION_ENDED = "suspension_ended", "Your suspension has ended"


KIND_OF = {
    Event.COMMENT_ON_QUESTION: Kind.COMMENT,
    Event.COMMENT_ON_ANSWER: Kind.COMMENT,
    Event.COMMENT_IN_THREAD: Kind.COMMENT,
    Event.ANSWER_TO_QUESTION: Kind.ANSWER,
    Event.ANSWER_TO_FOLLOWED: Kind.ANSWER,
    Event.MENTION: Kind.MENTION,
    Event.PROPOSAL: Kind.PROPOSAL,
    Event.PROPOSAL_ACCEPTED: Kind.REVIEW,
    Event.PROPOSAL_REJECTED: Kind.REVIEW,
    Event.VERDICT: Kind.VERDICT,
    Event.QUESTION_PUBLISHED: Kind.QUESTION,
    Event.QUESTION_HELD: Kind.QUESTION,
    Event.TOPIC_QUESTION: Kind.TOPIC,
    Event.HIDDEN: Kind.MODERATION,
    Event.SUSPENDED: Kind.SUSPENSION,
    Event.SUSPENSION_ENDED: Kind.SUSPENSION,
}


class Notification(models.Model):
    """One thing that happened, for one member.

    It points at what it is about and stores no member's words: the inbox shows
    an excerpt only while the content is published, so hiding a post hides it
    from every inbox too. ``reason`` is a reviewer's or moderator's reason.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    event = models.CharField(max_length=24, choices=Event.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, null=True, related_name="+"
    )
    answer = models.ForeignKey(
        "questions.Answer", on_delete=models.CASCADE, null=True, related_name="+"
    )
    comment = models.ForeignKey(
        "questions.Comment", on_delete=models.CASCADE, null=True, related_name="+"
    )
    proposal = models.ForeignKey(
        "questions.Proposal", on_delete=models.CASCADE, null=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_default=models.functions.Now())
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went out by e-mail, alone or in a digest; null: not (yet).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} for {self.recipient_id}"


class QuestionFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_follows"
    )
    question = models.ForeignKey(
        "questions.Question", on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="question_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows question {self.question_id}"


class TopicFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows"
    )
    topic = models.ForeignKey("questions.Topic", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="topic_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows topic {self.topic_id}"


class Delivery(models.TextChoices):
    INSTANT = "instant", "Right away"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Not by e-mail"


# Until a member chooses: what is about them personally comes at once.
DEFAULT_DELIVERY = {
    Kind.COMMENT: Delivery.DIGEST,
    Kind.ANSWER: Delivery.DIGEST,
    Kind.MENTION: Delivery.DIGEST,
    Kind.PROPOSAL: Delivery.INSTANT,
    Kind.REVIEW: Delivery.INSTANT,
    Kind.VERDICT: Delivery.DIGEST,
    Kind.QUESTION: Delivery.DIGEST,
    Kind.TOPIC: Delivery.DIGEST,
    Kind.MODERATION: Delivery.INSTANT,
    Kind.SUSPENSION: Delivery.INSTANT,
}


class EmailSetting(models.Model):
    """A member's choice for one kind of event; no row means the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_setting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.delivery}"
