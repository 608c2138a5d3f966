"""A candidate's bookmarks, their spaced-repetition practice state, and reports
that a question was asked in a real interview."""

from .bookmarks import ActiveBookmarkManager, Bookmark, Review
from .reports import InterviewLevel, InterviewReport, InterviewReportQuerySet, recent_report

__all__ = [
    "ActiveBookmarkManager",
    "Bookmark",
    "InterviewLevel",
    "InterviewReport",
    "InterviewReportQuerySet",
    "Review",
    "recent_report",
]
