"""Reports that a question was asked in a real interview."""

import functools
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from questions.models import Question

from .companies import Company


class InterviewLevel(models.TextChoices):
    INTERN = "intern", "Intern"
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    STAFF = "staff", "Staff or above"


def recent_report(now: datetime | None = None) -> Q:
    """A report from the last 12 months, about an interview in that period's years."""
    since = (now or timezone.now()) - timedelta(days=365)
    return Q(created_at__gte=since, year__gte=since.year)


# "Now" while a statement is compiled with stand-ins (``mlqa_site.prepared``):
# no request is ever about this day.
STAND_IN_NOW = datetime(1111, 6, 1, tzinfo=UTC)


def recent_report_values(now: datetime, using: str = "default") -> dict[str, object]:
    """What ``recent_report(now)`` compares with, as database ``using``
    receives it, by name (``recent_created_at``, ``recent_year``): a kept
    statement's values for the day (the question page's reader marks, the
    search's page)."""
    values = {}
    for lookup, value in recent_report(now).children:
        name = lookup.split("__")[0]
        field = InterviewReport._meta.get_field(name)
        values[f"recent_{name}"] = field.get_db_prep_value(value, connections[using])
    return values


@functools.cache
def recent_report_stand_ins(using: str = "default") -> dict[str, object]:
    """``recent_report_values`` on ``STAND_IN_NOW``: a kept statement's day,
    where a request's own goes."""
    return recent_report_values(STAND_IN_NOW, using)


class InterviewReportQuerySet(models.QuerySet):
    def visible(self):
        """Reports that count: not hidden by a moderator, nor held for one."""
        return self.filter(is_hidden=False, is_held=False)

    def recent(self, now: datetime | None = None):
        return self.filter(recent_report(now))

    def count_per_question(self) -> Coalesce:
        """How many of these reports the outer query's question has, as an expression."""
        counts = (
            self.filter(question=OuterRef("pk"))
            .order_by()
            .values("question")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counts), 0)


class InterviewReport(models.Model):
    """A member's report that a question was asked in a real interview.

    Shown on the question page only as a count, the latest year and the
    companies named; who reported stays private. A moderator can hide a report
    (it then stops counting) but never deletes it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="interview_reports",
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="interview_reports"
    )
    company = models.CharField(max_length=80, blank=True, help_text="Optional.")
    level = models.CharField(
        max_length=10, choices=InterviewLevel.choices, blank=True, help_text="Optional."
    )
    year = models.PositiveSmallIntegerField(help_text="The year of the interview.")
    is_hidden = models.BooleanField(
        default=False, help_text="Hidden by a moderator: no longer counted or shown."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    company_ref = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        db_index=False,  # report_company_recent_idx starts with it
        help_text="The company the name stands for (its aliases included).",
    )
    is_held = models.BooleanField(
        default=False,
        help_text="From a member without a verified e-mail: counts nowhere until approved.",
    )

    objects = InterviewReportQuerySet.as_manager()

    class Meta:
        db_table = "questions_interviewreport"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["question", "created_at"], name="report_question_recent_idx"),
            models.Index(fields=["is_hidden", "created_at"], name="report_moderation_idx"),
            models.Index(fields=["company_ref", "created_at"], name="report_company_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question", "year"], name="one_report_per_member_question_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="report_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        where = f" at {self.company}" if self.company else ""
        return f"Asked{where} in {self.year}: {self.question}"
