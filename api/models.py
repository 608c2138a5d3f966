"""Personal access tokens for the read API's ``/api/v1/me/`` endpoints."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class AccessTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class AccessToken(models.Model):
    """A member's named token. Only a SHA-256 digest of the secret is kept: the
    secret is shown once, when the token is made (``api.tokens.create_token``).
    A revoked token stays listed, and never works again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(max_length=80, help_text="What the member uses it for.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=16,
        editable=False,
        help_text="The secret's first characters, to tell tokens apart.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="access_token_member_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="access_token_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
