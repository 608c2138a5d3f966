"""Moderation in the Django admin: queues that open on what needs attention,
bulk actions that call the same services as the site, and an audit log.

Moderators are staff in the Moderators group with view/change permissions
only: they hide and restore, never delete. One module per area: the catalogue
(sources, topics, questions), answers (with revisions and votes), vetting
(verdicts), community (proposals, comments) and moderation (flags, the audit
log); the study app has its own (``study/admin.py``). Every write goes through
``questions.services``; the shared pieces live in ``mlqa_site.admin_mixins``.
"""

from . import answers, catalog, community, moderation, vetting

__all__ = ["answers", "catalog", "community", "moderation", "vetting"]
