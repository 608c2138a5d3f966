"""Authentication backends that also end a suspension once its time is up,
and read a signed-in member's row from the cache.

A suspended member is inactive, so Django and allauth refuse them. When they
try again after ``suspended_until``, the suspension is lifted first. Each
request's ``request.user`` comes from ``accounts.usercache`` (the row is
forgotten there whenever it changes).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.utils import timezone

from . import usercache
from .services import lift_suspension


class LiftExpiredSuspension:
    def user_can_authenticate(self, user) -> bool:
        until = getattr(user, "suspended_until", None)
        if not user.is_active and until is not None and until <= timezone.now():
            lift_suspension(moderator=None, member=user)
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        user = usercache.cached_user(
            user_id, lambda: super(LiftExpiredSuspension, self).get_user(user_id)
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(LiftExpiredSuspension, DjangoModelBackend):
    """Username and password (the admin's log-in form)."""


class AuthenticationBackend(LiftExpiredSuspension, AllauthBackend):
    """allauth's log-in by username or email."""
