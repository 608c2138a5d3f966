"""Study tools: bookmarks, spaced-repetition practice, interview reports.

The reading pages call the two hooks below to show each member their own
study state; everything else about studying lives in this module.
"""

from django.db.models import QuerySet

from accounts.models import User

from .models import Question


def with_study_state(questions: QuerySet[Question], user: User) -> QuerySet[Question]:
    """Annotate list rows with what the member needs to see (e.g. bookmarked)."""
    return questions


def question_page_context(question: Question, user: User) -> dict:
    """Extra context for the question page: the member's bookmark, reports."""
    return {}
