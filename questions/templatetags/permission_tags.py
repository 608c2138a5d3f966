"""The rules of ``questions.permissions`` for templates, so that no template
repeats one: ``{% if user|can_edit:comment.author_id %}``."""

from django import template

from questions import permissions

register = template.Library()


@register.filter
def can_edit(user, owner_id) -> bool:
    """``user`` may edit or delete what ``owner_id`` wrote (its author, or a moderator)."""
    return permissions.can_edit(user, owner_id)
