import functools

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.crypto import salted_hmac

from .names import DisplayNameValidator

MODERATORS_GROUP = "Moderators"


@functools.lru_cache(maxsize=4096)
def _profile_url(username: str, prefix: str, urlconf) -> str:
    """A member's profile address, reversed once per name (the account menu
    shows it on every page a member opens)."""
    return reverse("user_profile", args=[username], urlconf=urlconf)


class User(AbstractUser):
    """A member of MLQA. Profile fields live on the user: one row, no joins."""

    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="Shown next to your posts. Defaults to your username.",
        validators=[DisplayNameValidator()],
    )
    bio = models.TextField(max_length=500, blank=True, help_text="A line or two about you.")
    # Set by a moderator; while suspended the account is inactive (no log-in).
    suspended_until = models.DateTimeField(null=True, blank=True, editable=False)
    suspension_reason = models.CharField(max_length=500, blank=True, editable=False)
    # Bumped to end every open session of the member at once (e.g. on suspension).
    sessions_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        constraints = [
            # Sign-up compares names ignoring case; this holds it under races and
            # in the admin. (Names are stored NFKC-normalised: accounts/names.py.)
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message="A user with that username already exists "
                "(usernames are compared ignoring case).",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash (from the password), plus ``sessions_version``.

        Sessions carry this hash; when it changes they stop being valid, so
        bumping the version logs the member out everywhere. Version 0 gives
        Django's own hash.
        """
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password + (f":{self.sessions_version}" if self.sessions_version else "")
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def public_name(self) -> str:
        if not self.is_active and self.username.startswith("deleted-"):
            return "deleted member"
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return _profile_url(self.username, get_script_prefix(), get_urlconf())

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None

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
