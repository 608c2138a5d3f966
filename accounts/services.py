from django.contrib.auth.models import Group
from django.db import transaction

from .models import MODERATORS_GROUP, User


@transaction.atomic
def make_moderator(*, user: User) -> None:
    """Give a member the moderator role: staff status plus the Moderators group.

    The group and its permissions are created by a migration; a moderator is
    never a superuser.
    """
    group = Group.objects.get(name=MODERATORS_GROUP)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)
