from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def inbox(request) -> dict:
    """The header's unread count, for members only, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "inbox_unread": SimpleLazyObject(lambda: unread_count(user)),
        "inbox_poll_seconds": settings.MLQA_INBOX_POLL_SECONDS,
    }
