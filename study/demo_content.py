"""The demo's interview reports, study plans and mock interview (``load_demo``):
what the study tools show a visitor of ``make run`` straight away."""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from questions.models import Question

from . import companies
from . import mock as mock_interviews
from . import plans as plan_services
from . import services as study_services
from .models import Company, CompanyAlias, InterviewReport
from .models.plans import StudyPlan, StudyPlanItem

DEMO_REPORTED = 3  # questions reported asked at the demo company
# (slug, title, days, topic slugs, description) of the demo's study plans.
DEMO_PLANS = [
    (
        "ml-fundamentals",
        "ML fundamentals in 14 days",
        14,
        ["classical-ml", "model-evaluation"],
        "Classical models and how to evaluate them: a question or two a day for two weeks.",
    ),
    (
        "probability-warm-up",
        "Probability warm-up",
        5,
        ["probability", "statistics"],
        "Probability puzzles and statistics basics before an interview loop, in five days.",
    ),
]


def interview_reports(users: dict[str, User], counts: Counter) -> None:
    """Members asked these questions at Meta, one of them typing "facebook":
    the alias a moderator keeps merges it, so /companies/meta/ counts all."""
    if InterviewReport.objects.exists():
        return
    questions = list(Question.objects.published().order_by("pk")[:DEMO_REPORTED])
    this_year = timezone.localdate().year
    plan = [("ada", "Meta", "senior"), ("bo", "meta", "mid"), ("chen", "facebook", "")]
    for index, question in enumerate(questions):
        for username, company, level in plan[: len(plan) - index]:
            study_services.report_asked(
                user=users[username],
                question=question,
                company=company,
                level=level,
                year=this_year - index,
            )
            counts["reports"] += 1
    meta = Company.objects.filter(key="meta").first()
    if meta is not None:
        companies.save_alias(alias=CompanyAlias(company=meta, name="Facebook"))


def study_plans(demo: User) -> None:
    """Two study plans built from the topics; the demo member follows one."""
    for slug, title, days, topics, description in DEMO_PLANS:
        plan, created = StudyPlan.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "days": days,
                "description": description,
                "is_published": True,
            },
        )
        if created:
            questions = Question.objects.published().filter(topics__slug__in=topics)
            StudyPlanItem.objects.bulk_create(
                StudyPlanItem(plan=plan, question=question, position=n)
                for n, question in enumerate(questions.distinct().order_by("pk"))
            )
    warm_up = StudyPlan.objects.get(slug=DEMO_PLANS[1][0])
    if not warm_up.enrollments.filter(user=demo).exists():
        plan_services.start_plan(user=demo, plan=warm_up)


def mock_interview(member: User) -> None:
    """A finished mock interview for the demo member, waiting to be graded."""
    if member.mock_interviews.exists() or Question.objects.published().count() < 3:
        return
    started = timezone.now() - timedelta(days=1)
    interview = mock_interviews.start_mock_interview(
        user=member, topics=[], question_count=3, minutes=3, now=started
    )
    typed = ["Start from the definition, then an example.", "", "Trade-offs first."]
    for position, (minutes, answer) in enumerate(zip((2, 5, 8), typed, strict=True), 1):
        mock_interviews.answer_mock_question(
            user=member,
            interview=interview,
            position=position,
            answer=answer,
            now=started + timedelta(minutes=minutes),
        )
