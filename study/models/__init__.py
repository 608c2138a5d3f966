"""A candidate's bookmarks, their spaced-repetition practice state, and reports
that a question was asked in a real interview, with the companies they name."""

from . import plans as plans  # study plans and deck options (study.models.plans)
from .bookmarks import ActiveBookmarkManager, Bookmark, Review
from .companies import Company, CompanyAlias, company_key
from .mock import MockInterview, MockQuestion
from .reports import (
    InterviewLevel,
    InterviewReport,
    InterviewReportQuerySet,
    recent_report,
    recent_report_values,
)

__all__ = [
    "ActiveBookmarkManager",
    "Bookmark",
    "Company",
    "CompanyAlias",
    "InterviewLevel",
    "InterviewReport",
    "InterviewReportQuerySet",
    "MockInterview",
    "MockQuestion",
    "Review",
    "company_key",
    "recent_report",
    "recent_report_values",
]
