"""Study tools: bookmarks with notes, practice, "I was asked this", exports.

Everything here is the member's own: other members' bookmarks are a 404 and
visitors are sent to log in. Each action is a plain form post that redirects
back, and with htmx a swap of a named partial of the page's own template.
Bad input is a 400 with a readable message (htmx swaps 4xx fragments too).
"""

from .bookmarks import bookmark_note, bookmark_toggle, bookmarks
from .checking import bookmark_answers, practice_check, practice_typing, practice_undo
from .common import BOOKMARKS_PER_PAGE
from .companies import company_detail
from .downloads import export_apkg, export_csv, export_markdown
from .mock import mock_answer, mock_detail, mock_grade, mock_home, mock_start
from .plans import deck_options, plan_detail, plan_leave, plan_list, plan_start, practice_more
from .practice import practice, practice_review, practice_start
from .reports import question_asked

__all__ = [
    "BOOKMARKS_PER_PAGE",
    "bookmark_answers",
    "bookmark_note",
    "bookmark_toggle",
    "bookmarks",
    "company_detail",
    "deck_options",
    "export_apkg",
    "export_csv",
    "export_markdown",
    "mock_answer",
    "mock_detail",
    "mock_grade",
    "mock_home",
    "mock_start",
    "plan_detail",
    "plan_leave",
    "plan_list",
    "plan_start",
    "practice",
    "practice_check",
    "practice_more",
    "practice_review",
    "practice_start",
    "practice_typing",
    "practice_undo",
    "question_asked",
]
