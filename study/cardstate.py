"""A practice card's fields as a plain dict, kept on each review so undo is exact."""

from datetime import datetime

from .models import Bookmark

CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "last_rating")
_TIMES = ("due", "last_review")


def snapshot(bookmark: Bookmark) -> dict:
    """The card as it is now (all None for a card never practised), JSON-ready."""
    fields = {name: getattr(bookmark, name) for name in CARD_FIELDS}
    for name in _TIMES:
        if fields[name] is not None:
            fields[name] = fields[name].isoformat()
    return fields


def restore(bookmark: Bookmark, fields: dict) -> None:
    """Put a snapshot back on the bookmark (the caller saves ``CARD_FIELDS``)."""
    for name in CARD_FIELDS:
        value = fields.get(name)
        if name in _TIMES and value is not None:
            value = datetime.fromisoformat(value)
        setattr(bookmark, name, value)
