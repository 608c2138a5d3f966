"""The audit log: every moderator action, from the admin or from the site."""

from django.conf import settings
from django.db import models


class ModerationAction(models.Model):
    class Kind(models.TextChoices):
        HIDE = "hide", "Hid"
        RESTORE = "restore", "Restored"
        PUBLISH = "publish", "Published"
        FEATURE = "feature", "Featured"
        UNFEATURE = "unfeature", "Unfeatured"
        EDIT = "edit", "Edited"
        ROLLBACK = "rollback", "Rolled back"
        DELETE = "delete", "Deleted"
        ACCEPT_PROPOSAL = "accept", "Accepted proposal"
        REJECT_PROPOSAL = "reject", "Rejected proposal"
        RESOLVE_FLAG = "resolve", "Resolved flag"
        DISMISS_FLAG = "dismiss", "Dismissed flag"
        MERGE = "merge", "Merged question"
        SUSPEND = "suspend", "Suspended member"
        LIFT_SUSPENSION = "lift", "Lifted suspension"
        VERIFY = "verify", "Set verification"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=10, choices=Kind.choices)
    target_type = models.CharField(max_length=20, help_text="question, answer, comment, …")
    target_id = models.PositiveBigIntegerField()
    target_repr = models.CharField(max_length=200, help_text="What the target was called then.")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["moderator", "-created_at"], name="modaction_moderator_idx"),
            models.Index(fields=["action", "-created_at"], name="modaction_action_idx"),
            models.Index(fields=["target_type", "target_id"], name="modaction_target_idx"),
        ]

    def __str__(self) -> str:
        action = self.get_action_display().lower()
        return f"{self.moderator} {action} {self.target_type} #{self.target_id}"
