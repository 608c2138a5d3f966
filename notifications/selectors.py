from accounts.models import User

from .models import Notification


def unread_count(user: User) -> int:
    """One query on the partial index of unread notifications."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
