"""Every write that touches more than one row, with its permission check.

Views, the admin and management commands call these functions; none of them
writes counters, revisions or audit records on its own. One module per area:
content (questions, answers, votes, comments), community (edits, proposals,
flags, submissions), imports (markdown collections), moderation.
"""

from .community import (
    Conflict,
    accept_proposal,
    answer_question,
    current_revision,
    delete_answer,
    delete_comment,
    deletion_refusal,
    edit_answer,
    edit_comment,
    flag_content,
    propose_answer,
    reject_proposal,
    revision_history,
    rollback_answer,
    submit_question,
    withdraw_proposal,
)
from .content import (
    REPEAT_WINDOW,
    Repeated,
    add_comment,
    cast_vote,
    create_answer,
    create_question,
    revise_answer,
    save_question,
)
from .imports import import_collection
from .moderation import (
    dismiss_flag,
    hide,
    merge_questions,
    publish,
    resolve_flag,
    restore,
    set_featured,
)
from .vetting import (
    VERDICT_CHOICES,
    give_verdict,
    remove_verdicts,
    set_verdict_hidden,
    set_verification,
)

__all__ = [
    "REPEAT_WINDOW",
    "VERDICT_CHOICES",
    "Conflict",
    "Repeated",
    "accept_proposal",
    "add_comment",
    "answer_question",
    "cast_vote",
    "create_answer",
    "create_question",
    "current_revision",
    "delete_answer",
    "delete_comment",
    "deletion_refusal",
    "dismiss_flag",
    "edit_answer",
    "edit_comment",
    "flag_content",
    "give_verdict",
    "hide",
    "import_collection",
    "merge_questions",
    "propose_answer",
    "publish",
    "reject_proposal",
    "remove_verdicts",
    "resolve_flag",
    "restore",
    "revise_answer",
    "revision_history",
    "rollback_answer",
    "save_question",
    "set_featured",
    "set_verdict_hidden",
    "set_verification",
    "submit_question",
    "withdraw_proposal",
]
