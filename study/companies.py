"""Companies of the "I was asked this" reports.

A name typed in a report is normalised (``company_key``: case and spacing do not
count) and looked up among the moderators' aliases first, then the companies;
an unknown name makes a new company. Adding an alias merges the company already
known by that name, so "Meta" and "Facebook" count once. Reads: the reports a
question list filters and sorts by (``matching_reports``) and the company page
(``company_questions``). Who reported is never read out, only how many.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils.text import slugify

from questions import pagecache
from questions.models import Question

from .models import Company, CompanyAlias, InterviewLevel, InterviewReport, company_key
from .scheduling import utc_now

# ?asked_within=: reports made in the last N days.
FREQUENCY_WINDOWS = {"30": "Last 30 days", "90": "Last 90 days", "365": "Last 365 days"}


def _free_slug(name: str) -> str:
    base = slugify(name)[:80] or "company"
    taken = set(Company.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def resolve_company(name: str) -> Company | None:
    """The company a report's company name stands for, made when new; None for no name."""
    key = company_key(name)
    if not key:
        return None
    alias = CompanyAlias.objects.select_related("company").filter(key=key).first()
    if alias is not None:
        return alias.company
    company = Company.objects.filter(key=key).first()
    if company is not None:
        return company
    try:
        with transaction.atomic():
            return Company.objects.create(
                name=" ".join(name.split()), key=key, slug=_free_slug(name)
            )
    except IntegrityError:  # made by another report at the same moment
        company = Company.objects.filter(key=key).first()
        if company is None:
            raise
        return company


def alias_problem(*, name: str, company: Company | None, alias_pk: int | None) -> str:
    """Why this alias cannot be saved, or "" when it can."""
    key = company_key(name)
    if not key:
        return "An alias needs a name."
    if company is not None and key == company.key:
        return "That is the company's own name."
    other = CompanyAlias.objects.filter(key=key).exclude(pk=alias_pk).select_related("company")
    if found := other.first():
        return f"“{found.name}” is already an alias of {found.company}."
    return ""


@transaction.atomic
def save_alias(*, alias: CompanyAlias) -> int:
    """Save a moderator's alias. A company known by that name merges into the alias's
    company: its reports and aliases move there and it goes (its page with it).
    Returns how many reports moved."""
    if problem := alias_problem(name=alias.name, company=alias.company, alias_pk=alias.pk):
        raise ValidationError(problem)
    alias.name = " ".join(alias.name.split())
    alias.key = company_key(alias.name)
    moved = 0
    merged = Company.objects.filter(key=alias.key).exclude(pk=alias.company_id).first()
    if merged is not None:
        moved = InterviewReport.objects.filter(company_ref=merged).update(company_ref=alias.company)
        CompanyAlias.objects.filter(company=merged).update(company=alias.company)
        merged.delete()
    alias.save()
    # Company names show on question pages and filter the lists.
    pagecache.site_changed()
    return moved


def company_problem(*, name: str, company_pk: int | None) -> str:
    """Why a company cannot be named so, or "" when it can."""
    key = company_key(name)
    if not key:
        return "A company needs a name."
    if Company.objects.filter(key=key).exclude(pk=company_pk).exists():
        return "Another company has this name."
    if alias := CompanyAlias.objects.filter(key=key).select_related("company").first():
        return f"This name is an alias of {alias.company}: remove the alias first."
    return ""


# --- Reads ------------------------------------------------------------------------------


def matching_reports(
    *,
    company: Company | None = None,
    level: str = "",
    within_days: int | None = None,
    now: datetime | None = None,
) -> QuerySet[InterviewReport] | None:
    """The counted reports at this company, level and period; None when none is asked."""
    if company is None and not level and not within_days:
        return None
    reports = InterviewReport.objects.visible()
    if company is not None:
        reports = reports.filter(company_ref=company)
    if level:
        reports = reports.filter(level=level)
    if within_days:
        reports = reports.filter(created_at__gte=utc_now(now) - timedelta(days=within_days))
    return reports


def company_questions(company: Company) -> QuerySet[Question]:
    """Published questions reported at ``company``, most reported first, each with
    ``reporters`` (members; a deleted account's report counts as one) and
    ``latest_year``."""
    at = Q(
        interview_reports__company_ref=company,
        interview_reports__is_hidden=False,
        interview_reports__is_held=False,
    )
    gone = Q(interview_reports__user__isnull=True)
    return (
        Question.objects.published()
        .filter(at)
        .annotate(
            reporters=Count("interview_reports__user", distinct=True)
            + Count("interview_reports", filter=gone),
            latest_year=Max("interview_reports__year"),
        )
        .only("id", "title", "slug")
        .order_by("-reporters", "-latest_year", "-id")
    )


def attach_levels_and_years(questions: Iterable[Question], company: Company) -> list[Question]:
    """Set ``levels`` (labels, junior to staff) and ``years`` (latest first) on each
    question: one query for the page's questions."""
    rows = list(questions)
    levels, years = defaultdict(set), defaultdict(set)
    found = (
        InterviewReport.objects.visible()
        .filter(company_ref=company, question_id__in=[q.pk for q in rows])
        .order_by()
        .values_list("question_id", "level", "year")
        .distinct()
    )
    for question_id, level, year in found:
        if level:
            levels[question_id].add(level)
        years[question_id].add(year)
    order = {value: n for n, value in enumerate(InterviewLevel.values)}
    labels = dict(InterviewLevel.choices)
    for question in rows:
        question.levels = [labels[v] for v in sorted(levels[question.pk], key=order.get)]
        question.years = sorted(years[question.pk], reverse=True)
    return rows
