"""A candidate's bookmarks, their spaced-repetition practice state, and reports
that a question was asked in a real interview, with the companies they name."""

from . import plans as plans  # study plans and deck options (study.models.plans)
from .bookmarks import ActiveBookmarkManager, Bookmark, Review
from .companies import Company, CompanyAlias, company_key
from .mock import MockInterview, MockQuestion
from .reports import (
    STAND_IN_NOW,
    InterviewLevel,
    InterviewReport,
    InterviewReportQuerySet,
    recent_report,
    recent_report_stand_ins,
    recent_report_values,
)

__all__ = [
    "STAND_IN_NOW",
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
    "recent_report_stand_ins",
    "recent_report_values",
]
