"""The signed-in member's row, kept in the cache between their requests.

Every page a member opens needs ``request.user``; reading it from the shared
cache saves the database a query per request. What a cached row may not do is
outlive a change to it: a suspended member must be out at once, a new display
name must show on the next page. So the entry is forgotten

* when the row is saved or deleted (``post_save``, ``post_delete``), and again
  once the transaction commits (a request that read the old row meanwhile may
  have put it back);
* when the member joins or leaves a group (moderators are a group);
* explicitly by code that changes the row with ``QuerySet.update()``
  (:func:`forget`: the suspensions in ``accounts.services``);

and in any case after ``MLQA_USER_CACHE_SECONDS``. A forget that fails while
Redis is down is replayed when it answers again (``mlqa_site.cache``). The
session's hash is still checked against the row on every request (Django's
``get_user``), as it would be against the database's.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def _key(user_id) -> str:
    return f"user:{user_id}"


# A member's cached row read with other keys in one round trip (read_with),
# for this request's cached_user: (its key, the row or None).
_offered: ContextVar[tuple[str, object] | None] = ContextVar("mlqa_offered_user", default=None)


@contextmanager
def read_with(user_id, keys: list[str]) -> Iterator[dict]:
    """``keys`` from the cache, read in the same round trip as member
    ``user_id``'s cached row (a page needs both), which :func:`cached_user`
    then takes instead of reading it again, within this block only."""
    if not user_id or not settings.MLQA_USER_CACHE_SECONDS:
        yield cache.get_many(keys)
        return
    key = _key(user_id)
    found = cache.get_many([key, *keys])
    token = _offered.set((key, found.pop(key, None)))
    try:
        yield found
    finally:
        _offered.reset(token)


def cached_user(user_id, load: Callable[[], object | None]):
    """The member with this id: from the cache, else ``load()`` (kept when found)."""
    seconds = settings.MLQA_USER_CACHE_SECONDS
    if not seconds:
        return load()
    key = _key(user_id)
    offered = _offered.get()
    if offered is not None and offered[0] == key:
        _offered.set(None)  # taken once: a row changed later in the request is read again
        user = offered[1]
    else:
        user = cache.get(key)
    if user is None:
        user = load()
        if user is not None:
            user.is_moderator  # noqa: B018 (a group query for staff, kept with the row)
            cache.set(key, user, seconds)
    return user


def forget(*user_ids) -> None:
    """Drop these members' cached rows now and when the transaction commits."""
    keys = [_key(pk) for pk in user_ids if pk is not None]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _saved_or_deleted(sender, instance, **kwargs) -> None:
    forget(instance.pk)


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if not reverse:  # user.groups changed
        if action.startswith("post_"):
            forget(instance.pk)
    elif action in ("post_add", "post_remove"):  # group.user_set changed
        forget(*pk_set)
    elif action == "pre_clear":  # the group's members, while it still has them
        forget(*instance.user_set.values_list("pk", flat=True))


def connect(user_model) -> None:
    post_save.connect(_saved_or_deleted, sender=user_model, dispatch_uid="usercache-save")
    post_delete.connect(_saved_or_deleted, sender=user_model, dispatch_uid="usercache-delete")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="usercache-groups"
    )
