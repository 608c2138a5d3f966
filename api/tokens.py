"""Making, checking and revoking personal access tokens.

A token is ``mlqa_`` and 32 random bytes (URL-safe base64): a secret with that
much entropy needs no slow hash, so the database keeps its SHA-256 digest and
finds a token by it in one indexed lookup.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import AccessToken

TOKEN_PREFIX = "mlqa_"
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
MAX_ACTIVE_TOKENS = 20
# ``last_used_at`` is written at most this often per token: not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    secret: str  # shown to the member once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(*, user: User, name: str) -> NewToken:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the token a name, e.g. what will use it.")
    if len(name) > AccessToken._meta.get_field("name").max_length:
        raise ValidationError("A token's name can be at most 80 characters long.")
    # Serialise one member's token writes, so the limit holds under races.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    if AccessToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"You can have at most {MAX_ACTIVE_TOKENS} tokens: revoke one you no longer use."
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, token_hash=digest(secret), prefix=secret[:SHOWN_PREFIX_LENGTH]
    )
    return NewToken(token=token, secret=secret)


def revoke_token(*, user: User, token: AccessToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDenied("This is not your token.")
    AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def member_tokens(user: User) -> list[AccessToken]:
    return list(AccessToken.objects.filter(user=user))


def authenticate(secret: str) -> AccessToken | None:
    """The live token with this secret, its member loaded (one query), or None:
    unknown, revoked, or its member suspended, deleted or otherwise inactive."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        AccessToken.objects.active()
        .select_related("user")
        .filter(token_hash=digest(secret), user__is_active=True, user__suspended_until__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
