from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

MODERATORS_GROUP = "Moderators"


class User(AbstractUser):
    """A member of MLQA. Profile fields live on the user: one row, no joins."""

    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="Shown next to your posts. Defaults to your username.",
    )
    bio = models.TextField(max_length=500, blank=True, help_text="A line or two about you.")

    class Meta(AbstractUser.Meta):
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        if not self.is_active and self.username.startswith("deleted-"):
            return "deleted member"
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("user_profile", args=[self.username])

    @property
    def is_moderator(self) -> bool:
        """Staff in the Moderators group, or a superuser. Cached per instance."""
        if self.is_superuser:
            return True
        if not self.is_staff:
            return False
        if not hasattr(self, "_is_moderator"):
            self._is_moderator = self.groups.filter(name=MODERATORS_GROUP).exists()
        return self._is_moderator
